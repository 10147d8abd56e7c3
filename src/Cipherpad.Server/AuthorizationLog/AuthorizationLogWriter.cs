using Cipherpad.Server.Storage;

namespace Cipherpad.Server.AuthorizationLog;

/// <summary>
/// Appends authorization facts. There is deliberately no update or delete anywhere. A fact that records a change is
/// <see cref="Add">added</see> to the request's unit of work and commits with that change, or not at all; a fact that
/// changes nothing else (a wrong answer, a refused code) is <see cref="AppendAsync">appended</see> with a statement of its
/// own, which saves nothing else of the request's.
/// </summary>
public sealed class AuthorizationLogWriter(CipherpadDbContext db, Observability.CipherpadMetrics metrics, TimeProvider time)
{
    /// <summary>Stages the entry in the request's context; the caller's save (or transaction) commits it with the change it records.</summary>
    public void Add(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId = null, Guid? challengeId = null, string? detail = null) =>
        db.AuthorizationLog.Add(Entry(accountId, result, method, purpose, relyingParty, ip, deviceId, challengeId, detail));

    /// <summary>
    /// Writes only this entry, with one statement (inside the request's transaction, if one is open); whatever the
    /// request has staged in its context stays unsaved.
    /// </summary>
    public Task AppendAsync(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId = null, Guid? challengeId = null, string? detail = null, CancellationToken cancellationToken = default) =>
        db.ExecuteAsync(InsertEntry, Entry(accountId, result, method, purpose, relyingParty, ip, deviceId, challengeId, detail), cancellationToken);

    /// <summary>As <see cref="AppendAsync"/>, with the rest of <paramref name="batch"/> (inside the request's transaction).</summary>
    public void Append(StatementBatch batch, Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId = null, Guid? challengeId = null, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Add(InsertEntry, Entry(accountId, result, method, purpose, relyingParty, ip, deviceId, challengeId, detail));
    }

    private const string InsertEntry =
        """
        INSERT INTO "AuthorizationLog" ("AccountId", "At", "Result", "Method", "Purpose", "RelyingParty", "Ip", "DeviceId", "ChallengeId", "Detail")
        VALUES (@AccountId, @At, @Result, @Method, @Purpose, @RelyingParty, @Ip, @DeviceId, @ChallengeId, @Detail)
        """;

    private AuthorizationLogEntry Entry(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId, Guid? challengeId, string? detail)
    {
        metrics.Authorization(result, method, purpose);
        return new()
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
}
