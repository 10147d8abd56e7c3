using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;

namespace Cipherpad.Server.Pages;

/// <summary>
/// The second step of a page where a person answers (Cipherpad's sign-in, the OpenID Connect authorization page): the
/// question for the cipher pad, the number to choose on the phone pad, or the field for an SMS answer, as the person chose
/// (<c>Pages/Shared/_AnswerStep.cshtml</c>).
/// </summary>
/// <param name="Method">How the person chose to answer: <c>app</c>, <c>push</c>, <c>sms</c> or <c>passkey</c>.</param>
/// <param name="ChallengeId">The question the forms go on with.</param>
/// <param name="Email">The e-mail the person gave, kept for the next step.</param>
/// <param name="Question">The question, for <c>app</c>.</param>
/// <param name="QrImage">The question's QR code as a data URL, for <c>app</c>.</param>
/// <param name="MatchNumber">The number to choose on the phone pad, for <c>push</c>.</param>
/// <param name="Problem">What went wrong with the last try, if anything.</param>
/// <param name="Mode">The cipher pad's mode for the question: "log in", "confirm action", "confirm payment".</param>
/// <param name="Command">The command-line pad's command for the question.</param>
/// <param name="SubmitLabel">The answer button's label.</param>
/// <param name="Hidden">The page's own fields that go back with each form (its return address, an authorization request).</param>
/// <param name="RestartAddress">Where to choose another way to answer.</param>
/// <param name="ExpiresAt">When the question or request expires, for the page's countdown.</param>
/// <param name="PasskeyRequest">For <c>passkey</c>: the WebAuthn request options, as JSON, for the browser to sign.</param>
public sealed record AnswerStep(string Method, Guid ChallengeId, string? Email, string? Question, string? QrImage, int? MatchNumber, Text? Problem,
    string Mode, string Command, string SubmitLabel, IReadOnlyList<KeyValuePair<string, string>> Hidden, string RestartAddress, DateTimeOffset? ExpiresAt = null,
    string? PasskeyRequest = null)
{
    /// <summary>Whether <paramref name="method"/> is one of the ways a page offers to answer.</summary>
    public static bool IsChoice(string? method) =>
        method is AnswerMethods.CipherPad.CipherPadMethod.MethodName or PushMethod.MethodName or AnswerMethods.Sms.SmsMethod.MethodName
            or AnswerMethods.Passkey.PasskeyMethod.MethodName;

    /// <summary>The page's passkey request for <paramref name="challenge"/>, when the person chose to answer with a passkey.</summary>
    public static string? PasskeyRequestFor(string? method, Challenge challenge, Passkeys.PasskeyService passkeys)
    {
        ArgumentNullException.ThrowIfNull(passkeys);
        return method == AnswerMethods.Passkey.PasskeyMethod.MethodName ? passkeys.AssertionOptionsFor(challenge).ToJson() : null;
    }

    /// <summary>Whether the typed answer must first look like digits: not for a passkey, whose answer is the browser's signature.</summary>
    public static bool TakesDigits(string? method) => method != AnswerMethods.Passkey.PasskeyMethod.MethodName;

    /// <summary>What a page says when "I approved it" finds no approval to act on, and whether the person can still approve (keep the step).</summary>
    public static (Text Problem, bool StillOpen) NotApproved(Challenge challenge, int? matchNumber, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return challenge.Status switch
        {
            ChallengeStatus.Pending when challenge.ExpiresAt > now => ((Text)$"Not approved yet: on your phone pad, choose {matchNumber} and approve, then continue.", true),
            ChallengeStatus.Denied => ("Refused on your phone pad. Start again if that was a mistake.", false),
            ChallengeStatus.Pending => ("This request has expired; start again.", false),
            _ => ("This request can no longer be approved; start again.", false),
        };
    }

    /// <summary>The number the page shows for a push request: the question's own, or — for a question nobody can answer — any, so both look alike.</summary>
    public static int MatchNumberFor(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return challenge.MatchNumber ?? System.Security.Cryptography.RandomNumberGenerator.GetInt32(PushMethod.LowestMatchNumber, PushMethod.HighestMatchNumber + 1);
    }
}
