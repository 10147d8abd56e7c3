using System.Collections.Concurrent;
using Cipherpad.Server.Storage;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Security;

/// <summary>
/// Where the request limits' counts are kept (<see cref="SharedWindowLimiter"/>): in PostgreSQL, where every server on the
/// database shares them, or in the process's memory on SQLite, whose file serves one server.
/// </summary>
public abstract class RequestCounts
{
    /// <summary>
    /// Adds <paramref name="permits"/> to what <paramref name="partition"/> has taken in the window starting at
    /// <paramref name="windowStart"/>, atomically, and returns the total after the addition.
    /// </summary>
    public abstract Task<long> TakeAsync(string partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, int permits,
        CancellationToken cancellationToken);
}

/// <summary>
/// The counts of every server on one PostgreSQL, in the unlogged table <c>RequestWindows</c>: one statement per lease, on a
/// small pool of connections of its own. A request takes its lease while it may already hold a connection of the request
/// pool, so sharing that pool would let a burst of requests each wait for a second connection that none gives back.
/// </summary>
public sealed class DatabaseRequestCounts : RequestCounts, IAsyncDisposable, IDisposable
{
    /// <summary>Connections for leases; each statement takes well under a millisecond, so a few serve thousands a second.</summary>
    public const int Connections = 4;

    private const string Take = """
        INSERT INTO "RequestWindows" ("Partition", "WindowStart", "EndsAt", "Taken") VALUES ($1, $2, $3, $4)
        ON CONFLICT ("Partition", "WindowStart") DO UPDATE SET "Taken" = "RequestWindows"."Taken" + excluded."Taken"
        RETURNING "Taken"
        """;

    private readonly Npgsql.NpgsqlDataSource _connections;

    public DatabaseRequestCounts(IOptions<CipherpadOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(StorageExtensions.ForRequests(options.Value.Database.ConnectionString))
        {
            MaxPoolSize = Connections,
            MinPoolSize = 0,
        };
        settings.ApplicationName ??= "cipherpad request limits";
        _connections = Npgsql.NpgsqlDataSource.Create(settings.ConnectionString);
    }

    public override async Task<long> TakeAsync(string partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, int permits,
        CancellationToken cancellationToken)
    {
        await using var command = _connections.CreateCommand(Take);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = partition });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = windowStart.UtcTicks });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = windowEnd.UtcTicks });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = permits });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    public void Dispose() => _connections.Dispose();
}

/// <summary>The counts of this process alone; ended windows are dropped at most once a minute.</summary>
public sealed class MemoryRequestCounts(TimeProvider time) : RequestCounts
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string Partition, long WindowStart), Count> _counts = new();
    private long _nextSweep;

    public override Task<long> TakeAsync(string partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, int permits,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        var nextSweep = Interlocked.Read(ref _nextSweep);
        if (now >= nextSweep && Interlocked.CompareExchange(ref _nextSweep, now + SweepEvery.Ticks, nextSweep) == nextSweep)
        {
            foreach (var (key, ended) in _counts)
            {
                if (ended.EndsAt <= now)
                {
                    _counts.TryRemove(key, out _);
                }
            }
        }
        var count = _counts.GetOrAdd((partition, windowStart.UtcTicks), _ => new Count(windowEnd.UtcTicks));
        return Task.FromResult(Interlocked.Add(ref count.Taken, permits));
    }

    private sealed class Count(long endsAt)
    {
        public readonly long EndsAt = endsAt;
        public long Taken;
    }
}
