using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Challenges;

/// <summary>
/// Exponential back-off that an attacker cannot turn into a lock-out, in two layers, both kept in the database:
/// <list type="bullet">
/// <item>per source: after a few consecutive failures from one source (an IP) against an account, that source
/// waits 1 s, 2 s, 4 s … up to a maximum;</item>
/// <item>per account: after many consecutive failures from all sources together (a distributed guess, well under
/// NIST SP 800-63B's 100), every source that has never succeeded for the account backs off the same way, while
/// sources the owner has succeeded from go on unhindered.</item>
/// </list>
/// A success resets both. <c>scope</c> keeps separate counts for answers and for security questions.
/// </summary>
public sealed class SourceThrottles(CipherpadDbContext db, IOptions<CipherpadOptions> options, TimeProvider time)
{
    private const string AllSources = "*";

    private ChallengeOptions Settings => options.Value.Challenges;

    /// <summary>How long <paramref name="source"/> must still wait before it may try this account again, or null.</summary>
    public async Task<TimeSpan?> BlockedForAsync(Guid accountId, string scope, string source, CancellationToken cancellationToken)
    {
        string own = Key(scope, source), all = Key(scope, AllSources);
        var rows = await db.SourceThrottles.AsNoTracking().Where(t => t.AccountId == accountId && (t.Source == own || t.Source == all))
            .ToListAsync(cancellationToken);
        var ownRow = rows.SingleOrDefault(r => r.Source == own);
        var accountRow = rows.SingleOrDefault(r => r.Source == all);
        var now = time.GetUtcNow();
        TimeSpan? wait = ownRow?.BlockedUntil is { } until && until > now ? until - now : null;
        if (accountRow?.BlockedUntil is { } accountUntil && accountUntil > now && ownRow?.LastSuccessAt is null && (wait is null || accountUntil - now > wait))
        {
            wait = accountUntil - now;
        }
        return wait;
    }

    /// <summary>Counts a failure against the source and against the account.</summary>
    public async Task RecordFailureAsync(Guid accountId, string scope, string source, CancellationToken cancellationToken)
    {
        await CountAsync(accountId, Key(scope, source), Settings.FailuresBeforeBackoff, cancellationToken);
        await CountAsync(accountId, Key(scope, AllSources), Settings.AccountFailuresBeforeBackoff, cancellationToken);
    }

    /// <summary>Clears both counts and remembers the source as one the owner succeeded from.</summary>
    public async Task RecordSuccessAsync(Guid accountId, string scope, string source, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string own = Key(scope, source), all = Key(scope, AllSources);
        await db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == all).ExecuteDeleteAsync(cancellationToken);
        if (await db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == own).ExecuteUpdateAsync(t => t
            .SetProperty(x => x.ConsecutiveFailures, 0).SetProperty(x => x.BlockedUntil, (DateTimeOffset?)null).SetProperty(x => x.LastSuccessAt, now),
            cancellationToken) == 0)
        {
            var row = db.SourceThrottles.Add(new SourceThrottle { AccountId = accountId, Source = own, LastSuccessAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                row.State = EntityState.Detached; // rows change only by statements: a tracked copy would clash with the next insert
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // recorded concurrently
            }
        }
    }

    private async Task CountAsync(Guid accountId, string key, int failuresBeforeBackoff, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var updated = await db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == key)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + 1), cancellationToken);
            if (updated == 0)
            {
                var row = db.SourceThrottles.Add(new SourceThrottle { AccountId = accountId, Source = key, ConsecutiveFailures = 1 });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    row.State = EntityState.Detached; // a success deletes the row by a statement; a tracked copy would block its re-creation
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    continue; // created concurrently: count on it instead
                }
            }
            break;
        }
        var failures = await db.SourceThrottles.AsNoTracking().Where(t => t.AccountId == accountId && t.Source == key)
            .Select(t => t.ConsecutiveFailures).SingleAsync(cancellationToken);
        if (failures >= failuresBeforeBackoff)
        {
            var exponent = Math.Min(failures - failuresBeforeBackoff, 20);
            var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, exponent), Settings.MaxBackoff.TotalSeconds));
            var until = time.GetUtcNow() + wait;
            await db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == key)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.BlockedUntil, until), cancellationToken);
        }
    }

    private static string Key(string scope, string source) => $"{scope}:{source}";
}
