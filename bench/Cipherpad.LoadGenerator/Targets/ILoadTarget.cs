using Cipherpad.LoadGenerator.Measurement;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// A server the load generator measures: already running as processes of its own on loopback, stopped on dispose. A round
/// trip runs on a lane, a slot of concurrency no other round trip uses at the same time, so a target may keep state per
/// lane (a HOTP counter) without locks; lanes are numbered from 0 up to the count the target was made for.
/// </summary>
internal interface ILoadTarget : IAsyncDisposable
{
    /// <summary>The name in the tables, such as <c>Cipherpad, SQLite</c>.</summary>
    string Name { get; }

    /// <summary>What one round trip is, for the report.</summary>
    string RoundTripDescription { get; }

    /// <summary>The server process's CPU.</summary>
    ProcessCpu Server { get; }

    /// <summary>The database's processes' CPU; null when the database runs inside the server process or there is none.</summary>
    ProcessCpu? Database { get; }

    /// <summary>A .NET server's tiered JIT compiler (<see cref="ProcessCpu.TieredJit"/>), which the warm-up waits for; null for others.</summary>
    ProcessCpu? ServerJit => null;

    /// <summary>The most round trips it serves correctly at once; the loops use no more lanes than this.</summary>
    int MaxInFlight => int.MaxValue;

    /// <summary>One round trip; returns null when it succeeded, else a short reason such as <c>verify: throttled</c>.</summary>
    Task<string?> RoundTripAsync(int lane, CancellationToken cancellationToken);
}
