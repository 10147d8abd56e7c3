using Cipherpad.Server.Storage;

namespace Cipherpad.Server.AuthorizationLog;

/// <summary>
/// Appends authorization facts. There is deliberately no update or delete anywhere. A fact that records a change is
/// <see cref="Add">added</see> to the request's unit of work and commits with that change, or not at all; a fact that
/// changes nothing else (a wrong answer, a refused code) is <see cref="AppendAsync">appended</see> on its own, and the
/// writer refuses to save anything of the request's with it.
/// </summary>
public sealed class AuthorizationLogWriter(CipherpadDbContext db, TimeProvider time)
{
    /// <summary>Stages the entry in the request's context; the caller's save (or transaction) commits it with the change it records.</summary>
    public void Add(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId = null, Guid? challengeId = null, string? detail = null) =>
        db.AuthorizationLog.Add(Entry(accountId, result, method, purpose, relyingParty, ip, deviceId, challengeId, detail));

    /// <summary>
    /// Saves only this entry (inside the request's transaction, if one is open).
    /// </summary>
    /// <exception cref="InvalidOperationException">The request has unsaved changes, which this save would commit unseen.</exception>
    public async Task AppendAsync(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId = null, Guid? challengeId = null, string? detail = null, CancellationToken cancellationToken = default)
    {
        if (db.ChangeTracker.HasChanges())
        {
            throw new InvalidOperationException("Appending to the authorization log would save the request's pending changes; save them first, or use Add.");
        }
        db.AuthorizationLog.Add(Entry(accountId, result, method, purpose, relyingParty, ip, deviceId, challengeId, detail));
        await db.SaveChangesAsync(cancellationToken);
    }

    private AuthorizationLogEntry Entry(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId, Guid? challengeId, string? detail) => new()
        {
            AccountId = accountId,
            At = time.GetUtcNow(),
            Result = result,
            Method = method,
            Purpose = purpose,
            RelyingParty = relyingParty,
            Ip = ip,
            DeviceId = deviceId,
            ChallengeId = challengeId,
            Detail = detail,
        };
}
