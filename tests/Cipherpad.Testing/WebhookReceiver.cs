using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Testing;

/// <summary>A request the <see cref="WebhookReceiver"/> got: its headers and body as sent, and the status it answered.</summary>
public sealed record WebhookDelivery(IHeaderDictionary Headers, string Body, int Status);

/// <summary>
/// A relying party's webhook endpoint on 127.0.0.1: it keeps every POST to <c>/hooks</c> and answers each with the next of
/// the statuses it was told to give (200 once they run out).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();
    private readonly ConcurrentQueue<int> _statuses = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The endpoint's URL.</summary>
    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<WebhookDelivery> Deliveries => [.. _deliveries];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._statuses.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
            receiver._deliveries.Enqueue(new WebhookDelivery(new HeaderDictionary(http.Request.Headers.ToDictionary()), body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
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
