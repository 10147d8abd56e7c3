using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.AnswerMethods;

/// <summary>
/// One way an answer reaches the user: the cipher pad computes it, the server sends it by SMS, and later push or a
/// passkey. <see cref="ChallengeService"/> owns everything the methods share — which methods the account has on,
/// the question's lifetime, single success, the wrong-answer limit, throttling and the log — and asks the method only
/// what is its own. A new method is one class registered with <c>AddAnswerMethod&lt;T&gt;()</c>, and a row per account
/// that turns it on; no other code changes.
/// </summary>
public interface IAnswerMethod
{
    /// <summary>The method's name in the API (<c>"method": "sms"</c>), on challenges, in the log and in account method rows.</summary>
    string Name { get; }

    /// <summary>How the method is called on pages and in messages ("the cipher pad", "answers by SMS").</summary>
    string DisplayName { get; }

    /// <summary>The label of the method's box where a person chooses methods.</summary>
    string Description { get; }

    /// <summary>Whether this method can carry a question for <paramref name="request"/> now (the account has a pad, a fee exists for the currency…). Changes nothing.</summary>
    Task<CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Gets the new, not yet saved <paramref name="challenge"/> to the user: seals its QR payload, or sends the answer.
    /// On an error nothing of the challenge is kept, and anything the method reserved is given back.
    /// </summary>
    Task<CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken);

    /// <summary>
    /// The chance that one guessed answer is accepted, for a question of <paramref name="parts"/> parts to this account: how
    /// many answers the method accepts for it (pads × minutes of the time window, say) divided by how many there are.
    /// Every answer spends this much of the account's daily budget before it is evaluated (<see cref="GuessRisks"/>).
    /// </summary>
    Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="typedAnswer"/> answers <paramref name="challenge"/>, compared in constant time. Changes nothing.</summary>
    Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A right answer to <paramref name="challenge"/> was accepted. Called inside the transaction that marks the challenge
    /// succeeded, before its log entry is saved: what the method adds to the request's unit of work (a fee, say) commits
    /// with the acceptance or not at all. Called once per challenge; most methods have nothing to do.
    /// </summary>
    Task AcceptedAsync(Challenge challenge, RelyingParty relyingParty, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The reads the method will make to issue a question to the account or to check an answer from it, which the caller may
    /// send ahead with its own (<see cref="Storage.ReadAhead"/>) so that they cost no round trip of their own.
    /// </summary>
    IEnumerable<Storage.ReadAhead> ReadsFor(Guid accountId) => [];
}

/// <summary>What a question is being issued for; <paramref name="Login"/> is the address the relying party gave (the e-mail or an alias).</summary>
public sealed record AnswerMethodRequest(string Login, Account Account, RelyingParty RelyingParty, Purpose Purpose, string? Description, PaymentDetails? Payment);

/// <summary>The verdict of one answer: right or not, and the cipher pad that made it, if a pad did.</summary>
public readonly record struct AnswerCheck(bool Correct, Guid? DeviceId = null)
{
    public static AnswerCheck Wrong => default;

    public static AnswerCheck Right(Guid? deviceId = null) => new(true, deviceId);
}
