using System.Globalization;
using Cipherpad.LoadGenerator.Measurement;
using Cipherpad.Testing;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// What PostgreSQL itself does on this machine with a durable write transaction and no application in front of it:
/// PostgreSQL's own benchmark, <c>pgbench</c>, running its built-in <c>simple-update</c> script (an account's balance
/// updated, read back and the change inserted into a history table, in one transaction committed to disk) with prepared
/// statements, on a throwaway cluster set up exactly as Cipherpad's PostgreSQL target's. It is the TPC-B-like default
/// without the updates of the few branch and teller rows that every transaction would otherwise wait for: with those, the
/// clients queue for row locks held across each commit's flush, and the rate says more about that queue than about the
/// machine. pgbench is the client, so the phases are pgbench's runs: a closed loop with the
/// load generator's workers as its clients, and an open loop at half its rate (<c>--rate</c>, Poisson arrivals, each
/// transaction's latency counted from its scheduled start as the load generator's own open loop counts it). Latencies
/// come from pgbench's log of every transaction; the client's CPU is pgbench's, counted when it ends.
/// </summary>
internal static class PgbenchCeiling
{
    public const string Name = "pgbench simple-update";
    public const string RoundTrip =
        "one transaction of pgbench's built-in simple-update script (an update, a select, an insert, committed to disk), prepared statements, " +
        "PostgreSQL alone";

    public static async Task<IReadOnlyList<PhaseResult>> MeasureAsync(LoadOptions options, TextWriter log)
    {
        await using var cleanup = new Cleanup();
        log.WriteLine($"{Name}: starting a throwaway PostgreSQL cluster…");
        var postgres = cleanup.Add(new PostgresServer { Durable = true }, cluster => new ValueTask(cluster.DisposeAsync()));
        await postgres.InitializeAsync();
        var folder = cleanup.Add(Directory.CreateTempSubdirectory("cipherpad-pgbench-"), directory =>
        {
            directory.Delete(recursive: true);
            return ValueTask.CompletedTask;
        });
        // Each transaction updates one of a million accounts picked at random, so the clients seldom want the same row.
        const int scale = 10;
        log.WriteLine($"{Name}: filling its tables at scale {scale} ({scale * 100_000:N0} accounts)…");
        var pgbench = new Pgbench(postgres, folder.FullName);
        await pgbench.RunAsync(["-i", "-q", "-s", Text(scale)], TimeSpan.FromMinutes(5));
        var database = new Cluster(postgres.DataDirectory);
        await database.IdleAsync();
        var clients = Math.Min(options.Workers, 100);
        var threads = Math.Min(clients, Environment.ProcessorCount);
        string[] Load(int seconds) => ["-b", "simple-update", "-c", Text(clients), "-j", Text(threads), "-M", "prepared", "-T", Text(seconds)];

        log.WriteLine($"{Name}: warming up, {clients} clients for {options.WarmupSeconds} s (not measured)…");
        if (options.WarmupSeconds > 0)
        {
            await pgbench.RunAsync(Load(options.WarmupSeconds), Deadline(options.WarmupSeconds));
        }

        log.WriteLine($"{Name}: closed loop, {clients} clients for {options.Seconds} s…");
        var closed = await MeasureAsync(pgbench, database, "closed loop", clients, options.Seconds, [.. Load(options.Seconds)], log);
        if (closed.RoundTrips == 0)
        {
            log.WriteLine($"{Name}: no transaction succeeded, so there is no rate to offer half of.");
            return [closed];
        }
        var rate = closed.RoundTripsPerSecond / 2;
        log.WriteLine($"{Name}: open loop, {rate:F0} transactions/s offered (Poisson arrivals), {clients} clients, for {options.Seconds} s…");
        var open = await MeasureAsync(pgbench, database, $"open loop, {rate:F0}/s offered", clients, options.Seconds,
            [.. Load(options.Seconds), "-R", Text((int)Math.Round(rate))], log);
        return [closed, open];
    }

    private static async Task<PhaseResult> MeasureAsync(Pgbench pgbench, Cluster database, string phase, int clients, int seconds,
        string[] arguments, TextWriter log)
    {
        var client = ProcessCpu.EndedChildrenOfSelf();
        await database.IdleAsync();
        var (databaseBefore, clientBefore) = (database.Cpu.Seconds(), client.Seconds());
        var logPrefix = pgbench.NewLogPrefix();
        await pgbench.RunAsync([.. arguments, "-l", $"--log-prefix={logPrefix}"], Deadline(seconds));
        await database.IdleAsync();
        var cpu = new CpuUse(null, database.Cpu.Seconds() - databaseBefore, client.Seconds() - clientBefore);
        var recording = TransactionLog.Read(Pgbench.LogFiles(logPrefix));
        var result = new PhaseResult(Name, RoundTrip, phase, clients, seconds, recording.Milliseconds.Count, recording.Failures,
            Latencies.Of(recording.Milliseconds), cpu);
        log.WriteLine($"{Name}: {result.RoundTrips} transactions in {seconds} s = {result.RoundTripsPerSecond:F0}/s, " +
            $"p50 {result.Latency.P50:F2} ms, p99 {result.Latency.P99:F2} ms, {result.Failures} failed");
        return result;
    }

    // pgbench stops at -T by itself; the deadline only catches one that hangs.
    private static TimeSpan Deadline(int seconds) => TimeSpan.FromSeconds(seconds + 60);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The cluster's processes. pgbench opens a connection per client for each run, and their backends exit when it ends,
    /// so the cluster's CPU is read only once they are gone and counted with the postmaster's reaped children.
    /// </summary>
    private sealed class Cluster(string dataDirectory)
    {
        private readonly int _idleChildren = ProcessCpu.PostgresClusterChildren(dataDirectory);

        public ProcessCpu Cpu { get; } = ProcessCpu.PostgresCluster(dataDirectory);

        public async Task IdleAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (ProcessCpu.PostgresClusterChildren(dataDirectory) > _idleChildren)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("pgbench's connections to PostgreSQL did not end within 30 s of it.");
                }
                await Task.Delay(20);
            }
        }
    }

    /// <summary>pgbench against one cluster's <c>postgres</c> database, writing its logs into one folder.</summary>
    private sealed class Pgbench(PostgresServer postgres, string folder)
    {
        private int _logs;

        public Task<string> RunAsync(IEnumerable<string> arguments, TimeSpan deadline) =>
            Programs.RunAsync(postgres.ProgramPath("pgbench"),
                ["-h", "127.0.0.1", "-p", Text(postgres.Port), "-U", "postgres", .. arguments, "postgres"], deadline: deadline, workingDirectory: folder);

        public string NewLogPrefix() => Path.Combine(folder, $"phase{++_logs}");

        /// <summary>pgbench writes one log per thread: <c>prefix.pid</c>, then <c>prefix.pid.1</c> and on.</summary>
        public static IEnumerable<string> LogFiles(string prefix) =>
            Directory.EnumerateFiles(Path.GetDirectoryName(prefix)!, Path.GetFileName(prefix) + ".*");
    }
}

/// <summary>
/// pgbench's log of every transaction (<c>-l</c>): a line each, <c>client_id transaction_no time script_no time_epoch
/// time_us [schedule_lag]</c>, where <c>time</c> is the transaction's latency in microseconds, counted from its scheduled
/// start when a rate is given, or the word <c>failed</c> or <c>skipped</c>.
/// </summary>
internal static class TransactionLog
{
    public static Recording Read(IEnumerable<string> files)
    {
        var recording = new Recording();
        foreach (var line in files.SelectMany(File.ReadLines))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6)
            {
                throw new InvalidOperationException($"pgbench's log has a line this program does not know: \"{line}\"");
            }
            if (long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds))
            {
                recording.Milliseconds.Add(microseconds / 1000.0);
            }
            else
            {
                recording.Fail(fields[2]);
            }
        }
        return recording;
    }
}
