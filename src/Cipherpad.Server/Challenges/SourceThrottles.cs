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
/// Every attempt is reserved (<see cref="TryReserveAsync"/>) before the guess is evaluated and counts as a failure until
/// a success resets both. <c>scope</c> keeps separate counts for answers and for security questions.
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

    /// <summary>
    /// Takes one attempt for <paramref name="source"/> against the account before the guess is evaluated, counted as a
    /// failure until <see cref="RecordSuccessAsync"/> says otherwise; returns null when the attempt may go ahead, or how
    /// long the source must still wait. Each count is a conditional update, so a burst of parallel attempts gets no more
    /// than the free attempts and then one per back-off window, on any database and across server instances.
    /// <paramref name="accountWide"/> says whether the account-wide layer applies too; answers to questions leave it out,
    /// because <see cref="GuessRisks"/> bounds distributed guessing without holding up the owner at a new address.
    /// </summary>
    public async Task<TimeSpan?> TryReserveAsync(Guid accountId, string scope, string source, CancellationToken cancellationToken, bool accountWide = true)
    {
        var own = await ReserveAsync(accountId, Key(scope, source), Settings.FailuresBeforeBackoff, cancellationToken);
        if (own.Wait is { } wait)
        {
            return wait;
        }
        return own.OwnerSource || !accountWide
            ? null
            : (await ReserveAsync(accountId, Key(scope, AllSources), Settings.AccountFailuresBeforeBackoff, cancellationToken)).Wait;
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

    private async Task<(TimeSpan? Wait, bool OwnerSource)> ReserveAsync(Guid accountId, string key, int failuresBeforeBackoff, CancellationToken cancellationToken)
    {
        await EnsureRowAsync(accountId, key, cancellationToken);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var now = time.GetUtcNow();
            var rows = db.SourceThrottles.Where(t => t.AccountId == accountId && t.Source == key && (t.BlockedUntil == null || t.BlockedUntil <= now));
            // Below the threshold an attempt is free: counting it is one conditional increment, whoever else is counting.
            if (await rows.Where(t => t.ConsecutiveFailures < failuresBeforeBackoff - 1)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + 1), cancellationToken) == 1)
            {
                return (null, await IsOwnerSourceAsync(accountId, key, cancellationToken));
            }
            var row = await db.SourceThrottles.AsNoTracking().SingleOrDefaultAsync(t => t.AccountId == accountId && t.Source == key, cancellationToken);
            if (row is null)
            {
                await EnsureRowAsync(accountId, key, cancellationToken); // a success elsewhere cleared it meanwhile
                continue;
            }
            if (row.BlockedUntil is { } until && until > now)
            {
                return (until - now, row.LastSuccessAt is not null);
            }
            // At or past the threshold this attempt starts the next wait; only the one that read the current count may.
            var exponent = Math.Min(row.ConsecutiveFailures + 1 - failuresBeforeBackoff, 20);
            var blockedUntil = now + TimeSpan.FromSeconds(Math.Min(Math.Pow(2, exponent), Settings.MaxBackoff.TotalSeconds));
            if (await rows.Where(t => t.ConsecutiveFailures == row.ConsecutiveFailures).ExecuteUpdateAsync(t => t
                .SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + 1)
                .SetProperty(x => x.BlockedUntil, blockedUntil), cancellationToken) == 1)
            {
                return (null, row.LastSuccessAt is not null);
            }
        }
        return (TimeSpan.FromSeconds(1), false); // lost every race: the burst it belongs to is being counted
    }

    private Task<bool> IsOwnerSourceAsync(Guid accountId, string key, CancellationToken cancellationToken) =>
        db.SourceThrottles.AnyAsync(t => t.AccountId == accountId && t.Source == key && t.LastSuccessAt != null, cancellationToken);

    // Racing requests may all find the row missing; the database keeps the first insert and ignores the others.
    private Task<int> EnsureRowAsync(Guid accountId, string key, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO \"SourceThrottles\" (\"AccountId\", \"Source\", \"ConsecutiveFailures\") VALUES ({accountId}, {key}, {0}) ON CONFLICT DO NOTHING",
            cancellationToken);

    private static string Key(string scope, string source) => $"{scope}:{Web.ClientAddress.GuessingSource(source)}";
}
