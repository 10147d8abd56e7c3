using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Cipherpad.Testing;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP endpoint for traces on 127.0.0.1: it keeps each export's protobuf body as
/// posted and answers as a collector does. Protobuf writes strings as plain UTF-8, so span names, attribute keys and
/// values can be looked for in <see cref="Text"/> without decoding the messages.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<byte[]> _exports = new();
    private WebApplication _app = null!;

    /// <summary>The base address, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it (the exporter adds <c>/v1/traces</c>).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The settings that make a server export its traces here.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings => new Dictionary<string, string>
    {
        ["Cipherpad:Tracing:Enabled"] = "true",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Address.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
    };

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        (receiver._app, receiver.Address) = await LoopbackApp.StartAsync(app => app.MapPost("/v1/traces", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            if (http.Request.ContentType != "application/x-protobuf")
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }
            receiver._exports.Enqueue(body.ToArray());
            return Results.Bytes([], "application/x-protobuf"); // an empty ExportTraceServiceResponse: all accepted
        }));
        return receiver;
    }

    /// <summary>How many exports arrived.</summary>
    public int Exports => _exports.Count;

    /// <summary>Every export's body read as UTF-8: the strings of the spans, among replacement characters for the rest.</summary>
    public string Text => string.Join("\n", _exports.Select(export => System.Text.Encoding.UTF8.GetString(export)));

    /// <summary>
    /// Shuts the server's tracer down, which returns only once its exporter has sent every span and been answered, then
    /// gives <see cref="Text"/>. A flush would not do: it returns as soon as the spans are taken from the exporter's
    /// queue, which may be before they are posted.
    /// </summary>
    public string TextOnceSentBy(IServiceProvider server)
    {
        Assert.True(server.GetRequiredService<TracerProvider>().Shutdown(30_000), "the tracer sent its spans within 30 s");
        return Text;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
