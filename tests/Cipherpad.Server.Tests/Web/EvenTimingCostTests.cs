using System.Diagnostics;
using System.Globalization;
using Cipherpad.Server.Web;

namespace Cipherpad.Server.Tests.Web;

/// <summary>
/// What the floor on address posts costs the server when many wait: a stranger's posts must not make the threads that
/// serve everyone's requests spin while their answers wait for their time.
/// </summary>
[Collection(ThreadPoolTimed.Name)]
public sealed class EvenTimingCostTests
{
    private const int Waits = 200;
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Two hundred waits ending 5 ms apart cost the thread pool's workers little (about a third of a millisecond each, to
    /// run what follows each wait): the waits are released by a thread of their own. When each wait spun over its last
    /// 4 ms on the pool thread that ran it, they cost the workers up to 4 ms of CPU each, as long as the timers woke on time.
    /// The workers' CPU is read per thread from Linux's scheduler statistics, so that the JIT's and the garbage collector's
    /// threads are not counted.
    /// </summary>
    [Fact]
    public async Task Two_hundred_waits_take_the_thread_pools_workers_little_CPU_and_none_ends_early()
    {
        // A test process's pool starts with as many threads as cores, some held by the test runner; a server's are free.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
        try
        {
            await WaitAsync(10); // compiled, and the pool's threads started
            var workersBefore = ThreadPoolWorkersCpu();
            var lateness = await WaitAsync(Waits);
            var workersCpu = ThreadPoolWorkersCpu() - workersBefore;

            Assert.All(lateness, late => Assert.True(late >= TimeSpan.Zero, $"a wait ended {-late.TotalMilliseconds:F3} ms early"));
            Assert.True(workersCpu < Waits * TimeSpan.FromMilliseconds(0.5), // a tenth of what spinning on them cost when timers were on time
                $"the thread pool's workers took {workersCpu.TotalMilliseconds:F1} ms of CPU while {Waits} waits ended; "
                + $"median lateness {lateness.Order().ElementAt(Waits / 2).TotalMilliseconds:F3} ms");
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completions);
        }
    }

    /// <summary>
    /// Waits that end <see cref="Spacing"/> apart, run as the server runs them: on the thread pool, with no synchronization
    /// context to return to. Returns how late each ended.
    /// </summary>
    private static Task<TimeSpan[]> WaitAsync(int count)
    {
        var started = Stopwatch.GetTimestamp();
        return Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var duration = TimeSpan.FromMilliseconds(20) + i * Spacing;
            await EvenTiming.WaitUntilAsync(started, duration, default);
            return Stopwatch.GetElapsedTime(started) - duration;
        })));
    }

    /// <summary>The CPU time of this process's thread-pool workers, from <c>/proc/self/task/*/schedstat</c> (nanoseconds).</summary>
    private static TimeSpan ThreadPoolWorkersCpu()
    {
        long nanoseconds = 0;
        foreach (var thread in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(thread, "comm")).StartsWith(".NET TP Worker", StringComparison.Ordinal))
                {
                    nanoseconds += long.Parse(File.ReadAllText(Path.Combine(thread, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return TimeSpan.FromTicks(nanoseconds / 100);
    }
}

/// <summary>Tests that time or measure the thread pool run with nothing else running beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolTimed
{
    public const string Name = "Thread pool timed";
}
