using System.Collections.Concurrent;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>What a load phase saw, before CPU is added: how long it ran, the latencies of the successes, the failures.</summary>
internal sealed class Recording
{
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);

    public TimeSpan Elapsed { get; set; }
    public List<double> Milliseconds { get; } = [];
    public long Failures => _failures.Values.Sum();

    /// <summary>Failures by reason, such as <c>verify: throttled</c> or <c>timeout</c>.</summary>
    public IReadOnlyDictionary<string, long> FailuresByReason => _failures;

    public void Fail(string reason, long count = 1) => _failures.AddOrUpdate(reason, count, (_, before) => before + count);
}
