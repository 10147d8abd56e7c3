using System.Diagnostics;

namespace Cipherpad.Server.Observability;

/// <summary>
/// <c>Cipherpad:Tracing</c>: whether the server sends traces to an OpenTelemetry collector over OTLP. Where to is OpenTelemetry's
/// own configuration (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// <c>OTEL_SERVICE_NAME</c>), read from the environment or the server's settings.
/// </summary>
public sealed class TracingOptions
{
    public bool Enabled { get; set; }
}

/// <summary>
/// The server's own spans and span events, on the <see cref="SourceName"/> activity source: each outbox message's sending,
/// and on a request's span the questions it issued and the authorizations it recorded. Like the metrics they carry methods,
/// purposes, results and channels, never a person, a code or an answer.
/// </summary>
public static class CipherpadTracing
{
    public const string SourceName = "Cipherpad";

    public static readonly ActivitySource Source = new(SourceName);
}
