using Cipherpad.Server.Challenges;
using Cipherpad.Server.Passkeys;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.AnswerMethods.Passkey;

/// <summary>
/// A passkey answers: on Cipherpad's own page, the browser signs the question's details with a passkey of the account
/// (<see cref="PasskeyService.ChallengeBytes"/>), and that signature is the answer. Nothing is sent to the person, and a
/// guess is a forged signature: its chance is nil. A relying party cannot ask the browser itself, since a passkey is
/// bound to Cipherpad's domain; it sends the person to Cipherpad through OpenID Connect.
/// </summary>
public sealed class PasskeyMethod(PasskeyService passkeys) : IAnswerMethod
{
    public const string MethodName = "passkey";

    private (Guid ChallengeId, Guid PasskeyId, uint SignCount)? _accepted;

    public string Name => MethodName;

    public string DisplayName => "a passkey";

    public string Description => "A passkey: your fingerprint, face or screen lock (once you add one in your account)";

    public async Task<CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await passkeys.HasUsableAsync(request.Account.Id, cancellationToken) ? null : Errors.NoPasskey(request.Login);
    }

    public Task<CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken) =>
        Task.FromResult<CipherpadError?>(null);

    public Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken) => Task.FromResult(0d);

    public async Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var (check, passkeyId, signCount) = await passkeys.CheckAsync(challenge, typedAnswer, cancellationToken);
        _accepted = check.Correct && passkeyId is { } id ? (challenge.Id, id, signCount) : null;
        return check;
    }

    public async Task AcceptedAsync(Challenge challenge, RelyingParty relyingParty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (_accepted is { } accepted && accepted.ChallengeId == challenge.Id)
        {
            await passkeys.RecordUseAsync(accepted.PasskeyId, accepted.SignCount, cancellationToken);
        }
    }
}
