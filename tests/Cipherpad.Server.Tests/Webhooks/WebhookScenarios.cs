using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace Cipherpad.Server.Tests.Webhooks;

/// <summary>
/// Relying parties' webhooks against a real HTTP endpoint on loopback: each event of a question (answered, denied,
/// expired) is posted once, signed so that a Standard Webhooks library verifies it, retried with back-off under the same
/// id, and never posted to another relying party.
/// </summary>
public abstract class WebhookScenarios
{
    private const string Email = "ann@example.com";

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    [Fact]
    public async Task An_answered_question_is_posted_once_signed_so_that_a_standard_webhooks_library_verifies_it()
    {
        using var factory = await CreateFactoryAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var secret = await SetWebhookAsync(factory, shop, receiver.Url.ToString());

        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest(Email));
        await factory.SendOutboxAsync();
        var nothingYet = receiver.Deliveries.Count;
        var verdict = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(Journeys.AnswerWith(factory, pad.Secret, Core.Answers.Purpose.Login, challenge.Question)));
        await factory.SendOutboxAsync();
        // The question's expiry was staged with it; once the time is up it finds the question answered and posts nothing.
        factory.Time.Offset += TimeSpan.FromMinutes(20);
        await factory.SendOutboxAsync();

        Assert.Equal(0, nothingYet);
        Assert.Equal(VerifyResults.Success, verdict.Result);
        var delivery = Assert.Single(receiver.Deliveries);
        new StandardWebhook(secret).Verify(delivery.Body, delivery.Headers); // throws when the signature or its timestamp is off
        Assert.Equal(("question.answered", challenge.ChallengeId, "login", "app", "success"), Event(delivery));
        Assert.Equal("application/json; charset=utf-8", delivery.Headers.ContentType.ToString());
        Assert.DoesNotContain(Email, delivery.Body, StringComparison.Ordinal);
        var tampered = delivery.Body.Replace("success", "successs", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(secret).Verify(tampered, delivery.Headers));
    }

    [Fact]
    public async Task A_question_left_unanswered_is_posted_as_expired_once_its_time_is_up_and_not_before()
    {
        using var factory = await CreateFactoryAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await PadApi.RegisterAndActivateAsync(factory, Email);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var secret = await SetWebhookAsync(factory, shop, receiver.Url.ToString());
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest(Email, "action", Description: "Delete the shop account"));

        factory.Time.Offset = challenge.ExpiresAt - factory.Time.GetUtcNow() - TimeSpan.FromSeconds(1) + factory.Time.Offset;
        await factory.SendOutboxAsync();
        var beforeExpiry = receiver.Deliveries.Count;
        factory.Time.Offset += TimeSpan.FromSeconds(2);
        await factory.SendOutboxAsync();

        Assert.Equal(0, beforeExpiry);
        var delivery = Assert.Single(receiver.Deliveries);
        Assert.Equal(("question.expired", challenge.ChallengeId, "action", "app", "expired"), Event(delivery));
        AssertSignedAt(secret, delivery, factory.Time.GetUtcNow());
    }

    [Fact]
    public async Task A_question_refused_on_the_phone_pad_is_posted_as_denied_and_not_as_expired_later()
    {
        using var factory = await CreateFactoryAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var secret = await SetWebhookAsync(factory, shop, receiver.Url.ToString());
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest(Email, "action", Description: "Add Bob", Method: "push"));

        Assert.Equal("denied", await PadApi.DenyAsync(factory, pad, challenge.ChallengeId));
        await factory.SendOutboxAsync();
        factory.Time.Offset += TimeSpan.FromMinutes(20);
        await factory.SendOutboxAsync();

        var delivery = Assert.Single(receiver.Deliveries);
        Assert.Equal(("question.denied", challenge.ChallengeId, "action", "push", "denied"), Event(delivery));
        new StandardWebhook(secret).Verify(delivery.Body, delivery.Headers);
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_back_off_under_the_same_id_each_attempt_signed_anew()
    {
        using var factory = await CreateFactoryAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var secret = await SetWebhookAsync(factory, shop, receiver.Url.ToString());
        receiver.AnswerNext(503, 500);

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, Email, pad.Secret));
        await factory.SendOutboxAsync();
        factory.Time.Offset += TimeSpan.FromSeconds(4);
        await factory.SendOutboxAsync();
        var beforeTheFirstRetry = receiver.Deliveries.Count;
        factory.Time.Offset += TimeSpan.FromSeconds(2);
        await factory.SendOutboxAsync();
        factory.Time.Offset += TimeSpan.FromSeconds(11);
        await factory.SendOutboxAsync();
        factory.Time.Offset += TimeSpan.FromMinutes(5);
        await factory.SendOutboxAsync();

        Assert.Equal(1, beforeTheFirstRetry);
        Assert.Equal([503, 500, 200], receiver.Deliveries.Select(d => d.Status));
        Assert.Single(receiver.Deliveries.Select(d => d.Headers["webhook-id"].ToString()).Distinct());
        Assert.Equal(3, receiver.Deliveries.Select(d => d.Headers["webhook-timestamp"].ToString()).Distinct().Count());
        Assert.Single(receiver.Deliveries.Select(d => d.Body).Distinct());
        Assert.All(receiver.Deliveries, delivery => AssertSignedAt(secret, delivery, null));
    }

    [Fact]
    public async Task A_relying_party_hears_only_of_its_own_questions_and_nothing_once_its_webhook_is_removed()
    {
        using var factory = await CreateFactoryAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var shop = await Journeys.RelyingPartyClientAsync(factory, "Shop");
        using var bank = await Journeys.RelyingPartyClientAsync(factory, "Bank");
        await SetWebhookAsync(factory, shop, receiver.Url.ToString());

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, bank, Email, pad.Secret));
        await factory.SendOutboxAsync();
        var fromTheBank = receiver.Deliveries.Count;
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, Email, pad.Secret));
        await SetWebhookAsync(factory, shop, null);
        await factory.SendOutboxAsync();

        Assert.Equal(0, fromTheBank);
        Assert.Empty(receiver.Deliveries);
    }

    [Theory]
    [InlineData("http://shop.example/hooks", "https")]
    [InlineData("https://user:password@shop.example/hooks", "no user name")]
    [InlineData("/hooks", "https")]
    [InlineData("https://shop.example/hooks#events", "fragment")]
    public async Task A_webhook_address_that_could_leak_its_events_is_refused(string url, string said)
    {
        using var factory = await CreateFactoryAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        await using var scope = factory.Services.CreateAsyncScope();
        var set = await scope.ServiceProvider.GetRequiredService<RelyingPartyService>().SetWebhookAsync(Journeys.CredentialsOf(shop).ClientId, url);

        Assert.False(set!.Value.Succeeded);
        Assert.Contains(said, set.Value.Error!.Description, StringComparison.Ordinal);
    }

    private static (string Type, Guid ChallengeId, string Purpose, string Method, string Result) Event(WebhookDelivery delivery)
    {
        using var json = JsonDocument.Parse(delivery.Body);
        var data = json.RootElement.GetProperty("data");
        Assert.True(DateTimeOffset.TryParse(json.RootElement.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out _));
        return (json.RootElement.GetProperty("type").GetString()!, data.GetProperty("challengeId").GetGuid(), data.GetProperty("purpose").GetString()!,
            data.GetProperty("method").GetString()!, data.GetProperty("result").GetString()!);
    }

    /// <summary>
    /// The signature as docs/api.md defines it, computed here on its own: base64 of HMAC-SHA256, under the secret's bytes, of
    /// id.timestamp.body; and the timestamp the attempt's time when <paramref name="at"/> is given.
    /// </summary>
    private static void AssertSignedAt(string secret, WebhookDelivery delivery, DateTimeOffset? at)
    {
        var (id, timestamp) = (delivery.Headers["webhook-id"].ToString(), delivery.Headers["webhook-timestamp"].ToString());
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{delivery.Body}")));
        Assert.Equal(expected, delivery.Headers["webhook-signature"].ToString());
        if (at is { } time)
        {
            Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), time.ToUnixTimeSeconds() - 5, time.ToUnixTimeSeconds());
        }
    }

    private static async Task<string> SetWebhookAsync(CipherpadFactory factory, HttpClient relyingParty, string? url)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var set = await scope.ServiceProvider.GetRequiredService<RelyingPartyService>().SetWebhookAsync(Journeys.CredentialsOf(relyingParty).ClientId, url);
        Assert.True(set!.Value.Succeeded, set.Value.Error?.Description);
        return set.Value.Value ?? "";
    }
}

public sealed class SqliteWebhookScenarios : WebhookScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresWebhookScenarios(PostgresServer postgres) : WebhookScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
