namespace Cipherpad.Server.Storage;

/// <summary>
/// The one write transaction of a request on the hot path: what it reserves, what it decides and what it records commit
/// together, and the request answers only once that commit is durable. On PostgreSQL that is a plain transaction (the
/// server groups the WAL flushes of concurrent commits itself); on SQLite it is <see cref="SqliteGroupCommit"/>. Inside a
/// transaction the caller already has open, the work joins it, and the caller commits.
/// </summary>
public sealed class WriteTransactions(CipherpadDbContext db, SqliteGroupCommit sqlite)
{
    // Whether the innermost RunAsync under way on PostgreSQL began its transaction (and so may commit it with a statement),
    // and whether a statement has committed it.
    private bool _owned;
    private bool _committedWithStatement;

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
        var (owned, committedWithStatement) = (_owned, _committedWithStatement);
        (_owned, _committedWithStatement) = (!joining, false);
        try
        {
            var result = await work();
            if (!_committedWithStatement)
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
            }
            (_owned, _committedWithStatement) = (owned, committedWithStatement);
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> as the last statement of the write transaction <see cref="RunAsync{T}(Func{Task{T}}, CancellationToken)"/>
    /// began; returns the number of rows it changed. On PostgreSQL, when the request's context tracks nothing (so nothing of
    /// EF Core's waits for the commit: a save, the outbox's wake-up), the transaction's <c>COMMIT</c> goes in the same
    /// command, one network round trip fewer. PostgreSQL skips it if the statement fails, and the transaction is rolled back;
    /// a connection lost during that command throws <see cref="CommitOutcomeUnknownException"/>. Nothing may run after it
    /// in the transaction: Npgsql refuses a statement for a completed transaction before sending it. Otherwise (on SQLite,
    /// in a transaction the caller began, or with entities tracked) the commit is made as usual.
    /// </summary>
    public async Task<int> ExecuteLastAsync(string sql, object? arguments, CancellationToken cancellationToken)
    {
        if (!_owned || db.ChangeTracker.Entries().Any())
        {
            return await db.ExecuteAsync(sql, arguments, cancellationToken);
        }
        var changed = await db.ExecuteAndCommitAsync(sql, arguments, cancellationToken);
        _committedWithStatement = true;
        return changed;
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
