using System.Diagnostics;
using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// The maximum rate: <c>workers</c> round trips in flight all the time, each worker starting its next round trip as soon as
/// the last one answered. Stops at <c>duration</c> or after <c>maxRoundTrips</c> started, whichever comes first.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<Recording> RunAsync(ILoadTarget target, int workers, TimeSpan duration, long maxRoundTrips, TimeSpan timeout)
    {
        var recording = new Recording();
        var perWorker = new List<double>[workers];
        long started = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var latencies = perWorker[worker] = [];
            while (clock.Elapsed < duration && Interlocked.Increment(ref started) <= maxRoundTrips)
            {
                var begin = Stopwatch.GetTimestamp();
                // The worker is the lane: it runs one round trip at a time.
                if (await RoundTrip.RunAsync(target, worker, timeout) is { } failure)
                {
                    recording.Fail(failure);
                }
                else
                {
                    latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                }
            }
        })));
        recording.Elapsed = clock.Elapsed;
        recording.Milliseconds.AddRange(perWorker.SelectMany(latencies => latencies));
        return recording;
    }
}
