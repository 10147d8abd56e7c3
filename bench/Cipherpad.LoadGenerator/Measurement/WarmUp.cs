using System.Diagnostics;
using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// The warm-up, which is not measured: JIT, connection pools, database caches. A .NET server goes on recompiling its hot
/// methods optimized for many seconds after it starts (longer on a busy machine), and its rate can sit on a plateau in the
/// meantime, so the rate alone does not say when it is warm. The warm-up runs the closed loop for at least the minimum,
/// then on in one-second windows until the server's tiered JIT has been quiet for two windows in a row — under
/// <see cref="QuietJitSeconds"/> of CPU each — or until the maximum. A server that is not .NET waits the minimum only.
/// </summary>
internal static class WarmUp
{
    private const double QuietJitSeconds = 0.02; // 2% of a core, two clock ticks
    private const int QuietWindows = 2;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    public static async Task<WarmUpResult> RunAsync(ILoadTarget target, int workers, TimeSpan least, TimeSpan most, LoadOptions options)
    {
        var failures = new Recording();
        var clock = Stopwatch.StartNew();
        var (quiet, rate, jitSeconds) = (0, 0.0, 0.0);
        var jitBefore = target.ServerJit?.Seconds() ?? 0;
        while (true)
        {
            var window = await ClosedLoop.RunAsync(target, workers, Window, options.MaxRoundTrips, options.Timeout);
            foreach (var (reason, count) in window.FailuresByReason)
            {
                failures.Fail(reason, count);
            }
            rate = window.Milliseconds.Count / window.Elapsed.TotalSeconds;
            var jitNow = target.ServerJit?.Seconds() ?? 0;
            // A reading goes down when a compiler thread ends: that window compiled nothing more.
            jitSeconds = Math.Max(0, jitNow - jitBefore);
            jitBefore = jitNow;
            quiet = jitSeconds < QuietJitSeconds ? quiet + 1 : 0;
            var warm = quiet >= QuietWindows;
            if ((clock.Elapsed >= least && warm) || clock.Elapsed >= most)
            {
                return new(clock.Elapsed, warm, rate, jitSeconds, failures);
            }
        }
    }
}

/// <summary>
/// How long the warm-up took, whether the server's JIT had gone quiet, the last window's rate and JIT CPU seconds, and
/// what failed.
/// </summary>
internal sealed record WarmUpResult(TimeSpan Elapsed, bool Warm, double LastRate, double LastJitSeconds, Recording Failures);
