using Cipherpad.LoadGenerator.Measurement;
using Cipherpad.LoadGenerator.Targets;
using Cipherpad.Server;

namespace Cipherpad.LoadGenerator;

/// <summary>
/// Runs the chosen targets one after another, so that each phase has the machine to itself (with several rounds, the
/// .NET servers take turns round by round), and reports them together. Exits
/// with 1 when a target could not be measured or a round trip failed.
/// </summary>
internal static class Benchmark
{
    public static readonly string[] Targets = ["sqlite", "postgresql", "pgbench", "hello", "yubiserver"];

    /// <summary>The targets whose loops take turns when there are several rounds: the .NET servers, which stay up between their turns.</summary>
    private static readonly string[] TakingTurns = ["sqlite", "postgresql", "hello"];

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
        var inTurns = options.Rounds > 1 ? TakingTurns.Where(targets.Contains).ToList() : [];
        if (inTurns.Count > 0)
        {
            await MeasureInTurnsAsync(inTurns, options, log, Record);
        }
        foreach (var target in Targets.Where(targets.Contains).Except(inTurns))
        {
            Record(target switch
            {
                "sqlite" or "postgresql" or "hello" => await MeasureAsync(NameOf(target), () => Start(target, options, log), options, log),
                "pgbench" => await MeasurePgbenchAsync(options, log),
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

    private static string NameOf(string target) => target switch
    {
        "sqlite" => "Cipherpad, SQLite",
        "postgresql" => "Cipherpad, PostgreSQL",
        _ => Report.HelloWorld,
    };

    private static async Task<ILoadTarget> Start(string target, LoadOptions options, TextWriter log) => target switch
    {
        "sqlite" => await CipherpadTarget.StartAsync(DatabaseProvider.Sqlite, options, log),
        "postgresql" => await CipherpadTarget.StartAsync(DatabaseProvider.PostgreSql, options, log),
        _ => await HelloWorldTarget.StartAsync(options, log),
    };

    /// <summary>
    /// Starts the targets together and warms each up, then runs their loops in turns, round after round: on a machine whose
    /// speed drifts within the hour, each round's ratios compare runs that are minutes apart at most.
    /// </summary>
    private static async Task MeasureInTurnsAsync(IReadOnlyList<string> names, LoadOptions options, TextWriter log,
        Action<IReadOnlyList<PhaseResult>?> record)
    {
        var started = new List<ILoadTarget>();
        var measurable = new List<ILoadTarget>();
        try
        {
            foreach (var name in names)
            {
                try
                {
                    var target = await Start(name, options, log);
                    started.Add(target);
                    await TargetBenchmark.WarmUpAsync(target, options, log);
                    measurable.Add(target);
                }
                catch (Exception exception) when (IsMeasurementFailure(exception))
                {
                    log.WriteLine($"{NameOf(name)}: could not be measured: {exception.Message}");
                    record(null);
                }
            }
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var target in measurable.ToList())
                {
                    try
                    {
                        record(await TargetBenchmark.MeasureAsync(target, options, log, round));
                    }
                    catch (Exception exception) when (IsMeasurementFailure(exception))
                    {
                        log.WriteLine($"{target.Name}: could not be measured in round {round}: {exception.Message}");
                        record(null);
                        measurable.Remove(target);
                    }
                }
            }
        }
        finally
        {
            foreach (var target in started)
            {
                await target.DisposeAsync();
            }
        }
    }

    private static bool IsMeasurementFailure(Exception exception) =>
        exception is InvalidOperationException or TimeoutException or HttpRequestException;

    private static async Task<IReadOnlyList<PhaseResult>?> MeasureAsync<T>(string name, Func<Task<T>> start, LoadOptions options, TextWriter log)
        where T : ILoadTarget
    {
        try
        {
            await using var target = await start();
            return await TargetBenchmark.RunAsync(target, options, log);
        }
        catch (Exception exception) when (IsMeasurementFailure(exception))
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
