using System.Net;
using System.Text.Json;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>What a push to a pad carries: the question's id, its sealed payload and when it expires.</summary>
public sealed record PushNotice(Guid ChallengeId, string Payload, DateTimeOffset ExpiresAt);

/// <summary>A pad's Web Push subscription, as the browser gives it (<c>PushSubscription.toJSON()</c>).</summary>
public sealed record StoredPushSubscription(string Endpoint, string P256dh, string Auth);

/// <summary>
/// Sends outbox push messages to a pad's push service with Lib.Net.Http.WebPush: payload encrypted for the pad (RFC 8291),
/// signed with the server's VAPID key (RFC 8292), kept by the push service only as long as the question lives (TTL). A
/// question that expired before its push went is not sent; a subscription the push service no longer knows (404, 410) is
/// dropped. No redirects are followed: the server posts only to the push service the subscription names.
/// </summary>
public sealed class WebPushGateway(IHttpClientFactory http, IDbContextFactory<CipherpadDbContext> contexts, Observability.CipherpadMetrics metrics, SecretProtector protector, VapidKeys vapid,
    IOptions<CipherpadOptions> options, TimeProvider time, ILogger<WebPushGateway> logger) : IPushGateway
{
    public const string HttpClientName = "web-push";
    public const string SubscriptionPurpose = "push-subscription";

    public async Task SendAsync(Guid deviceId, string body, CancellationToken cancellationToken)
    {
        var notice = JsonSerializer.Deserialize<PushNotice>(body, JsonSerializerOptions.Web)!;
        var timeToLive = (int)Math.Floor((notice.ExpiresAt - time.GetUtcNow()).TotalSeconds);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (timeToLive <= 0 || device is not { RevokedAt: null, ApprovesSince: not null, PushSubscriptionProtected: { } protectedSubscription })
        {
            logger.LogInformation("Push to pad {Device} not sent: its question expired, or the pad no longer takes pushes", deviceId);
            return;
        }
        var stored = JsonSerializer.Deserialize<StoredPushSubscription>(
            protector.Unprotect(protectedSubscription, $"{SubscriptionPurpose}:{deviceId}"), JsonSerializerOptions.Web)!;
        if (!options.Value.Push.AllowsEndpoint(stored.Endpoint))
        {
            logger.LogWarning("Push to pad {Device} not sent: its push service is no longer among Cipherpad:Push:EndpointHosts", deviceId);
            return;
        }
        var subscription = new PushSubscription { Endpoint = stored.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, stored.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, stored.Auth);
        var (publicKey, privateKey) = await vapid.GetAsync(cancellationToken);
        using var authentication = new VapidAuthentication(publicKey, privateKey) { Subject = Subject() };
        var client = new PushServiceClient(http.CreateClient(HttpClientName)) { DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid };
        var message = new PushMessage(body) { TimeToLive = timeToLive, Urgency = PushMessageUrgency.High };
        try
        {
            await client.RequestPushMessageDeliveryAsync(subscription, message, authentication, cancellationToken);
        }
        catch (PushServiceClientException gone) when (gone.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            logger.LogInformation("The push service no longer knows pad {Device}'s subscription; dropped", deviceId);
            await db.Devices.Where(d => d.Id == deviceId).ExecuteUpdateAsync(d => d.SetProperty(x => x.PushSubscriptionProtected, (byte[]?)null), CancellationToken.None);
            return;
        }
        var log = new AuthorizationLogWriter(db, metrics, time);
        var challenge = await db.Challenges.AsNoTracking().SingleAsync(c => c.Id == notice.ChallengeId, cancellationToken);
        var party = await db.RelyingParties.AsNoTracking().SingleAsync(p => p.Id == challenge.RelyingPartyId, cancellationToken);
        await log.AppendAsync(device.AccountId, "push-sent", PushMethod.MethodName, Core.Answers.Purposes.WireName(challenge.Purpose), party.Name, null, deviceId,
            challenge.Id, $"pushed to pad \"{Web.DisplayText.Shown(device.Name)}\"", CancellationToken.None);
    }

    /// <summary>The configured contact, else the public URL if it is HTTPS, else the sender address of the server's mail.</summary>
    private string Subject()
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.Push.Subject))
        {
            return settings.Push.Subject;
        }
        return settings.PublicUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            ? settings.PublicUrl.TrimEnd('/')
            : "mailto:" + MimeKit.MailboxAddress.Parse(settings.Email.From).Address;
    }
}
