using Cipherpad.Server.Storage;

namespace Cipherpad.Server.AuthorizationLog;

/// <summary>Appends authorization facts. There is deliberately no update or delete anywhere.</summary>
public sealed class AuthorizationLogWriter(CipherpadDbContext db, TimeProvider time)
{
    public async Task AppendAsync(Guid? accountId, string result, string method, string purpose, string? relyingParty, string? ip,
        Guid? deviceId = null, Guid? challengeId = null, string? detail = null, CancellationToken cancellationToken = default)
    {
        db.AuthorizationLog.Add(new AuthorizationLogEntry
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
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
