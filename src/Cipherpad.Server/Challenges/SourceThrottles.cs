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
    /// <paramref name="sentAlong"/> go to the database in the same command as the source's count, after it, whatever its outcome.
    /// </summary>
    public async Task<TimeSpan?> TryReserveAsync(Guid accountId, string scope, string source, CancellationToken cancellationToken, bool accountWide = true,
        IReadOnlyList<ReadAhead>? sentAlong = null)
    {
        var own = await ReserveAsync(accountId, Key(scope, source), Settings.FailuresBeforeBackoff, sentAlong ?? [], cancellationToken);
        if (own.Wait is { } wait)
        {
            return wait;
        }
        return own.OwnerSource || !accountWide
            ? null
            : (await ReserveAsync(accountId, Key(scope, AllSources), Settings.AccountFailuresBeforeBackoff, [], cancellationToken)).Wait;
    }

    /// <summary>
    /// Clears the source's count and remembers it as one the owner succeeded from, and clears the account-wide count when
    /// <paramref name="accountWide"/> (as <see cref="TryReserveAsync"/> was called).
    /// </summary>
    public Task RecordSuccessAsync(Guid accountId, string scope, string source, CancellationToken cancellationToken, bool accountWide = true)
    {
        var batch = new StatementBatch(db);
        RecordSuccess(batch, accountId, scope, source, accountWide);
        return batch.ExecuteAsync(cancellationToken);
    }

    /// <summary>As <see cref="RecordSuccessAsync"/>, with the rest of <paramref name="batch"/> (inside the request's transaction).</summary>
    public void RecordSuccess(StatementBatch batch, Guid accountId, string scope, string source, bool accountWide = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (accountWide)
        {
            batch.Add("""DELETE FROM "SourceThrottles" WHERE "AccountId" = @accountId AND "Source" = @all""", new { accountId, all = Key(scope, AllSources) });
        }
        batch.Add(
            """
            INSERT INTO "SourceThrottles" ("AccountId", "Source", "ConsecutiveFailures", "LastSuccessAt") VALUES (@accountId, @key, 0, @now)
            ON CONFLICT ("AccountId", "Source") DO UPDATE SET "ConsecutiveFailures" = 0, "BlockedUntil" = NULL, "LastSuccessAt" = @now
            """, new { accountId, key = Key(scope, source), now = time.GetUtcNow() });
    }

    /// <summary>
    /// Counts one attempt for <paramref name="key"/>: below <paramref name="failuresBeforeBackoff"/> it is free; at or past
    /// it, the attempt that reaches each count starts the next wait and goes ahead, and any other attempt at that count waits.
    /// </summary>
    private async Task<(TimeSpan? Wait, bool OwnerSource)> ReserveAsync(Guid accountId, string key, int failuresBeforeBackoff, IReadOnlyList<ReadAhead> sentAlong,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // One statement counts the attempt unless the source is waiting; on PostgreSQL it locks the row until the request
        // commits, so a concurrent attempt counts after it and sees its wait.
        var counted = await db.SingleOrDefaultAsync<SourceThrottle>(
            """
            INSERT INTO "SourceThrottles" ("AccountId", "Source", "ConsecutiveFailures") VALUES (@accountId, @key, 1)
            ON CONFLICT ("AccountId", "Source") DO UPDATE SET "ConsecutiveFailures" = "SourceThrottles"."ConsecutiveFailures" + 1
            WHERE "SourceThrottles"."BlockedUntil" IS NULL OR "SourceThrottles"."BlockedUntil" <= @now
            RETURNING *
            """, new { accountId, key, now }, sentAlong, cancellationToken);
        if (counted is null)
        {
            return await WaitingAsync(accountId, key, now, cancellationToken);
        }
        var ownerSource = counted.LastSuccessAt is not null;
        if (counted.ConsecutiveFailures < failuresBeforeBackoff)
        {
            return (null, ownerSource);
        }
        var exponent = Math.Min(counted.ConsecutiveFailures - failuresBeforeBackoff, 20);
        var blockedUntil = now + TimeSpan.FromSeconds(Math.Min(Math.Pow(2, exponent), Settings.MaxBackoff.TotalSeconds));
        var started = await db.ExecuteAsync(
            """
            UPDATE "SourceThrottles" SET "BlockedUntil" = @blockedUntil
            WHERE "AccountId" = @accountId AND "Source" = @key AND "ConsecutiveFailures" = @count AND ("BlockedUntil" IS NULL OR "BlockedUntil" <= @now)
            """, new { accountId, key, count = counted.ConsecutiveFailures, blockedUntil, now }, cancellationToken);
        // Another attempt counted past this one before it could start the wait (possible outside a write transaction): that
        // one goes ahead, this one waits.
        return started == 1 ? (null, ownerSource) : await WaitingAsync(accountId, key, now, cancellationToken);
    }

    private async Task<(TimeSpan? Wait, bool OwnerSource)> WaitingAsync(Guid accountId, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.SingleOrDefaultAsync<SourceThrottle>(
            """SELECT * FROM "SourceThrottles" WHERE "AccountId" = @accountId AND "Source" = @key""", new { accountId, key }, cancellationToken);
        return (row?.BlockedUntil is { } until && until > now ? until - now : TimeSpan.FromSeconds(1), row?.LastSuccessAt is not null);
    }

    private static string Key(string scope, string source) => $"{scope}:{Web.ClientAddress.GuessingSource(source)}";
}
