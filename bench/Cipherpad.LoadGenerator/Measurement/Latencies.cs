namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>The latency percentiles of a phase's successful round trips, in milliseconds (nearest rank, no interpolation).</summary>
internal sealed record Latencies(double P50, double P90, double P99, double Max)
{
    public static readonly Latencies None = new(double.NaN, double.NaN, double.NaN, double.NaN);

    public static Latencies Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return None;
        }
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new(Percentile(0.50), Percentile(0.90), Percentile(0.99), sorted[^1]);
    }
}
