using System.Collections.Concurrent;
using System.Diagnostics;
using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// A fixed offered load, as independent users make it: Poisson arrivals at <c>rate</c> a second, all scheduled before the
/// phase starts, so a slow answer never delays the next arrival. Each round trip's latency counts from its scheduled start,
/// not from when it was sent: time spent waiting for a free lane while the server is behind is queueing the server caused,
/// and a closed loop would hide it (coordinated omission). At most <c>inFlight</c> round trips run at once; one that has
/// not finished <c>timeout</c> after its scheduled start is a failure.
/// </summary>
internal static class OpenLoop
{
    // The same arrivals on every run, so two runs offer exactly the same load.
    private const int Seed = 20261125;

    public static async Task<OpenLoopRecording> RunAsync(ILoadTarget target, double rate, int inFlight, TimeSpan duration, long maxRoundTrips,
        TimeSpan timeout)
    {
        var schedule = PoissonArrivals(rate, duration, maxRoundTrips);
        var lanes = new ConcurrentStack<int>(Enumerable.Range(0, inFlight));
        using var freeLanes = new SemaphoreSlim(inFlight, inFlight);
        var recording = new Recording();
        var latencies = new double[schedule.Length];
        var lateness = new double[schedule.Length];
        var running = new Task[schedule.Length];
        var start = Stopwatch.GetTimestamp();
        async Task RunAndRecordAsync(int arrival, long due) =>
            latencies[arrival] = await RunScheduledAsync(target, due, lanes, freeLanes, timeout, recording);
        await Dispatch(schedule.Length, arrival =>
        {
            var due = start + schedule[arrival];
            SleepUntil(due);
            lateness[arrival] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            // Started on this thread, which builds and sends the first request (tens of microseconds; the plain client never
            // blocks) and goes back to sleep once the round trip waits; handing each arrival to the thread pool instead cost
            // the client a thread wake-up per arrival.
            running[arrival] = RunAndRecordAsync(arrival, due);
        });
        await Task.WhenAll(running);
        recording.Elapsed = Stopwatch.GetElapsedTime(start);
        recording.Milliseconds.AddRange(latencies.Where(latency => !double.IsNaN(latency)));
        return new(recording, Latencies.Of(lateness));
    }

    /// <summary>Runs <paramref name="send"/> for each arrival in order on a thread of its own, which only sleeps and sends.</summary>
    private static Task Dispatch(int arrivals, Action<int> send)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new Thread(() =>
        {
            for (var arrival = 0; arrival < arrivals; arrival++)
            {
                send(arrival);
            }
            done.SetResult();
        })
        { IsBackground = true, Name = "open-loop arrivals" };
        dispatcher.Start();
        return done.Task;
    }

    /// <summary>Arrival times in <see cref="Stopwatch"/> ticks from the phase's start: exponential gaps with mean 1/<paramref name="rate"/>.</summary>
    private static long[] PoissonArrivals(double rate, TimeSpan duration, long maxRoundTrips)
    {
#pragma warning disable CA5394 // A load schedule, not a secret: it must be the same on every run.
        var random = new Random(Seed);
        var arrivals = new List<long>();
        var seconds = 0.0;
        while (arrivals.Count < maxRoundTrips)
        {
            seconds += -Math.Log(1 - random.NextDouble()) / rate;
            if (seconds >= duration.TotalSeconds)
            {
                break;
            }
            arrivals.Add((long)(seconds * Stopwatch.Frequency));
        }
#pragma warning restore CA5394
        return [.. arrivals];
    }

    // Never early: a round trip sent before its time would be measured as faster than it was. The sleep is good to about a
    // tenth of a millisecond; the phase reports how late arrivals went out.
    private static void SleepUntil(long due)
    {
        for (var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due); ahead > TimeSpan.Zero;
            ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due))
        {
            LibC.Sleep((uint)Math.Ceiling(Math.Min(ahead.TotalMicroseconds, 1e6)));
        }
    }

    /// <summary>The latency in milliseconds from the scheduled start, or NaN for a failure (recorded with its reason).</summary>
    private static async Task<double> RunScheduledAsync(ILoadTarget target, long due, ConcurrentStack<int> lanes, SemaphoreSlim freeLanes,
        TimeSpan timeout, Recording recording)
    {
        var left = timeout - Stopwatch.GetElapsedTime(due);
        if (left <= TimeSpan.Zero || !await freeLanes.WaitAsync(left))
        {
            recording.Fail($"no free lane within {timeout.TotalSeconds:0} s");
            return double.NaN;
        }
        lanes.TryPop(out var lane);
        string? failure;
        try
        {
            left = timeout - Stopwatch.GetElapsedTime(due);
            failure = left > TimeSpan.Zero ? await RoundTrip.RunAsync(target, lane, left) : "timeout";
        }
        finally
        {
            lanes.Push(lane);
            freeLanes.Release();
        }
        if (failure is not null)
        {
            recording.Fail(failure);
            return double.NaN;
        }
        return Stopwatch.GetElapsedTime(due).TotalMilliseconds;
    }
}

/// <summary>An open-loop phase's recording, and how late the generator sent its arrivals (its own error, in milliseconds).</summary>
internal sealed record OpenLoopRecording(Recording Recording, Latencies Lateness);
