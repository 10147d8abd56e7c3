using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Storage;

/// <summary>
/// Group commit for SQLite, which has none of its own: with <c>synchronous = FULL</c> every commit waits for its own
/// fsync, so writers queue behind one another's disk flushes. Here the hot path's write transactions run one at a time
/// in this process (waiting in an async queue rather than in SQLite's sleeping busy handler) with
/// <c>synchronous = NORMAL</c>, which writes the commit to the write-ahead log without flushing it; then each waits
/// for an fsync of the log that began after its commit. One fsync makes every commit before it durable, so concurrent
/// requests share flushes, and none answers before its commit is on disk: as durable as <c>FULL</c>, for whatever a
/// response reports. Every other write in the server keeps <c>synchronous = FULL</c>.
/// </summary>
public sealed class SqliteGroupCommit : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _flushLock = new();
    private List<TaskCompletionSource> _waitingForFlush = [];
    private bool _flushing;
    private long _flushes;

    /// <summary>How many fsyncs of the log have completed: fewer than the commits they made durable, under load.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    public async Task<T> RunAsync<T>(CipherpadDbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var log = WriteAheadLog(connection);
        T result;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (log is not null)
            {
                await SetSynchronousAsync(connection, "NORMAL");
            }
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                result = await work();
                await transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                if (log is not null)
                {
                    await SetSynchronousAsync(connection, "FULL");
                }
            }
        }
        finally
        {
            _writer.Release();
        }
        if (log is not null)
        {
            await FlushedAsync(log);
        }
        return result;
    }

    /// <summary>The database's write-ahead log file, or null when the database does not use one (the commit then flushes itself).</summary>
    private static string? WriteAheadLog(SqliteConnection connection)
    {
        var file = connection.DataSource;
        return string.IsNullOrEmpty(file) || !File.Exists(file + "-wal") ? null : file + "-wal";
    }

    private static async Task SetSynchronousAsync(DbConnection connection, string level)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {level};";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Completes after an fsync of <paramref name="log"/> that started after this call: a commit made before the call is then on disk.</summary>
    private Task FlushedAsync(string log)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushLock)
        {
            _waitingForFlush.Add(flushed);
            if (_flushing)
            {
                return flushed.Task;
            }
            _flushing = true;
        }
        _ = Task.Run(() => FlushWhileWaited(log));
        return flushed.Task;
    }

    private void FlushWhileWaited(string log)
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_flushLock)
            {
                if (_waitingForFlush.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                (batch, _waitingForFlush) = (_waitingForFlush, []);
            }
            try
            {
                Fsync(log);
                Interlocked.Increment(ref _flushes);
                batch.ForEach(waiter => waiter.SetResult());
            }
            catch (IOException failure)
            {
                batch.ForEach(waiter => waiter.SetException(failure));
            }
            catch (UnauthorizedAccessException failure)
            {
                batch.ForEach(waiter => waiter.SetException(failure));
            }
        }
    }

    private static void Fsync(string log)
    {
        try
        {
            using var handle = File.OpenHandle(log, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(handle);
        }
        catch (FileNotFoundException)
        {
            // SQLite removes the log only once it has copied it into the database file and flushed that.
        }
    }

    public void Dispose() => _writer.Dispose();
}
