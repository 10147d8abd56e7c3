using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cipherpad.Testing;

/// <summary>A request the <see cref="WebhookReceiver"/> got: its headers and body as sent, and the status it answered.</summary>
public sealed record WebhookDelivery(IHeaderDictionary Headers, string Body, int Status);

/// <summary>
/// A relying party's webhook endpoint on 127.0.0.1: it keeps every POST to <c>/hooks</c> and answers each with the next of
/// the statuses it was told to give (200 once they run out).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private WebApplication _app = null!;

    /// <summary>The endpoint's URL.</summary>
    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<WebhookDelivery> Deliveries => [.. _deliveries];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        (receiver._app, var address) = await LoopbackApp.StartAsync(app => app.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._statuses.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
            receiver._deliveries.Enqueue(new WebhookDelivery(new HeaderDictionary(http.Request.Headers.ToDictionary()), body, status));
            return Results.StatusCode(status);
        }));
        receiver.Url = new Uri(address, "/hooks");
        return receiver;
    }

    /// <summary>Answers the next requests with <paramref name="statuses"/>, in turn.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
