using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Storage;

/// <summary>
/// The one write transaction of a request on the hot path: what it reserves, what it decides and what it records commit
/// together, and the request answers only once that commit is durable. On PostgreSQL that is a plain transaction (the
/// server groups the WAL flushes of concurrent commits itself); on SQLite it is <see cref="SqliteGroupCommit"/>. Inside a
/// transaction the caller already has open, the work joins it, and the caller commits.
/// </summary>
public sealed class WriteTransactions(CipherpadDbContext db, SqliteGroupCommit sqlite)
{
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (db.Database.CurrentTransaction is null && db.Database.IsSqlite())
        {
            return await sqlite.RunAsync(db, work, cancellationToken);
        }
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public Task RunAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(async () =>
        {
            await work();
            return true;
        }, cancellationToken);
    }
}
