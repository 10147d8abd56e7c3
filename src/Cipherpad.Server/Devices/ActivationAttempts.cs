using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Devices;

/// <summary>
/// Each source's own allowance of wrong activation finishes per subject, so that wrong codes sent from elsewhere never
/// use up the owner's: an attempt is taken before the code is compared, with the insert-unless-exists and conditional
/// increment that hold under any number of parallel requests and server instances.
/// </summary>
public sealed class ActivationAttempts(CipherpadDbContext db)
{
    /// <summary>Takes one attempt; returns how many the source has left after it, or null when it had none.</summary>
    public async Task<int?> TryTakeAsync(string subject, string source, int limit, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        // Stored as UTC ticks (CipherpadDbContext's conversion); raw SQL has to pass it in that form.
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "ActivationAttempts" ("Subject", "Source", "FailedAttempts", "ExpiresAt") VALUES ({subject}, {source}, 0, {expiresAt.UtcTicks}) ON CONFLICT DO NOTHING""",
            cancellationToken);
        // The count after this attempt comes back from the same statement, so parallel attempts each learn their own.
        var counted = await db.Database.SqlQuery<int>(
            $"""UPDATE "ActivationAttempts" SET "FailedAttempts" = "FailedAttempts" + 1 WHERE "Subject" = {subject} AND "Source" = {source} AND "FailedAttempts" < {limit} RETURNING "FailedAttempts" AS "Value" """)
            .ToListAsync(cancellationToken);
        return counted.Count == 0 ? null : limit - counted[0];
    }

    /// <summary>Returns an attempt that was no wrong guess (the right code, or an unusable public key).</summary>
    public Task GiveBackAsync(string subject, string source, CancellationToken cancellationToken) =>
        db.ActivationAttempts.Where(a => a.Subject == subject && a.Source == source && a.FailedAttempts > 0)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts - 1), cancellationToken);
}
