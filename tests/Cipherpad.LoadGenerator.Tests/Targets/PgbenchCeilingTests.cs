using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator.Tests.Targets;

/// <summary>PostgreSQL's own ceiling beside Cipherpad's: pgbench on a throwaway cluster, and how its log of transactions is read.</summary>
public sealed class PgbenchCeilingTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cipherpad-pgbench-log-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Both_loops_run_pgbench_against_a_real_cluster_and_count_its_transactions_and_the_cpu_of_both_sides()
    {
        var options = new LoadOptions(Seconds: 1, WarmupSeconds: 0, MaxWarmupSeconds: 0, Workers: 2, InFlight: 8, Accounts: 1, Sources: 1,
            MaxRoundTrips: 1000, Timeout: TimeSpan.FromSeconds(5));
        using var log = new StringWriter();

        var results = await PgbenchCeiling.MeasureAsync(options, log);

        Assert.Collection(results,
            closed => Assert.Equal("closed loop", closed.Phase),
            open => Assert.StartsWith("open loop, ", open.Phase, StringComparison.Ordinal));
        Assert.All(results, result =>
        {
            Assert.Equal(PgbenchCeiling.Name, result.Target);
            Assert.True(result.RoundTrips > 10, $"{result.Phase}: {result.RoundTrips} transactions\n{log}");
            Assert.Equal(0, result.Failures);
            Assert.True(result.Latency.P50 > 0 && result.Latency.P50 <= result.Latency.P99, $"{result.Latency}");
            Assert.Null(result.Cpu.ServerSeconds);
            Assert.True(result.Cpu.DatabaseSeconds > 0, $"{result.Phase}: the cluster's CPU was not counted\n{log}");
            Assert.True(result.Cpu.ClientSeconds > 0, $"{result.Phase}: pgbench's CPU was not counted\n{log}");
        });
        // Half the closed loop's rate was offered, and the open loop kept to it.
        Assert.InRange(results[1].RoundTripsPerSecond, results[0].RoundTripsPerSecond / 4, results[0].RoundTripsPerSecond);
    }

    [Fact]
    public void Every_logged_transaction_counts_its_latency_or_its_failure_from_every_thread_s_file()
    {
        // client_id transaction_no time script_no time_epoch time_us [schedule_lag]
        var first = Write("phase1.4242", "0 1 21219 0 1796612720 611795 98", "1 1 1500 0 1796612720 616911 1119", "0 2 failed 0 1796612720 617000 0");
        var second = Write("phase1.4242.1", "2 1 2500 0 1796612720 612802", "3 1 skipped 0 1796612720 615880 0");

        var recording = TransactionLog.Read([first, second]);

        Assert.Equal([21.219, 1.5, 2.5], recording.Milliseconds);
        Assert.Equal(2, recording.Failures);
        Assert.Equal(1, recording.FailuresByReason["failed"]);
        Assert.Equal(1, recording.FailuresByReason["skipped"]);
    }

    [Fact]
    public void A_line_of_another_format_is_not_taken_for_a_transaction()
    {
        var file = Write("phase1.4243", "0 1 21219");

        var refused = Assert.Throws<InvalidOperationException>(() => TransactionLog.Read([file]));

        Assert.Contains("0 1 21219", refused.Message, StringComparison.Ordinal);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
