using System.Threading.RateLimiting;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Server.Tests.Security;

/// <summary>
/// The request limiter that several servers share, with three limiters of one partition standing for three servers over the
/// server's own <see cref="RequestCounts"/> (PostgreSQL's table, or memory on SQLite), on a stopped clock so that no burst
/// runs into the next window.
/// </summary>
public abstract class SharedWindowLimiterScenarios
{
    private const int Limit = 100;
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    [Fact]
    public async Task Three_servers_admit_exactly_the_limit_between_them_from_a_burst_of_a_thousand_asking_for_far_fewer_leases()
    {
        using var factory = await CreateFactoryAsync();
        factory.Time.Stop();
        var counts = new CountedRequestCounts(factory.Services.GetRequiredService<RequestCounts>());
        var servers = Enumerable.Range(0, 3).Select(_ => Limiter(factory, counts, "rp:burst")).ToArray();

        var leases = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () => await servers[i % 3].AcquireAsync())));

        Assert.Equal(Limit, leases.Count(lease => lease.IsAcquired));
        var untilNextWindow = Minute - TimeSpan.FromTicks(factory.Time.GetUtcNow().UtcTicks % Minute.Ticks);
        Assert.All(leases.Where(lease => !lease.IsAcquired), lease =>
            Assert.Equal(untilNextWindow, Assert.IsType<TimeSpan>(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null)));
        // Leases of 1, 2, 4 and then 6 (a sixteenth of 100): a handful of statements per server, not one per request.
        Assert.InRange(counts.Calls, 3, 40);
        if (factory.Provider == DatabaseProvider.PostgreSql)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var row = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().RequestWindows.SingleAsync(w => w.Partition == "rp:burst");
            Assert.True(row.Taken >= Limit, $"{row.Taken} taken");
        }
    }

    [Fact]
    public async Task The_next_window_admits_again_and_another_partition_is_never_touched()
    {
        using var factory = await CreateFactoryAsync();
        factory.Time.Stop();
        var counts = factory.Services.GetRequiredService<RequestCounts>();
        var first = Limiter(factory, counts, "ip:203.0.113.5");
        var second = Limiter(factory, counts, "ip:203.0.113.5");
        var neighbour = Limiter(factory, counts, "ip:203.0.113.6");

        var spent = await Task.WhenAll(Enumerable.Range(0, 2 * Limit + 20).Select(i => (i % 2 == 0 ? first : second).AcquireAsync().AsTask()));
        var neighbourLease = await neighbour.AcquireAsync();
        factory.Time.Offset += Minute;
        var nextWindow = await Task.WhenAll(Enumerable.Range(0, 2 * Limit + 20).Select(i => (i % 2 == 0 ? first : second).AcquireAsync().AsTask()));

        // Each server is asked more often than the whole limit, so neither is left holding permits it leased.
        Assert.Equal(Limit, spent.Count(lease => lease.IsAcquired));
        Assert.True(neighbourLease.IsAcquired);
        Assert.Equal(Limit, nextWindow.Count(lease => lease.IsAcquired));
    }

    [Fact]
    public async Task When_the_shared_counts_cannot_be_reached_each_server_still_holds_the_limit_alone_and_says_so()
    {
        using var factory = await CreateFactoryAsync();
        factory.Time.Stop();
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var broken = new UnreachableRequestCounts();
        var server = new SharedWindowLimiter("ip:198.51.100.4", Limit, Minute, broken, factory.Time, loggers.CreateLogger<SharedWindowLimiter>());

        var leases = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Task.Run(async () => await server.AcquireAsync())));

        Assert.Equal(Limit, leases.Count(lease => lease.IsAcquired));
        var warning = Assert.Single(logs.All(), entry => entry.Level == LogLevel.Warning);
        Assert.Contains("counting ip's requests on this server alone", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.4", warning.Message, StringComparison.Ordinal);
    }

    private static SharedWindowLimiter Limiter(CipherpadFactory factory, RequestCounts counts, string partition) =>
        new(partition, Limit, Minute, counts, factory.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private sealed class CountedRequestCounts(RequestCounts inner) : RequestCounts
    {
        private int _calls;

        public int Calls => _calls;

        public override Task<long> TakeAsync(string partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, int permits,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return inner.TakeAsync(partition, windowStart, windowEnd, permits, cancellationToken);
        }
    }

    private sealed class UnreachableRequestCounts : RequestCounts
    {
        public override async Task<long> TakeAsync(string partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, int permits,
            CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw new Npgsql.NpgsqlException("The database is away.");
        }
    }
}

public sealed class SqliteSharedWindowLimiterScenarios : SharedWindowLimiterScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresSharedWindowLimiterScenarios(PostgresServer postgres) : SharedWindowLimiterScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
