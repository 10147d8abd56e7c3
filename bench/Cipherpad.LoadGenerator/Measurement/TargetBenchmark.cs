using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// The phases every target goes through: a warm-up that is not measured (<see cref="WarmUp"/>), the closed loop that
/// finds its maximum rate, and an open loop that offers half of that rate, as a service would run in
/// production, to show latency and CPU when the server is not saturated.
/// </summary>
internal static class TargetBenchmark
{
    public static async Task<IReadOnlyList<PhaseResult>> RunAsync(ILoadTarget target, LoadOptions options, TextWriter log)
    {
        await WarmUpAsync(target, options, log);
        return await MeasureAsync(target, options, log, round: 1);
    }

    public static async Task WarmUpAsync(ILoadTarget target, LoadOptions options, TextWriter log)
    {
        var workers = Math.Min(options.Workers, target.MaxInFlight);
        log.WriteLine(target.ServerJit is null
            ? $"{target.Name}: warming up, {workers} in flight for {options.WarmupSeconds} s (not measured)…"
            : $"{target.Name}: warming up, {workers} in flight, {options.WarmupSeconds} to {options.MaxWarmupSeconds} s " +
              "until the server's JIT is quiet (not measured)…");
        var warmup = await WarmUp.RunAsync(target, workers, TimeSpan.FromSeconds(options.WarmupSeconds),
            TimeSpan.FromSeconds(options.MaxWarmupSeconds), options);
        log.WriteLine(warmup.Warm
            ? $"{target.Name}: warmed up in {warmup.Elapsed.TotalSeconds:F0} s, at {warmup.LastRate:F0} round trips/s in the last second"
            : $"{target.Name}: warm-up stopped at its {options.MaxWarmupSeconds} s limit with the server's JIT still busy " +
              $"({warmup.LastJitSeconds * 1000:F0} ms of CPU in the last second); lengthen --max-warmup");
        DescribeFailures(log, target.Name, "warm-up", warmup.Failures);
    }

    /// <summary>The measured phases of a target that is warm: the closed loop, then the open loop at half its rate.</summary>
    public static async Task<IReadOnlyList<PhaseResult>> MeasureAsync(ILoadTarget target, LoadOptions options, TextWriter log, int round)
    {
        var phase = TimeSpan.FromSeconds(options.Seconds);
        var workers = Math.Min(options.Workers, target.MaxInFlight);
        var inFlight = Math.Min(options.InFlight, target.MaxInFlight);
        var inRound = options.Rounds > 1 ? $", round {round} of {options.Rounds}" : "";
        log.WriteLine($"{target.Name}: closed loop, {workers} in flight for {options.Seconds} s{inRound}…");
        var closed = await MeasurePhaseAsync(target, "closed loop", workers, log,
            () => ClosedLoop.RunAsync(target, workers, phase, options.MaxRoundTrips, options.Timeout));
        if (closed.RoundTrips == 0)
        {
            log.WriteLine($"{target.Name}: no round trip succeeded, so there is no rate to offer half of.");
            return [closed with { Round = round }];
        }

        var rate = closed.RoundTripsPerSecond / 2;
        log.WriteLine($"{target.Name}: open loop, {rate:F0} round trips/s offered (Poisson arrivals), at most {inFlight} in flight, for {options.Seconds} s…");
        Latencies? lateness = null;
        var open = await MeasurePhaseAsync(target, $"open loop, {rate:F0}/s offered", inFlight, log, async () =>
        {
            var recording = await OpenLoop.RunAsync(target, rate, inFlight, phase, options.MaxRoundTrips, options.Timeout);
            lateness = recording.Lateness;
            return recording.Recording;
        });
        log.WriteLine($"{target.Name}: arrivals were sent late by {lateness!.P50:F2} ms (p50), {lateness.P99:F2} ms (p99): the generator's own share of the open-loop latencies.");
        return [closed with { Round = round }, open with { Round = round }];
    }

    private static async Task<PhaseResult> MeasurePhaseAsync(ILoadTarget target, string phase, int inFlight, TextWriter log, Func<Task<Recording>> run)
    {
        var client = ProcessCpu.Self();
        // The garbage of setting up and of the last phase is collected now rather than during this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // The client is read last before and first after, so that reading the others' times is not counted as its work.
        var (server, database) = (target.Server.Seconds(), target.Database?.Seconds());
        var ownBefore = client.Seconds();
        var recording = await run();
        var ownAfter = client.Seconds();
        var cpu = new CpuUse(target.Server.Seconds() - server, target.Database?.Seconds() - database, ownAfter - ownBefore);
        var result = new PhaseResult(target.Name, target.RoundTripDescription, phase, inFlight, recording.Elapsed.TotalSeconds,
            recording.Milliseconds.Count, recording.Failures, Latencies.Of(recording.Milliseconds), cpu);
        log.WriteLine($"{target.Name}: {result.RoundTrips} round trips in {result.Seconds:F1} s = {result.RoundTripsPerSecond:F0}/s, " +
            $"p50 {result.Latency.P50:F2} ms, p99 {result.Latency.P99:F2} ms, {result.Failures} failed");
        DescribeFailures(log, target.Name, phase, recording);
        return result;
    }

    private static void DescribeFailures(TextWriter log, string target, string phase, Recording recording)
    {
        foreach (var (reason, count) in recording.FailuresByReason.OrderByDescending(failure => failure.Value))
        {
            log.WriteLine($"{target}: {phase}: {count} failed with {reason}");
        }
    }
}
