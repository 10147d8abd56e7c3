using System.Net.Http.Headers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Webhooks;

/// <summary>
/// Posts a relying party's webhook events (<see cref="QuestionWebhooks"/>) for the outbox, which retries a failure with
/// back-off (5 s, doubling, at most an hour apart, up to <see cref="OutboxOptions.MaxAttempts"/> attempts) and bounds each
/// attempt by <see cref="OutboxOptions.SendTimeout"/>. Each attempt is signed anew (Standard Webhooks): <c>webhook-id</c>
/// is the event's id, the same on every attempt, so a receiver can drop one it already has; <c>webhook-timestamp</c> is the
/// attempt's time. Only a 2xx answer counts as delivered; redirects are not followed.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory http, IDbContextFactory<CipherpadDbContext> contexts, SecretProtector protector, TimeProvider time)
{
    public const string HttpClientName = "webhooks";
    /// <summary>What the relying party's webhook secret is encrypted for (<see cref="SecretProtector"/>), bound to that party.</summary>
    public static string SecretPurpose(Guid relyingPartyId) => $"webhook-secret:{relyingPartyId}";

    /// <summary>Posts the event; false when there is nothing to post any more (the webhook was removed, the question was answered after all).</summary>
    public async Task<bool> SendAsync(OutboxMessage message, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var party = await db.RelyingParties.AsNoTracking().SingleOrDefaultAsync(r => r.Id == Guid.Parse(message.Recipient), cancellationToken);
        if (party?.WebhookUrl is null || party.WebhookSecretProtected is null || party.DisabledAt is not null)
        {
            return false;
        }
        if (message.Subject == QuestionWebhooks.Expired)
        {
            var challengeId = QuestionWebhooks.ChallengeIdOf(body);
            var unanswered = await db.Challenges.AnyAsync(c => c.Id == challengeId && c.Status == ChallengeStatus.Pending, cancellationToken);
            if (!unanswered)
            {
                return false;
            }
        }
        var key = protector.Unprotect(party.WebhookSecretProtected, SecretPurpose(party.Id));
        var id = "msg_" + message.Id.ToString("N");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, party.WebhookUrl)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(key, id, timestamp, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Cipherpad-Webhooks", "1"));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the webhook answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        return true;
    }
}
