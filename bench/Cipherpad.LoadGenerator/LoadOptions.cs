using System.Globalization;

namespace Cipherpad.LoadGenerator;

/// <summary>
/// How hard and how long to load each target. Every phase is bounded twice, by <see cref="Seconds"/> and by
/// <see cref="MaxRoundTrips"/>, and every round trip by <see cref="Timeout"/>.
/// </summary>
/// <param name="Seconds">How long each measured phase (closed loop, open loop) runs.</param>
/// <param name="WarmupSeconds">The least the unmeasured warm-up before them runs.</param>
/// <param name="MaxWarmupSeconds">The most it runs while the server is still compiling.</param>
/// <param name="Workers">Round trips in flight in the closed loop.</param>
/// <param name="InFlight">The most round trips in flight at once in the open loop.</param>
/// <param name="Accounts">Cipherpad accounts the round trips rotate over.</param>
/// <param name="Sources">User addresses the verify requests rotate over.</param>
/// <param name="MaxRoundTrips">The most round trips one phase starts.</param>
/// <param name="Timeout">How long one round trip may take before it counts as failed.</param>
/// <param name="Rounds">
/// How many times the closed and open loops of the .NET servers (Cipherpad and the hello-world ceiling) run, the servers
/// taking turns round by round, so that each round's ratios compare runs minutes apart at most.
/// </param>
internal sealed record LoadOptions(int Seconds, int WarmupSeconds, int MaxWarmupSeconds, int Workers, int InFlight, int Accounts, int Sources, long MaxRoundTrips,
    TimeSpan Timeout, int Rounds = 1)
{
    /// <summary>The lanes a target must serve: enough for either loop.</summary>
    public int Lanes => Math.Max(Workers, InFlight);

    /// <summary>These options as command-line arguments, for another run of this program.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "--seconds", Text(Seconds), "--warmup", Text(WarmupSeconds), "--max-warmup", Text(MaxWarmupSeconds), "--workers", Text(Workers), "--in-flight", Text(InFlight),
        "--accounts", Text(Accounts), "--sources", Text(Sources), "--max-round-trips", Text(MaxRoundTrips), "--timeout", Text((long)Timeout.TotalSeconds), "--rounds", Text(Rounds),
    ];

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
