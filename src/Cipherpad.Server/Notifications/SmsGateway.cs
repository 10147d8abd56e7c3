using System.Net.Http.Headers;
using System.Text.Json;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Notifications;

public interface ISmsGateway
{
    Task SendAsync(string phone, string text, CancellationToken cancellationToken = default);
}

/// <summary>Delivers an outbox push message to a pad (<see cref="AnswerMethods.Push.WebPushGateway"/>).</summary>
public interface IPushGateway
{
    Task SendAsync(Guid deviceId, string body, CancellationToken cancellationToken);
}

/// <summary>Posts <c>{"to","text"}</c> as JSON to the configured webhook (an SMS operator's HTTP API or a bridge to it).</summary>
public sealed class WebhookSmsGateway(HttpClient http, IOptions<CipherpadOptions> options, ILogger<WebhookSmsGateway> logger) : ISmsGateway
{
    public async Task SendAsync(string phone, string text, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Sms;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl) { Content = System.Net.Http.Json.JsonContent.Create(new { to = phone, text }) };
        if (!string.IsNullOrEmpty(settings.WebhookToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.WebhookToken);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        logger.LogInformation("SMS to {Phone} accepted by the webhook", AccountRules.MaskPhone(phone));
    }
}

/// <summary>Without a gateway, each SMS is a JSON file in the outbox: what a developer reads instead of a phone.</summary>
public sealed class OutboxSmsGateway(IOptions<CipherpadOptions> options, ILogger<OutboxSmsGateway> logger, TimeProvider time) : ISmsGateway
{
    public async Task SendAsync(string phone, string text, CancellationToken cancellationToken = default)
    {
        var file = Path.Combine(options.Value.DataPath(options.Value.Sms.OutboxDirectory), $"{time.GetUtcNow():yyyyMMdd-HHmmss-fffffff}-{Guid.NewGuid():N}.json");
        // The SMS holds codes and answers: only the server's user may read it.
        await using var stream = OwnerOnlyFiles.Create(file);
        await JsonSerializer.SerializeAsync(stream, new { to = phone, text, at = time.GetUtcNow() }, cancellationToken: cancellationToken);
        logger.LogInformation("SMS to {Phone} written to the outbox {File}", AccountRules.MaskPhone(phone), file);
    }
}
