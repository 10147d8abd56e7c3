using System.Diagnostics;

namespace Cipherpad.Server.Tests.Web;

/// <summary>
/// When the release thread ends a wait, to a fraction of a millisecond. What follows a wait runs on the thread pool, which
/// the other tests of the process keep busy; so these run with nothing beside them, and with enough pool threads that
/// the release is what they measure, not a queue for a thread.
/// </summary>
[Collection(TimedAlone.Name)]
public sealed class EvenTimingReleaseTests
{
    /// <summary>
    /// The wait ends when its time is up, not a fixed time after the work: work of 0.1 and 0.9 ms before a 10 ms wait end
    /// alike, where a timer, set for the whole or for the whole milliseconds left, would end them 0.8 ms apart. Each
    /// starts at a random point of the timers' coarse clock, as a request does. A late wake-up only ever adds time, so the
    /// first tenths are compared: they show where the release falls, whatever the scheduler adds.
    /// </summary>
    [Fact]
    public async Task The_wait_ends_when_its_time_is_up_however_long_the_work_before_it_took()
    {
        var duration = TimeSpan.FromMilliseconds(10);
        var (shortWork, longWork) = (new List<double>(), new List<double>());
        await WithPoolThreadsAsync(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                foreach (var (work, ends) in new[] { (0.1, shortWork), (0.9, longWork) })
                {
                    Spin(Stopwatch.GetTimestamp(), Random.Shared.NextDouble() * 4);
                    var started = Stopwatch.GetTimestamp();
                    Spin(started, work);
                    await Cipherpad.Server.Web.EvenTiming.WaitUntilAsync(started, duration, default);
                    ends.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        });

        static void Spin(long from, double milliseconds)
        {
            while (Stopwatch.GetElapsedTime(from).TotalMilliseconds < milliseconds)
            {
            }
        }
        static double LowestTenth(List<double> values) => values.Order().ElementAt(values.Count / 10);
        Assert.True(shortWork.Min() >= duration.TotalMilliseconds && longWork.Min() >= duration.TotalMilliseconds,
            $"a wait of {duration.TotalMilliseconds} ms ended after {Math.Min(shortWork.Min(), longWork.Min()):F3} ms");
        Assert.True(Math.Abs(LowestTenth(shortWork) - LowestTenth(longWork)) < 0.4,
            $"lowest tenths {LowestTenth(shortWork):F3} ms after 0.1 ms of work, {LowestTenth(longWork):F3} ms after 0.9 ms");
    }

    /// <summary>
    /// Waits released by the thread of their own, given in any order: a late one first, and earlier ones while the thread
    /// sleeps towards it, which must wake it. Each ends at its own time and none before it, whether many end together or
    /// apart.
    /// </summary>
    [Fact(Timeout = 30_000)]
    public async Task Waits_given_in_any_order_end_each_at_its_own_time_and_none_before_it()
    {
        var durations = new[] { 300, 60, 200, 60, 5, 120 }.Select(ms => TimeSpan.FromMilliseconds(ms))
            .Concat(Enumerable.Range(0, 300).Select(i => TimeSpan.FromMilliseconds(100 + i % 7 * 0.3)))
            .ToList();
        var ended = Array.Empty<TimeSpan>();
        await WithPoolThreadsAsync(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            Task<TimeSpan> WaitAsync(TimeSpan duration) => Task.Run(async () =>
            {
                await Cipherpad.Server.Web.EvenTiming.WaitUntilAsync(started, duration, default);
                return Stopwatch.GetElapsedTime(started);
            });
            var first = WaitAsync(durations[0]);
            await Task.Delay(TimeSpan.FromMilliseconds(3)); // the thread now sleeps towards the first wait's end
            ended = await Task.WhenAll([first, .. durations.Skip(1).Select(WaitAsync)]);
        });

        Assert.All(durations.Zip(ended), pair => Assert.True(pair.Second >= pair.First,
            $"a wait of {pair.First.TotalMilliseconds} ms ended after {pair.Second.TotalMilliseconds:F3} ms"));
        var lateness = durations.Zip(ended, (duration, end) => (end - duration).TotalMilliseconds).Order().ToList();
        Assert.True(lateness[lateness.Count / 2] < 50, $"the median wait ended {lateness[lateness.Count / 2]:F3} ms late");
    }

    /// <summary>
    /// Runs on the thread pool, as the server's requests do, with no synchronization context to return to; and with the
    /// pool's minimum raised, since a test process's pool starts with as many threads as cores and the runner holds some.
    /// </summary>
    private static async Task WithPoolThreadsAsync(Func<Task> measure)
    {
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
        try
        {
            await Task.Run(measure);
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completions);
        }
    }
}

/// <summary>Tests that time the thread pool to a fraction of a millisecond run with nothing else running beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedAlone
{
    public const string Name = "Timed alone";
}
