using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Challenges;

/// <summary>
/// Exponential back-off per account and source: after a few consecutive failures from one source (an IP, or an IP
/// at the recovery form), that source waits 1 s, 2 s, 4 s … up to a maximum. Other sources are not affected, so
/// an attacker cannot lock the owner out; a success from the source resets it.
/// </summary>
public sealed class SourceThrottles(CipherpadDbContext db, IOptions<CipherpadOptions> options, TimeProvider time)
{
    private ChallengeOptions Settings => options.Value.Challenges;

    /// <summary>How long the source must still wait, or null.</summary>
    public async Task<TimeSpan?> BlockedForAsync(Guid accountId, string source, CancellationToken cancellationToken)
    {
        var blockedUntil = await db.SourceThrottles.AsNoTracking().Where(t => t.AccountId == accountId && t.Source == source)
            .Select(t => t.BlockedUntil).SingleOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        return blockedUntil is { } until && until > now ? until - now : null;
    }

    public Task ResetAsync(Guid accountId, string source, CancellationToken cancellationToken) =>
        db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == source).ExecuteDeleteAsync(cancellationToken);

    public async Task RecordFailureAsync(Guid accountId, string source, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var updated = await db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == source)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + 1), cancellationToken);
            if (updated == 0)
            {
                db.SourceThrottles.Add(new SourceThrottle { AccountId = accountId, Source = source, ConsecutiveFailures = 1 });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    continue; // created concurrently: count on it instead
                }
            }
            break;
        }
        var failures = await db.SourceThrottles.AsNoTracking().Where(t => t.AccountId == accountId && t.Source == source)
            .Select(t => t.ConsecutiveFailures).SingleAsync(cancellationToken);
        if (failures >= Settings.FailuresBeforeBackoff)
        {
            var exponent = Math.Min(failures - Settings.FailuresBeforeBackoff, 20);
            var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, exponent), Settings.MaxBackoff.TotalSeconds));
            var until = time.GetUtcNow() + wait;
            await db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == source)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.BlockedUntil, until), cancellationToken);
        }
    }
}
