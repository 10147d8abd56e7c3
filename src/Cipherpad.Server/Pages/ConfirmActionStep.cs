using Cipherpad.Server.Localization;

namespace Cipherpad.Server.Pages;

/// <summary>
/// A question the signed-in person answers in the cipher pad's "confirm action" mode on an account page (a change to the
/// account, a key vault export): the question, its QR code and the answer's form (<c>Pages/Shared/_ConfirmActionStep.cshtml</c>).
/// </summary>
/// <param name="Question">The question.</param>
/// <param name="QrImage">The question's QR code as a data URL, when it has one.</param>
/// <param name="Problem">What went wrong with the last answer, if anything.</param>
/// <param name="SubmitLabel">The answer button's label.</param>
public sealed record ConfirmActionStep(string Question, string? QrImage, Text? Problem, string SubmitLabel);
