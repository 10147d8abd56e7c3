namespace Cipherpad.Server.Storage;

/// <summary>
/// The one write transaction of a request on the hot path: what it reserves, what it decides and what it records commit
/// together, and the request answers only once that commit is durable. On PostgreSQL that is a plain transaction (the
/// server groups the WAL flushes of concurrent commits itself); on SQLite it is <see cref="SqliteGroupCommit"/>. Inside a
/// transaction the caller already has open, the work joins it, and the caller commits.
/// </summary>
public sealed class WriteTransactions(CipherpadDbContext db, SqliteGroupCommit sqlite)
{
    // Whether the innermost RunAsync under way on PostgreSQL began its transaction (and so may commit it with a statement).
    private bool _owned;

    public Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) => RunAsync(work, waitForDisk: true, cancellationToken);

    public Task RunAsync(Func<Task> work, CancellationToken cancellationToken) => RunAsync(Untyped(work), waitForDisk: true, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{Task{T}}, CancellationToken)"/>, but answers once the commit is made, without waiting for
    /// it to reach the disk: for a write that a power cut may take back at no cost but a retry, such as a new question. A crash
    /// of the server alone loses nothing (the commit is in the database's log), and the next durable commit makes this one
    /// durable too, since the log is flushed in order.
    /// </summary>
    public Task<T> RunWithoutWaitingForDiskAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(work, waitForDisk: false, cancellationToken);

    public Task RunWithoutWaitingForDiskAsync(Func<Task> work, CancellationToken cancellationToken) =>
        RunAsync(Untyped(work), waitForDisk: false, cancellationToken);

    private async Task<T> RunAsync<T>(Func<Task<T>> work, bool waitForDisk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var joining = db.Database.CurrentTransaction is not null;
        if (!joining && db.OnSqlite)
        {
            return await sqlite.RunAsync(db, work, waitForDisk, cancellationToken);
        }
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        if (!joining && !waitForDisk)
        {
            // Set at any time before the commit, it holds for the commit: no need for a round trip of its own.
            db.SendWithNextStatement("SET LOCAL synchronous_commit TO OFF");
        }
        var owned = _owned;
        _owned = !joining;
        try
        {
            var result = await work();
            if (!(_owned && db.TakeCommittedInBand()))
            {
                await transaction.CommitAsync(cancellationToken); // a commit whose outcome is unknown throws CommitOutcomeUnknownException
            }
            return result;
        }
        finally
        {
            if (!joining)
            {
                db.SendWithNextStatement(null);
                db.CommitWithNextStatement(false);
                db.TakeCommittedInBand();
            }
            _owned = owned;
        }
    }

    /// <summary>
    /// Says that the next statement <see cref="Sql"/> runs is the last of the write transaction <see cref="RunAsync{T}(Func{Task{T}}, CancellationToken)"/>
    /// began: on PostgreSQL the transaction's <c>COMMIT</c> goes in the same command, which saves a network round trip, and
    /// commits only if the statement succeeds. Nothing may be written after it. On SQLite, and in a transaction the caller
    /// began, the commit is made as usual.
    /// </summary>
    public void CommitWithNextStatement()
    {
        if (_owned)
        {
            db.CommitWithNextStatement(true);
        }
    }

    private static Func<Task<bool>> Untyped(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return async () =>
        {
            await work();
            return true;
        };
    }
}
