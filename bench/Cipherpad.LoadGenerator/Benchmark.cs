using Cipherpad.LoadGenerator.Measurement;
using Cipherpad.LoadGenerator.Targets;
using Cipherpad.Server;

namespace Cipherpad.LoadGenerator;

/// <summary>
/// Runs the chosen targets one after another, so that each has the machine to itself, and reports them together. Exits
/// with 1 when a target could not be measured or a round trip failed.
/// </summary>
internal static class Benchmark
{
    public static readonly string[] Targets = ["sqlite", "postgresql", "pgbench", "hello", "yubiserver"];

    /// <summary>Cipherpad on PostgreSQL with 1, 2 and 3 server processes, one after another: how it scales out. Not in "all".</summary>
    public const string Nodes = "nodes";

    public static async Task<int> RunAsync(IReadOnlyCollection<string> targets, LoadOptions options)
    {
        var log = Console.Out;
        var results = new List<PhaseResult>();
        var complete = true;
        // null: it could not be measured; empty: it is not installed, which is said and is no failure of the run.
        void Record(IReadOnlyList<PhaseResult>? measured)
        {
            complete &= measured is not null && measured.All(result => result.Failures == 0);
            results.AddRange(measured ?? []);
        }
        foreach (var target in Targets.Where(targets.Contains))
        {
            Record(target switch
            {
                "sqlite" => await MeasureAsync("Cipherpad, SQLite", () => CipherpadTarget.StartAsync(DatabaseProvider.Sqlite, options, log), options, log),
                "postgresql" => await MeasureAsync("Cipherpad, PostgreSQL", () => CipherpadTarget.StartAsync(DatabaseProvider.PostgreSql, options, log), options, log),
                "pgbench" => await MeasurePgbenchAsync(options, log),
                "hello" => await MeasureAsync(Report.HelloWorld, () => HelloWorldTarget.StartAsync(options, log), options, log),
                _ => await MeasureYubiserverAsync(options, log),
            });
        }
        if (targets.Contains(Nodes))
        {
            foreach (var nodes in new[] { 1, 2, 3 })
            {
                Record(await MeasureAsync($"Cipherpad, PostgreSQL, {nodes} nodes",
                    () => CipherpadTarget.StartAsync(DatabaseProvider.PostgreSql, options, log, nodes), options, log));
            }
        }
        Report.Write(log, results, options);
        return complete ? 0 : 1;
    }

    private static async Task<IReadOnlyList<PhaseResult>?> MeasureAsync<T>(string name, Func<Task<T>> start, LoadOptions options, TextWriter log)
        where T : ILoadTarget
    {
        try
        {
            await using var target = await start();
            return await TargetBenchmark.RunAsync(target, options, log);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            log.WriteLine($"{name}: could not be measured: {exception.Message}");
            return null;
        }
    }

    private static async Task<IReadOnlyList<PhaseResult>?> MeasurePgbenchAsync(LoadOptions options, TextWriter log)
    {
        try
        {
            return await PgbenchCeiling.MeasureAsync(options, log);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            log.WriteLine($"{PgbenchCeiling.Name}: could not be measured: {exception.Message}");
            return null;
        }
    }

    private static async Task<IReadOnlyList<PhaseResult>?> MeasureYubiserverAsync(LoadOptions options, TextWriter log)
    {
        if (!YubiserverTarget.IsInstalled)
        {
            log.WriteLine(YubiserverTarget.NotInstalled);
            return [];
        }
        return await PrivateNetwork.MeasureYubiserverAsync(options, log);
    }
}
