using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Win32.SafeHandles;

namespace Cipherpad.Server.Storage;

/// <summary>
/// The hot path's SQLite connection, and group commit, which SQLite has none of its own.
/// <para>
/// One connection: the hot path's statements (<see cref="Sql"/>) run one at a time on a single long-lived connection,
/// waiting in an async queue rather than in SQLite's sleeping busy handler. It keeps its page cache warm (every other
/// connection loses its cache whenever another one writes), and each statement is compiled once (SQLite's provider
/// compiles every new command afresh). A request's write transaction borrows it for the request's context, so that what
/// the context saves (an e-mail in the outbox) commits with the statements.
/// </para>
/// <para>
/// Group commit: with <c>synchronous = FULL</c> every commit waits for its own fsync, so writers would queue behind one
/// another's disk flushes. This connection runs with <c>synchronous = NORMAL</c>, which appends a commit to the
/// write-ahead log without flushing it; each write transaction then waits for an fsync of the log that began after its
/// commit. One fsync makes every commit before it durable, so concurrent requests share flushes, and none answers before
/// its commit is on disk: as durable as <c>FULL</c>, for whatever a response reports. Every other connection keeps
/// <c>synchronous = FULL</c>.
/// </para>
/// </summary>
public sealed class SqliteGroupCommit : IDisposable
{
    private readonly SemaphoreSlim _connectionInUse = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _compiled = new(StringComparer.Ordinal);
    private readonly Lock _flushLock = new();
    private SqliteConnection? _connection;
    private string? _writeAheadLog;
    private SafeFileHandle? _logHandle;
    private List<TaskCompletionSource> _waitingForFlush = [];
    private bool _flushing;
    private long _flushes;

    /// <summary>How many fsyncs of the log have completed: fewer than the commits they made durable, under load.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on the hot path's connection, and returns once its commit is on disk,
    /// or as soon as it is made when <paramref name="waitForDisk"/> is false.
    /// </summary>
    public async Task<T> RunAsync<T>(CipherpadDbContext db, Func<Task<T>> work, bool waitForDisk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        T result;
        await _connectionInUse.WaitAsync(cancellationToken);
        try
        {
            var connection = Connection(db);
            var own = db.Database.GetDbConnection();
            if (own.State != ConnectionState.Closed)
            {
                throw new InvalidOperationException("A request's context must not hold its own connection open when the hot path lends it its one.");
            }
            db.Database.SetDbConnection(connection, contextOwnsConnection: false);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                result = await work();
                await transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                db.Database.SetDbConnection(own, contextOwnsConnection: true);
            }
        }
        finally
        {
            _connectionInUse.Release();
        }
        if (waitForDisk && _writeAheadLog is { } log)
        {
            await FlushedAsync(log);
        }
        return result;
    }

    /// <summary>
    /// Runs one of the hot path's statements on its own, outside a write transaction, on the hot path's connection and
    /// compiled once; a statement that changed something returns once its commit is on disk.
    /// </summary>
    public async Task<T> StatementAsync<T>(CipherpadDbContext db, string sql, Func<SqliteCommand, Task<T>> execute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execute);
        T result;
        bool changed;
        await _connectionInUse.WaitAsync(cancellationToken);
        try
        {
            var connection = Connection(db);
            var changesBefore = SQLitePCL.raw.sqlite3_total_changes(connection.Handle);
            var command = Compiled(connection, sql);
            command.Transaction = null;
            result = await execute(command);
            changed = SQLitePCL.raw.sqlite3_total_changes(connection.Handle) != changesBefore;
        }
        finally
        {
            _connectionInUse.Release();
        }
        if (changed && _writeAheadLog is { } log)
        {
            await FlushedAsync(log);
        }
        return result;
    }

    /// <summary>
    /// The statement compiled on the hot path's connection when <paramref name="connection"/> is it (inside a write
    /// transaction, which holds it); null for any other connection.
    /// </summary>
    internal SqliteCommand? CompiledOn(DbConnection connection, string sql) =>
        ReferenceEquals(connection, _connection) ? Compiled(_connection, sql) : null;

    private SqliteCommand Compiled(SqliteConnection connection, string sql)
    {
        if (!_compiled.TryGetValue(sql, out var command))
        {
            command = new SqliteCommand(sql, connection);
            _compiled[sql] = command;
        }
        return command;
    }

    /// <summary>The hot path's connection, opened on first use on the server's database.</summary>
    private SqliteConnection Connection(CipherpadDbContext db)
    {
        if (_connection is not null)
        {
            return _connection;
        }
        var connection = new SqliteConnection(db.Database.GetConnectionString());
        connection.Open();
        using (var settings = connection.CreateCommand())
        {
            settings.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
            settings.ExecuteNonQuery();
        }
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        if (string.Equals(mode.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            _writeAheadLog = connection.DataSource + "-wal";
        }
        else
        {
            // Without a write-ahead log there is nothing to flush apart from the commit: let each commit flush itself.
            mode.CommandText = "PRAGMA synchronous = FULL;";
            mode.ExecuteNonQuery();
        }
        return _connection = connection;
    }

    /// <summary>
    /// Completes after an fsync of <paramref name="log"/> that started after this call: a commit made before the call is then
    /// on disk. When no flush is running, the caller flushes on its own thread, for itself and whoever asked meanwhile, and
    /// hands any later askers to a flusher of their own; otherwise it waits for the next flush.
    /// </summary>
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
        FlushWaiting(log);
        lock (_flushLock)
        {
            if (_waitingForFlush.Count == 0)
            {
                _flushing = false;
            }
            else
            {
                _ = Task.Run(() => FlushWhileWaited(log));
            }
        }
        return flushed.Task;
    }

    private void FlushWhileWaited(string log)
    {
        while (true)
        {
            lock (_flushLock)
            {
                if (_waitingForFlush.Count == 0)
                {
                    _flushing = false;
                    return;
                }
            }
            FlushWaiting(log);
        }
    }

    /// <summary>One fsync for everyone waiting when it starts.</summary>
    private void FlushWaiting(string log)
    {
        List<TaskCompletionSource> batch;
        lock (_flushLock)
        {
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

    /// <summary>
    /// Flushes the log through a handle kept open from one flush to the next: SQLite keeps the log's file while any
    /// connection is open, and this class's connection stays open until it is disposed.
    /// </summary>
    private void Fsync(string log)
    {
        if (_logHandle is null)
        {
            try
            {
                _logHandle = File.OpenHandle(log, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                return; // no log yet, so no commit in one
            }
        }
        RandomAccess.FlushToDisk(_logHandle);
    }

    public void Dispose()
    {
        foreach (var command in _compiled.Values)
        {
            command.Dispose();
        }
        _connection?.Dispose();
        _logHandle?.Dispose();
        _connectionInUse.Dispose();
    }
}
