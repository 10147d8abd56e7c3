namespace Cipherpad.Contracts.Challenges;

/// <summary>
/// A relying party asks for a question: <c>POST /api/v1/challenges</c>. Fields are strings, not enums, so that a
/// wrong value reaches the server and is answered with a problem naming the field instead of failing to bind.
/// </summary>
/// <param name="Login">The user's e-mail or one of its confirmed aliases.</param>
/// <param name="Purpose">One of <see cref="ChallengePurposes"/>; <c>login</c> when absent.</param>
/// <param name="Description">For an <c>action</c>: the operation shown to the user, 1 to 200 characters.</param>
/// <param name="Payee">For a <c>payment</c>: who is paid.</param>
/// <param name="Amount">For a <c>payment</c>: the amount as a decimal string, such as <c>12.50</c>.</param>
/// <param name="Currency">For a <c>payment</c>: the currency code, such as <c>USD</c>.</param>
/// <param name="Method">The answer method, such as <c>app</c> (the default) or <c>sms</c>.</param>
public sealed record CreateChallengeRequest(string? Login, string? Purpose = null, string? Description = null, string? Payee = null,
    string? Amount = null, string? Currency = null, string? Method = null);
