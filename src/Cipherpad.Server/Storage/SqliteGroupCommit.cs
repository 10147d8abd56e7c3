using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Win32.SafeHandles;

namespace Cipherpad.Server.Storage;

/// <summary>
/// The hot path's SQLite connections, and group commit, which SQLite has none of its own.
/// <para>
/// One connection writes: the hot path's writes (<see cref="Sql"/>) run one at a time on a single long-lived connection,
/// waiting in an async queue rather than in SQLite's sleeping busy handler. It keeps its page cache warm (every other
/// connection loses its cache whenever another one writes), and each statement is compiled once (SQLite's provider
/// compiles every new command afresh). A request's write transaction borrows it for the request's context, so that what
/// the context saves (an e-mail in the outbox) commits with the statements.
/// </para>
/// <para>
/// Reads outside a write transaction run beside it, on read-only connections of their own (one per core, their statements
/// also compiled once), when the database has a write-ahead log: it lets them read the last commit while the writer works,
/// so a request that only authenticates its caller or reads what it will write about does not queue for the writer. They
/// see only what is committed, each statement its own snapshot. A statement that turns out to write to the database
/// (SQLite refuses it on a read-only connection before it changes anything) runs on the writing connection instead, then
/// and from then on; one that runs there inside a shared transaction returns only once that transaction has committed,
/// even if it changed nothing, so that what it saw is what the next read sees.
/// </para>
/// <para>
/// Shared transactions: while other requests wait for the connection, the one that holds it leaves its transaction open
/// for them, and each request's write transaction is a savepoint inside it (rolled back alone if the request fails). The
/// transaction commits when nobody is waiting, or once it is <see cref="DefaultMaxGroupAge"/> old or has
/// <see cref="MaxGroupMembers"/> members. One commit then takes its locks, writes its pages to the log and updates the
/// log's index once for many requests, where each request did all of that before. A request that wrote answers only once
/// its shared transaction committed.
/// </para>
/// <para>
/// Group flush: with <c>synchronous = FULL</c> every commit waits for its own fsync, so writers would queue behind one
/// another's disk flushes. This connection runs with <c>synchronous = NORMAL</c>, which appends a commit to the
/// write-ahead log without flushing it; each write transaction then waits for an fsync of the log that began after its
/// commit. One fsync makes every commit before it durable, so concurrent requests share flushes, and none answers before
/// its commit is on disk: as durable as <c>FULL</c>, for whatever a response reports. Every other connection keeps
/// <c>synchronous = FULL</c>.
/// </para>
/// </summary>
public sealed class SqliteGroupCommit(TimeSpan? maxGroupAge = null) : IDisposable
{
    /// <summary>How long a shared transaction stays open for requests that wait for the connection, at most, by default.</summary>
    public static readonly TimeSpan DefaultMaxGroupAge = TimeSpan.FromMilliseconds(1);

    private readonly TimeSpan _maxGroupAge = maxGroupAge ?? DefaultMaxGroupAge;

    /// <summary>How many statements and write transactions a shared transaction takes, at most.</summary>
    public const int MaxGroupMembers = 128;

    private const string RequestSavepoint = "request";
    private readonly SemaphoreSlim _connectionInUse = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _compiled = new(SqlText.Comparer);
    private readonly Lock _flushLock = new();
    private SqliteConnection? _connection;
    private Group? _group;
    private int _waitingForConnection;
    private string? _writeAheadLog;
    private SafeFileHandle? _logHandle;
    private List<TaskCompletionSource> _waitingForFlush = [];
    private bool _flushing;
    private long _flushes;
    private long _commits;
    private readonly SemaphoreSlim _readers = new(ReadConnections, ReadConnections);
    private readonly ConcurrentStack<ReadConnection> _idleReaders = new();
    private readonly ConcurrentDictionary<string, bool> _writes = new(SqlText.Comparer);
    private static readonly int ReadConnections = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How many fsyncs of the log have completed: fewer than the commits they made durable, under load.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>How many shared transactions have committed: fewer than the requests that wrote in them, under load.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>How many requests wait for the connection now.</summary>
    internal int Waiting => Volatile.Read(ref _waitingForConnection);

    /// <summary>
    /// Runs <paramref name="work"/> as one savepoint of a shared transaction on the hot path's connection, and returns once that
    /// transaction has committed and the commit is on disk, or as soon as it has committed when <paramref name="waitForDisk"/>
    /// is false. If <paramref name="work"/> throws, what it wrote is rolled back and nothing else.
    /// </summary>
    public async Task<T> RunAsync<T>(CipherpadDbContext db, Func<Task<T>> work, bool waitForDisk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        T result;
        Group? group = null;
        await TakeConnectionAsync();
        try
        {
            var connection = Connection(db);
            var own = db.Database.GetDbConnection();
            if (own.State != ConnectionState.Closed)
            {
                throw new InvalidOperationException("A request's context must not hold its own connection open when the hot path lends it its one.");
            }
            group = Join(connection);
            group.Changed = true;
            db.Database.SetDbConnection(connection, contextOwnsConnection: false);
            try
            {
                // With an id of ours: the overload without one draws it from the kernel (see Ids).
                await db.Database.UseTransactionAsync(group.Transaction, Ids.NewVersion7(), cancellationToken);
                await RunCompiled(connection, group, $"SAVEPOINT {RequestSavepoint}", cancellationToken);
                try
                {
                    result = await work();
                    // The work is done: once released, it is kept whatever happens to the request now.
                    await RunCompiled(connection, group, $"RELEASE {RequestSavepoint}", CancellationToken.None);
                }
                catch
                {
                    UndoRequest(group, connection);
                    throw;
                }
            }
            finally
            {
                await db.Database.UseTransactionAsync(null, Guid.Empty, CancellationToken.None);
                db.Database.SetDbConnection(own, contextOwnsConnection: true);
            }
        }
        finally
        {
            LeaveConnection(group);
        }
        await group.Committed.Task;
        if (waitForDisk && _writeAheadLog is { } log)
        {
            await FlushedAsync(log);
        }
        return result;
    }

    /// <summary>
    /// Runs one of the hot path's statements on its own, compiled once: a read on a read-only connection, beside the writer;
    /// a write on the writing connection, in the shared transaction when one is open, otherwise on its own. A statement on
    /// the writing connection returns once the shared transaction it ran in has committed, and once its commit is on disk
    /// if it changed something.
    /// </summary>
    public async Task<T> StatementAsync<T>(CipherpadDbContext db, string sql, Func<SqliteCommand, Task<T>> execute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(execute);
        cancellationToken.ThrowIfCancellationRequested();
        if (_writeAheadLog is not null && !_writes.ContainsKey(sql))
        {
            var reader = await TakeReaderAsync(db);
            try
            {
                return await execute(reader.Compiled(sql));
            }
            catch (SqliteException refused) when (refused.SqliteExtendedErrorCode == SQLitePCL.raw.SQLITE_READONLY)
            {
                _writes[sql] = true; // a write: it runs on the hot path's connection, now and from now on
            }
            finally
            {
                ReturnReader(reader);
            }
        }
        T result;
        bool changed;
        Group? group = null;
        await TakeConnectionAsync();
        try
        {
            var connection = Connection(db);
            if ((group = _group) is not null)
            {
                group.Members++;
            }
            var changesBefore = SQLitePCL.raw.sqlite3_total_changes(connection.Handle);
            var command = Compiled(connection, sql);
            command.Transaction = group?.Transaction;
            try
            {
                result = await execute(command);
            }
            catch (SqliteException) when (group is not null)
            {
                group.Broken |= TransactionLost(connection);
                throw;
            }
            changed = SQLitePCL.raw.sqlite3_total_changes(connection.Handle) != changesBefore;
            if (group is not null)
            {
                group.Changed |= changed;
            }
        }
        finally
        {
            LeaveConnection(group);
        }
        if (group is not null)
        {
            // Even a statement that changed nothing may have seen the shared transaction's writes: it returns once they are
            // committed, so that a read the caller makes next, on a read-only connection, sees them too. Having changed
            // nothing, it did not fail if the transaction did.
            await group.Committed.Task.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext
                | (changed ? ConfigureAwaitOptions.None : ConfigureAwaitOptions.SuppressThrowing));
        }
        if (changed && _writeAheadLog is { } log)
        {
            await FlushedAsync(log);
        }
        return result;
    }

    /// <summary>Puts a read-only connection back for the next read, unless a statement left a transaction open on it.</summary>
    private void ReturnReader(ReadConnection reader)
    {
        if (reader.InTransaction)
        {
            reader.Dispose(); // its reads would all see one old snapshot, and hold back checkpoints
        }
        else
        {
            _idleReaders.Push(reader);
        }
        _readers.Release();
    }

    private async Task<ReadConnection> TakeReaderAsync(CipherpadDbContext db)
    {
        await _readers.WaitAsync(CancellationToken.None);
        if (_idleReaders.TryPop(out var reader))
        {
            return reader;
        }
        try
        {
            return new ReadConnection(db.Database.GetConnectionString()!);
        }
        catch
        {
            _readers.Release();
            throw;
        }
    }

    /// <summary>
    /// Waits for the connection without a cancellation token: whoever waits takes it and lets it go, so that a shared
    /// transaction left open for a waiter is always closed by someone.
    /// </summary>
    private async Task TakeConnectionAsync()
    {
        Interlocked.Increment(ref _waitingForConnection);
        try
        {
            await _connectionInUse.WaitAsync(CancellationToken.None);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingForConnection);
        }
    }

    /// <summary>
    /// Runs a statement of the shared transaction's own, such as a request's savepoint, compiled once: the transaction's
    /// methods for savepoints compile theirs afresh each time, twice per write transaction.
    /// </summary>
    private Task<int> RunCompiled(SqliteConnection connection, Group group, string sql, CancellationToken cancellationToken)
    {
        var command = Compiled(connection, sql);
        command.Transaction = group.Transaction;
        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The open shared transaction, or a new one (which takes the database's write lock at once, as every write transaction did), with one more member.</summary>
    private Group Join(SqliteConnection connection)
    {
        _group ??= new Group(connection.BeginTransaction(deferred: false));
        _group.Members++;
        return _group;
    }

    /// <summary>Rolls back what the failed request wrote; if even that fails, the whole shared transaction is rolled back when it ends.</summary>
    private static void UndoRequest(Group group, SqliteConnection connection)
    {
        if (TransactionLost(connection))
        {
            group.Broken = true;
            return;
        }
        try
        {
            group.Transaction.Rollback(RequestSavepoint);
            group.Transaction.Release(RequestSavepoint);
        }
        catch (SqliteException)
        {
            group.Broken = true;
        }
    }

    /// <summary>
    /// Whether SQLite rolled the whole transaction back itself, as it may on some errors (a full disk, an I/O error): what
    /// its members wrote is gone, so none of them may be told it committed.
    /// </summary>
    private static bool TransactionLost(SqliteConnection connection) => SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;

    /// <summary>Commits the shared transaction unless another request waits to join it and it is young and small, then lets the connection go.</summary>
    private void LeaveConnection(Group? group)
    {
        try
        {
            if (group is not null && (group.Broken || Waiting == 0 || group.Members >= MaxGroupMembers
                || Stopwatch.GetElapsedTime(group.StartedAt) >= _maxGroupAge))
            {
                _group = null;
                End(group);
            }
        }
        finally
        {
            _connectionInUse.Release();
        }
    }

    private void End(Group group)
    {
        try
        {
            if (group.Broken)
            {
                if (!TransactionLost(group.Transaction.Connection!))
                {
                    group.Transaction.Rollback();
                }
                group.Committed.SetException(new InvalidOperationException(
                    "The shared transaction was rolled back: a request's error ended it, or its savepoint could not be rolled back."));
                return;
            }
            group.Transaction.Commit();
            if (group.Changed)
            {
                Interlocked.Increment(ref _commits);
            }
            group.Committed.SetResult();
        }
        catch (SqliteException failure)
        {
            group.Committed.TrySetException(failure);
        }
        finally
        {
            if (!group.Committed.Task.IsCompleted)
            {
                // Whatever else went wrong, the members must not wait for good.
                group.Committed.TrySetException(new InvalidOperationException("The shared transaction did not commit."));
            }
            group.Transaction.Dispose();
        }
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
        while (_idleReaders.TryPop(out var reader))
        {
            reader.Dispose();
        }
        _readers.Dispose();
        foreach (var command in _compiled.Values)
        {
            command.Dispose();
        }
        _connection?.Dispose();
        _logHandle?.Dispose();
        _connectionInUse.Dispose();
    }
}

/// <summary>A transaction on the hot path's connection shared by the requests that ran while others waited for it.</summary>
internal sealed class Group(SqliteTransaction transaction)
{
    public SqliteTransaction Transaction { get; } = transaction;

    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Members { get; set; }

    /// <summary>Whether a member wrote anything.</summary>
    public bool Changed { get; set; }

    /// <summary>A member's savepoint could not be rolled back: the transaction must not commit.</summary>
    public bool Broken { get; set; }
}

/// <summary>
/// A connection of the hot path that only reads (<c>query_only</c>), with its statements compiled once. It is not pooled,
/// so that no other user of the database is ever handed a connection that refuses to write.
/// </summary>
internal sealed class ReadConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _compiled = new(SqlText.Comparer);

    public ReadConnection(string connectionString)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            _connection.Open();
            using var settings = _connection.CreateCommand();
            settings.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;";
            settings.ExecuteNonQuery();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>Whether a statement began a transaction on it and left it open.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0;

    public SqliteCommand Compiled(string sql)
    {
        if (!_compiled.TryGetValue(sql, out var command))
        {
            command = new SqliteCommand(sql, _connection);
            _compiled[sql] = command;
        }
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _compiled.Values)
        {
            command.Dispose();
        }
        _connection.Dispose();
    }
}
