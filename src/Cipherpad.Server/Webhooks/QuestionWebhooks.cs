using System.Globalization;
using System.Text.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.Webhooks;

/// <summary>
/// The events a relying party with a webhook is told of, one per question: answered (the right answer, typed or approved
/// on the phone pad), denied (refused on the phone pad) or expired (unanswered when its time ran out). Each is added to the
/// request's unit of work as an outbox message and commits with what it reports, so none is lost to a crash and none
/// reports what did not commit; <see cref="WebhookSender"/> delivers it. The expiry is staged when the question is made, due
/// at its expiry, and goes only if the question is still unanswered then.
/// </summary>
public sealed class QuestionWebhooks(Outbox outbox)
{
    public const string Answered = "question.answered";
    public const string Denied = "question.denied";
    public const string Expired = "question.expired";

    public void QuestionAnswered(RelyingParty party, Challenge challenge, DateTimeOffset at) => Add(party, challenge, Answered, "success", at, at);

    public void QuestionDenied(RelyingParty party, Challenge challenge, DateTimeOffset at) => Add(party, challenge, Denied, "denied", at, at);

    public void WatchExpiry(RelyingParty party, Challenge challenge) => Add(party, challenge, Expired, "expired", challenge.ExpiresAt, challenge.ExpiresAt);

    private void Add(RelyingParty party, Challenge challenge, string type, string result, DateTimeOffset at, DateTimeOffset due)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(challenge);
        if (party.WebhookUrl is null || challenge.Method == ChallengeService.Unanswerable)
        {
            return;
        }
        outbox.Webhook(party.Id, type, Body(type, at, challenge, result), due);
    }

    /// <summary>
    /// <c>{"type":…,"timestamp":…,"data":{"challengeId":…,"purpose":…,"method":…,"result":…}}</c>, the shape Standard
    /// Webhooks suggests. Nothing in it names the person: the relying party knows whom it asked.
    /// </summary>
    private static string Body(string type, DateTimeOffset at, Challenge challenge, string result) => JsonSerializer.Serialize(new
    {
        type,
        timestamp = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        data = new { challengeId = challenge.Id, purpose = challenge.Purpose.WireName(), method = challenge.Method, result },
    });

    /// <summary>The question an event's body is about.</summary>
    public static Guid ChallengeIdOf(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("challengeId").GetGuid();
    }
}
