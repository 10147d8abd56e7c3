namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// CPU time spent during one measured phase, in seconds, by role: the server process (null when the client talks to the
/// database itself, as pgbench does), the database's processes (null when the database runs inside the server, as SQLite
/// does, or there is none), and the client: the load generator itself, or the program it ran.
/// </summary>
internal sealed record CpuUse(double? ServerSeconds, double? DatabaseSeconds, double ClientSeconds)
{
    public double TotalSeconds => (ServerSeconds ?? 0) + (DatabaseSeconds ?? 0) + ClientSeconds;
}

/// <summary>
/// One measured phase of one target, whose round trip is described by <see cref="RoundTrip"/>. <see cref="RoundTrips"/>
/// counts the successful ones only; a failure (a wrong status, a result other than success, a timeout) is in
/// <see cref="Failures"/>, and the phase's log line says why.
/// </summary>
internal sealed record PhaseResult(string Target, string RoundTrip, string Phase, int InFlight, double Seconds, long RoundTrips, long Failures,
    Latencies Latency, CpuUse Cpu)
{
    public double RoundTripsPerSecond => Seconds > 0 ? RoundTrips / Seconds : 0;

    /// <summary>Which round of <see cref="LoadOptions.Rounds"/> it was measured in, from 1.</summary>
    public int Round { get; init; } = 1;

    /// <summary>The phase as the tables name it: with its round when there were several.</summary>
    public string PhaseInRound(int rounds) => rounds > 1 ? $"{Phase}, round {Round}" : Phase;

    /// <summary>CPU microseconds per successful round trip; NaN when none succeeded.</summary>
    public double MicrosecondsPerRoundTrip(double? seconds) =>
        seconds is { } value && RoundTrips > 0 ? value * 1e6 / RoundTrips : double.NaN;
}
