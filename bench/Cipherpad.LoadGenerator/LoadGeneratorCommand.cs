using System.CommandLine;
using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator;

/// <summary>The command line: which targets, and how hard and how long to load each.</summary>
internal static class LoadGeneratorCommand
{
    private static readonly string[] TargetNames = ["all", "both", Benchmark.Nodes, .. Benchmark.Targets];

    public static RootCommand Build()
    {
        var targets = new Argument<string[]>("targets")
        {
            Description = "What to measure: sqlite, postgresql, both (the two), pgbench (PostgreSQL's own benchmark, a durable write transaction with the database alone), " +
                "hello (the hello-world ceiling), yubiserver, or all (these five); " +
                "nodes: PostgreSQL with 1, 2 and 3 server processes, one after another.",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => ["all"],
        };
        targets.AcceptOnlyFromAmong(TargetNames);
        var seconds = Bounded("--seconds", 10, 1, 300, "How long each measured phase (closed loop, open loop) runs, in seconds.");
        var warmup = Bounded("--warmup", 5, 0, 300, "The least the warm-up before them runs, in seconds; it is not measured.");
        var maxWarmup = Bounded("--max-warmup", 60, 0, 600, "The most the warm-up runs while the server is still compiling (JIT), in seconds.");
        var workers = Bounded("--workers", 16, 1, 1024, "Round trips in flight in the closed loop.");
        var inFlight = Bounded("--in-flight", 0, 0, 4096, "The most round trips in flight in the open loop (default: 4 × workers).");
        var accounts = Bounded("--accounts", 32, 1, 1000, "Cipherpad accounts the logins rotate over.");
        var sources = Bounded("--sources", 40, 1, 10_000, "User addresses the verify requests rotate over.");
        var maxRoundTrips = Bounded("--max-round-trips", 1_000_000, 1, 10_000_000, "The most round trips one phase starts.");
        var timeout = Bounded("--timeout", 5, 1, 60, "Seconds after which a round trip counts as failed.");
        var rounds = Bounded("--rounds", 1, 1, 20,
            "How many times the loops of sqlite, postgresql and hello run, taking turns round by round with their servers kept up; " +
            "the report adds each round's share of the hello-world ceiling and the median.");
        var inPrivateNetwork = new Option<bool>(PrivateNetwork.Option) { Hidden = true };
        var command = new RootCommand(
            "Login round trips over HTTP on loopback, against cipherpad-server as a process of its own, beside a hello-world ASP.NET Core " +
            "server, yubiserver and PostgreSQL's own pgbench. Bounded in time and in count (pgbench's runs in time).")
        {
            targets, seconds, warmup, maxWarmup, workers, inFlight, accounts, sources, maxRoundTrips, timeout, rounds, inPrivateNetwork,
        };
        command.SetAction(async (result, _) =>
        {
            var options = new LoadOptions(result.GetValue(seconds), result.GetValue(warmup),
                Math.Max(result.GetValue(warmup), result.GetValue(maxWarmup)), result.GetValue(workers),
                result.GetValue(inFlight) is > 0 and var cap ? cap : 4 * result.GetValue(workers), result.GetValue(accounts),
                result.GetValue(sources), result.GetValue(maxRoundTrips), TimeSpan.FromSeconds(result.GetValue(timeout)), result.GetValue(rounds));
            if (result.GetValue(inPrivateNetwork))
            {
                return await PrivateNetwork.MeasureYubiserverHereAsync(options);
            }
            var chosen = result.GetValue(targets)!.SelectMany(Expand).ToHashSet(StringComparer.Ordinal);
            return await Benchmark.RunAsync(chosen, options);
        });
        return command;
    }

    private static IEnumerable<string> Expand(string target) => target switch
    {
        "all" => Benchmark.Targets,
        "both" => ["sqlite", "postgresql"],
        _ => [target],
    };

    private static Option<int> Bounded(string name, int byDefault, int least, int most, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => byDefault };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < least || value > most)
            {
                result.AddError($"{name} must be from {least} to {most}; {value} is not.");
            }
        });
        return option;
    }
}
