using System.Globalization;
using System.Runtime.InteropServices;
using Cipherpad.LoadGenerator.Measurement;
using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator;

/// <summary>The results as markdown tables, ready for docs/performance.md: rates and latencies, CPU per round trip, ratios.</summary>
internal static class Report
{
    public const string HelloWorld = "hello world";
    public const string Yubiserver = "yubiserver";

    public static void Write(TextWriter output, IReadOnlyList<PhaseResult> results, LoadOptions options)
    {
        output.WriteLine();
        output.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; " +
            $"{DateTime.UtcNow:yyyy-MM-dd}. Each target: {options.WarmupSeconds}–{options.MaxWarmupSeconds} s warm-up until the server's JIT is quiet, then phases of at most {options.Seconds} s and " +
            $"{options.MaxRoundTrips:N0} round trips; a round trip fails after {options.Timeout.TotalSeconds:0} s. " +
            (options.Rounds > 1 ? $"{options.Rounds} rounds: the .NET servers stay up and run their phases in turns, round after round. " : "") +
            $"The .NET servers run with the systemd unit's runtime settings: {DeployedRuntime.Describe()}.");
        output.WriteLine();
        output.WriteLine("One round trip is:");
        foreach (var target in results.DistinctBy(result => result.Target))
        {
            output.WriteLine($"- {target.Target}: {target.RoundTrip}");
        }
        WriteRates(output, results, options.Rounds);
        WriteCpu(output, results, options.Rounds);
        WriteRatios(output, results, options.Rounds);
        WriteRatiosByRound(output, results, options.Rounds);
    }

    private static void WriteRates(TextWriter output, IReadOnlyList<PhaseResult> results, int rounds)
    {
        output.WriteLine();
        output.WriteLine("| target | phase | in flight (max) | seconds | round trips | round trips/s | p50 ms | p90 ms | p99 ms | max ms | failures |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            output.WriteLine($"| {r.Target} | {r.PhaseInRound(rounds)} | {r.InFlight} | {r.Seconds:F1} | {r.RoundTrips} | {r.RoundTripsPerSecond:F0} | " +
                $"{Milliseconds(r.Latency.P50)} | {Milliseconds(r.Latency.P90)} | {Milliseconds(r.Latency.P99)} | {Milliseconds(r.Latency.Max)} | {r.Failures} |");
        }
        output.WriteLine();
        output.WriteLine("Open-loop latencies count from each round trip's scheduled start, so time queued behind a busy server is included.");
    }

    private static void WriteCpu(TextWriter output, IReadOnlyList<PhaseResult> results, int rounds)
    {
        output.WriteLine();
        output.WriteLine("CPU per round trip, µs (user + system time from /proc/<pid>/stat over the phase ÷ successful round trips):");
        output.WriteLine();
        output.WriteLine("| target | phase | server | database | client | total |");
        output.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            output.WriteLine($"| {r.Target} | {r.PhaseInRound(rounds)} | {Microseconds(r.MicrosecondsPerRoundTrip(r.Cpu.ServerSeconds))} | " +
                $"{Microseconds(r.MicrosecondsPerRoundTrip(r.Cpu.DatabaseSeconds))} | {Microseconds(r.MicrosecondsPerRoundTrip(r.Cpu.ClientSeconds))} | " +
                $"{Microseconds(r.MicrosecondsPerRoundTrip(r.Cpu.TotalSeconds))} |");
        }
        output.WriteLine();
        output.WriteLine("database —: no process of its own (SQLite runs inside the server; hello world has none). Client: the load generator, " +
            "including computing the answers; for pgbench, pgbench itself, which talks to the database with no server between.");
    }

    private static void WriteRatios(TextWriter output, IReadOnlyList<PhaseResult> results, int rounds)
    {
        // With several rounds, each target's median over them.
        var maxima = results.Where(r => r.Phase == ClosedLoop).GroupBy(r => r.Target)
            .ToDictionary(target => target.Key, target => Median(target.Select(r => r.RoundTripsPerSecond)));
        var cipherpad = maxima.Where(target => target.Key.StartsWith("Cipherpad", StringComparison.Ordinal)).ToList();
        if (cipherpad.Count == 0)
        {
            return;
        }
        maxima.TryGetValue(HelloWorld, out var helloWorld);
        maxima.TryGetValue(Yubiserver, out var yubiserver);
        maxima.TryGetValue(PgbenchCeiling.Name, out var pgbench);
        output.WriteLine();
        output.WriteLine($"Maximum rates compared (closed loop, round trips/s{(rounds > 1 ? ", each target's median over its rounds" : "")}; " +
            "pgbench's are transactions/s, compared with PostgreSQL's logins only):");
        output.WriteLine();
        output.WriteLine($"| target | round trips/s | ÷ hello world ({Rate(helloWorld)}) | ÷ yubiserver ({Rate(yubiserver)}) | ÷ pgbench simple-update ({Rate(pgbench)}) |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (target, rate) in cipherpad)
        {
            var onPostgreSql = target.Contains("PostgreSQL", StringComparison.Ordinal);
            output.WriteLine($"| {target} | {rate:F0} | {Ratio(rate, helloWorld)} | {Ratio(rate, yubiserver)} | {(onPostgreSql ? Ratio(rate, pgbench) : "—")} |");
        }
    }

    /// <summary>
    /// Each round's closed-loop rate of each Cipherpad target divided by the hello-world ceiling's in the same round, and
    /// their median: the share of the ceiling, with the machine's drift between rounds taken out.
    /// </summary>
    private static void WriteRatiosByRound(TextWriter output, IReadOnlyList<PhaseResult> results, int rounds)
    {
        var closed = results.Where(r => r.Phase == ClosedLoop).ToList();
        var ceiling = closed.Where(r => r.Target == HelloWorld).ToDictionary(r => r.Round, r => r.RoundTripsPerSecond);
        var cipherpad = closed.Where(r => r.Target.StartsWith("Cipherpad", StringComparison.Ordinal)).GroupBy(r => r.Target).ToList();
        if (rounds < 2 || ceiling.Count == 0 || cipherpad.Count == 0)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine("The share of the hello-world ceiling round by round (closed loop ÷ the ceiling's closed loop in the same round):");
        output.WriteLine();
        var numbers = Enumerable.Range(1, rounds).ToList();
        output.WriteLine($"| target | {string.Join(" | ", numbers.Select(round => $"round {round}"))} | median | least – most |");
        output.WriteLine($"|---|{string.Concat(numbers.Select(_ => "---:|"))}---:|---:|");
        foreach (var target in cipherpad)
        {
            var byRound = target.ToDictionary(r => r.Round, r => r.RoundTripsPerSecond);
            var ratios = numbers.Select(round => byRound.TryGetValue(round, out var rate) && ceiling.TryGetValue(round, out var of) && of > 0
                ? rate / of : double.NaN).ToList();
            var measured = ratios.Where(ratio => !double.IsNaN(ratio)).ToList();
            output.WriteLine($"| {target.Key} | {string.Join(" | ", ratios.Select(Share))} | {Share(Median(measured))} | " +
                $"{(measured.Count > 0 ? $"{Share(measured.Min())} – {Share(measured.Max())}" : "—")} |");
        }
    }

    private const string ClosedLoop = "closed loop";

    /// <summary>The middle value (the mean of the two middle ones for an even count); NaN for none.</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Share(double ratio) => double.IsNaN(ratio) ? "—" : ratio.ToString("F3", CultureInfo.InvariantCulture);

    private static string Rate(double rate) => rate > 0 ? rate.ToString("F0", CultureInfo.InvariantCulture) : "not measured";
    private static string Ratio(double rate, double of) => of > 0 ? (rate / of).ToString("F3", CultureInfo.InvariantCulture) : "—";
    private static string Milliseconds(double value) => double.IsNaN(value) ? "—" : value.ToString("F2", CultureInfo.InvariantCulture);
    private static string Microseconds(double value) => double.IsNaN(value) ? "—" : value.ToString("F0", CultureInfo.InvariantCulture);
}
