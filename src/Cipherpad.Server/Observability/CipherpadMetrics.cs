using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cipherpad.Server.Observability;

/// <summary>
/// The server's own metrics, on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics, which OpenTelemetry reads):
/// questions issued, every authorization recorded in the log (answers right, wrong, throttled or locked, per method and
/// purpose, and the key vault's and passkeys' events), messages sent and failed per channel, and the outbox's depth.
/// Nothing in them names a person: only methods, purposes, results and channels.
/// </summary>
public sealed class CipherpadMetrics : IDisposable
{
    public const string MeterName = "Cipherpad";

    private readonly Meter _meter;
    private readonly Counter<long> _questions;
    private readonly Counter<long> _authorizations;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private long _outboxDepth;

    public CipherpadMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _questions = _meter.CreateCounter<long>("cipherpad.questions.issued", "{question}", "Questions issued, by answer method and purpose.");
        _authorizations = _meter.CreateCounter<long>("cipherpad.authorizations", "{authorization}",
            "Entries of the authorization log: answers by result, method and purpose, and the key vault's and passkeys' events.");
        _sent = _meter.CreateCounter<long>("cipherpad.outbox.sent", "{message}", "E-mails, SMS and push messages handed over, by channel.");
        _failed = _meter.CreateCounter<long>("cipherpad.outbox.failed", "{message}", "Attempts to hand a message over that failed, by channel.");
        _meter.CreateObservableGauge("cipherpad.outbox.depth", () => Interlocked.Read(ref _outboxDepth), "{message}",
            "Messages due and not yet sent, as the outbox worker last counted them.");
    }

    /// <summary>Counts a question, and marks it on the current span (<see cref="CipherpadTracing"/>).</summary>
    public void QuestionIssued(string method, string purpose)
    {
        _questions.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("purpose", purpose));
        Activity.Current?.AddEvent(new ActivityEvent("cipherpad.question.issued",
            tags: new ActivityTagsCollection { ["cipherpad.method"] = method, ["cipherpad.purpose"] = purpose }));
    }

    /// <summary>Counts an authorization-log entry, and marks it on the current span.</summary>
    public void Authorization(string result, string method, string purpose)
    {
        _authorizations.Add(1, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("purpose", purpose));
        Activity.Current?.AddEvent(new ActivityEvent("cipherpad.authorization",
            tags: new ActivityTagsCollection { ["cipherpad.result"] = result, ["cipherpad.method"] = method, ["cipherpad.purpose"] = purpose }));
    }

    public void MessageSent(string channel) => _sent.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void MessageFailed(string channel) => _failed.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void OutboxDepth(int waiting) => Interlocked.Exchange(ref _outboxDepth, waiting);

    public void Dispose() => _meter.Dispose();
}
