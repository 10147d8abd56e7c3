using System.Diagnostics;
using System.Globalization;

namespace Cipherpad.Benchmarks;

/// <summary>
/// The ratios of <see cref="OcraBenchmarks"/> measured in pairs: short batches of each benchmark alternate with
/// batches of its raw-HMAC baseline, and the median of the per-pair ratios is reported. BenchmarkDotNet runs one
/// benchmark after the other, so on a shared machine a change in the load between two benchmarks shows up in
/// their ratio; here both sides of every ratio ran within a millisecond of each other.
/// </summary>
internal static class PairedRatios
{
    private const int Rounds = 1_000;
    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(0.5);
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1);

    public static void Run()
    {
        var benchmarks = new OcraBenchmarks();
        benchmarks.Setup();
        try
        {
            Func<int> login = benchmarks.Raw_HMACSHA256_login_message;
            Func<int> payment = benchmarks.Raw_HMACSHA256_payment_message;
            Func<int> window = benchmarks.Raw_HMACSHA256_login_message_7_times;
            (string Name, Func<int> Baseline, Func<int> Candidate)[] pairs =
            [
                ("OCRA compute, login", login, () => benchmarks.Ocra_compute_login() is null ? 1 : 0),
                ("OCRA verify, login", login, () => benchmarks.Ocra_verify_login() ? 1 : 0),
                ("OCRA compute, payment", payment, () => benchmarks.Ocra_compute_payment() is null ? 1 : 0),
                ("OCRA verify, payment", payment, () => benchmarks.Ocra_verify_payment() ? 1 : 0),
                ("answer verify, login window", window, () => (int)benchmarks.Answer_verify_login_default_window()),
                ("answer verify, payment window", window, () => (int)benchmarks.Answer_verify_payment_default_window()),
            ];
            Console.WriteLine($"{"benchmark",-32} {"median ratio",12} {"quartiles",13} {"median",10} {"baseline",10} {"allocated",10}");
            foreach (var (name, baseline, candidate) in pairs)
            {
                Report(name, baseline, candidate);
            }
        }
        finally
        {
            benchmarks.Dispose();
        }
    }

    private static void Report(string name, Func<int> baseline, Func<int> candidate)
    {
        // Warm both up until the JIT has settled on its final code.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < WarmUpTime)
        {
            Time(baseline, 100);
            Time(candidate, 100);
        }
        var batch = BatchSize(baseline);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Time(candidate, batch);
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)batch;

        var ratios = new double[Rounds];
        var candidateTimes = new double[Rounds];
        var baselineTimes = new double[Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            // Alternate which side goes first, so neither always follows the other's cache state.
            var first = round % 2 == 0;
            var a = Time(first ? baseline : candidate, batch);
            var b = Time(first ? candidate : baseline, batch);
            baselineTimes[round] = first ? a : b;
            candidateTimes[round] = first ? b : a;
            ratios[round] = candidateTimes[round] / baselineTimes[round];
        }
        Array.Sort(ratios);
        Array.Sort(candidateTimes);
        Array.Sort(baselineTimes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-32} {ratios[Rounds / 2],12:F3} {ratios[Rounds / 4],6:F2}–{ratios[3 * Rounds / 4],-6:F2} {Micro(candidateTimes[Rounds / 2]),10} {Micro(baselineTimes[Rounds / 2]),10} {allocated,8:F0} B"));
    }

    private static int BatchSize(Func<int> operation)
    {
        var perOperation = Time(operation, 1_000);
        return Math.Max(1, (int)(BatchTime.TotalNanoseconds / perOperation));
    }

    // Nanoseconds per operation over one batch.
    private static double Time(Func<int> operation, int count)
    {
        var sink = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            sink += operation();
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        GC.KeepAlive(sink);
        return elapsed.TotalNanoseconds / count;
    }

    private static string Micro(double nanoseconds) => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1000:F3} us");
}
