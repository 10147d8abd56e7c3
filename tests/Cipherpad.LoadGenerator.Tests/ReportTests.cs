using Cipherpad.LoadGenerator.Measurement;

namespace Cipherpad.LoadGenerator.Tests;

/// <summary>The report's comparisons when the servers take turns over several rounds.</summary>
public sealed class ReportTests
{
    private static readonly LoadOptions ThreeRounds = new(Seconds: 10, WarmupSeconds: 5, MaxWarmupSeconds: 60, Workers: 16, InFlight: 64, Accounts: 32,
        Sources: 40, MaxRoundTrips: 1_000_000, Timeout: TimeSpan.FromSeconds(5), Rounds: 3);

    [Fact]
    public void Each_round_is_compared_with_the_ceiling_of_the_same_round_and_the_median_is_of_those_ratios()
    {
        // The machine halves its speed in round 2: the rates drift, the share of the ceiling does not.
        PhaseResult[] results =
        [
            Closed("Cipherpad, SQLite", round: 1, rate: 2000), Closed(Report.HelloWorld, round: 1, rate: 20_000),
            Closed("Cipherpad, SQLite", round: 2, rate: 1000), Closed(Report.HelloWorld, round: 2, rate: 10_000),
            Closed("Cipherpad, SQLite", round: 3, rate: 2400), Closed(Report.HelloWorld, round: 3, rate: 20_000),
        ];
        using var output = new StringWriter();

        Report.Write(output, results, ThreeRounds);

        var text = output.ToString();
        Assert.Contains("| Cipherpad, SQLite | 0.100 | 0.100 | 0.120 | 0.100 | 0.100 – 0.120 |", text, StringComparison.Ordinal);
        // The table of maxima takes each target's median rate: 2,000 and 20,000.
        Assert.Contains("| Cipherpad, SQLite | 2000 | 0.100 |", text, StringComparison.Ordinal);
        Assert.Contains("| Cipherpad, SQLite | closed loop, round 2 |", text, StringComparison.Ordinal);
        Assert.Contains("3 rounds", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_round_without_the_ceiling_has_no_ratio_and_is_left_out_of_the_median()
    {
        PhaseResult[] results =
        [
            Closed("Cipherpad, PostgreSQL", round: 1, rate: 800), Closed(Report.HelloWorld, round: 1, rate: 16_000),
            Closed("Cipherpad, PostgreSQL", round: 2, rate: 900),
            Closed("Cipherpad, PostgreSQL", round: 3, rate: 700), Closed(Report.HelloWorld, round: 3, rate: 10_000),
        ];
        using var output = new StringWriter();

        Report.Write(output, results, ThreeRounds);

        Assert.Contains("| Cipherpad, PostgreSQL | 0.050 | — | 0.070 | 0.060 | 0.050 – 0.070 |", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void One_round_reports_as_before_without_rounds_in_its_tables()
    {
        PhaseResult[] results = [Closed("Cipherpad, SQLite", round: 1, rate: 1500), Closed(Report.HelloWorld, round: 1, rate: 15_000)];
        using var output = new StringWriter();

        Report.Write(output, results, ThreeRounds with { Rounds = 1 });

        var text = output.ToString();
        Assert.DoesNotContain("round", text.Replace("round trip", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("| Cipherpad, SQLite | 1500 | 0.100 |", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 5, 1, 3 }, 3)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void The_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones(double[] values, double median) =>
        Assert.Equal(median, Report.Median(values));

    [Fact]
    public void The_median_of_nothing_is_not_a_number() => Assert.True(double.IsNaN(Report.Median([])));

    private static PhaseResult Closed(string target, int round, double rate) =>
        new(target, "a login", "closed loop", 16, Seconds: 10, RoundTrips: (long)(rate * 10), Failures: 0, Latencies.Of([1.0, 2.0]),
            new CpuUse(1, null, 1)) { Round = round };
}
