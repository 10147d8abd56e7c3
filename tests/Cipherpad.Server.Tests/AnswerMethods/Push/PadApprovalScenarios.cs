using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.AnswerMethods.Push;

/// <summary>
/// Approval on the phone pad (the <c>push</c> method) through the pad's signed API: number matching, "this wasn't me",
/// the pause after a denial, the hourly cap under concurrent requests, and requests nobody signed.
/// </summary>
public abstract class PadApprovalScenarios
{
    private const string Email = "ann@example.com";

    protected abstract Task<CipherpadFactory> CreateFactoryAsync(Dictionary<string, string>? settings = null);

    private static Task<HttpResponseMessage> CreatePushAsync(HttpClient relyingParty, string purpose = "login") =>
        relyingParty.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest(Email, purpose, Description: purpose == "action" ? "Add Bob" : null, Method: "push"));

    private static async Task<ChallengeResponse> ReadAsync(HttpClient relyingParty, Guid challengeId) =>
        (await relyingParty.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{challengeId}"))!;

    private static async Task<ChallengeResponse> CreatedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ChallengeResponse>())!;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_pad_that_approves_shows_the_request_and_approves_it_with_the_number_the_site_shows()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var relyingParty = await Journeys.RelyingPartyClientAsync(factory);
        await AssertProblemAsync(await CreatePushAsync(relyingParty), HttpStatusCode.Conflict, "method-not-enabled");

        using (var on = await PadApi.SetApprovalAsync(factory, pad, true))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }
        await factory.SendOutboxAsync();
        Assert.Contains("now approves requests", Journeys.LatestEmailTo(factory, Email).TextBody, StringComparison.Ordinal);

        var appQuestion = await CreatedAsync(await relyingParty.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest(Email)));
        var challenge = await CreatedAsync(await CreatePushAsync(relyingParty, "action"));
        Assert.Equal("push", challenge.Method);
        Assert.InRange(challenge.MatchNumber!.Value, 10, 99);
        Assert.Null(appQuestion.MatchNumber);

        var pending = await PadApi.PendingAsync(factory, pad);
        var request = Assert.Single(pending.EnumerateArray());
        Assert.Equal(challenge.ChallengeId, request.GetProperty("challengeId").GetGuid());
        var answer = PadApi.AnswerPayload(factory, pad, request.GetProperty("payload").GetString()!);

        Assert.Equal("success", await PadApi.ApproveAsync(factory, pad, challenge.ChallengeId, answer, challenge.MatchNumber));
        Assert.Equal(ChallengeStatuses.Succeeded, (await ReadAsync(relyingParty, challenge.ChallengeId)).Status);
        Assert.Equal("already-used", await PadApi.ApproveAsync(factory, pad, challenge.ChallengeId, answer, challenge.MatchNumber));
        Assert.Empty((await PadApi.PendingAsync(factory, pad)).EnumerateArray());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
        Assert.Contains(await db.AuthorizationLog.Where(e => e.ChallengeId == challenge.ChallengeId).Select(e => e.Result + " " + e.Method).ToListAsync(),
            entry => entry == "success push");
    }

    [Fact]
    public async Task A_wrong_number_or_this_was_not_me_denies_the_request_mails_the_owner_and_pauses_further_requests()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var relyingParty = await Journeys.RelyingPartyClientAsync(factory);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();

        var first = await CreatedAsync(await CreatePushAsync(relyingParty));
        var answer = PadApi.AnswerPayload(factory, pad, first.QrPayload);
        var wrongNumber = first.MatchNumber == 99 ? 10 : first.MatchNumber + 1;
        Assert.Equal("wrong-number", await PadApi.ApproveAsync(factory, pad, first.ChallengeId, answer, wrongNumber));
        Assert.Equal(ChallengeStatuses.Denied, (await ReadAsync(relyingParty, first.ChallengeId)).Status);
        // Not even the right answer, typed at the site, gets through once the owner refused.
        Assert.Equal("denied", (await relyingParty.VerifyAsync(first.ChallengeId, new VerifyRequest(answer))).Result);
        await factory.SendOutboxAsync();
        Assert.Contains("was refused on your phone pad", Journeys.LatestEmailTo(factory, Email).TextBody, StringComparison.Ordinal);

        var paused = await CreatePushAsync(relyingParty);
        await AssertProblemAsync(paused, HttpStatusCode.TooManyRequests, "push-paused");
        Assert.NotNull(paused.Headers.RetryAfter);

        factory.Time.Offset += TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1);
        var second = await CreatedAsync(await CreatePushAsync(relyingParty));
        Assert.Equal("denied", await PadApi.DenyAsync(factory, pad, second.ChallengeId));
        Assert.Equal("denied", await PadApi.DenyAsync(factory, pad, second.ChallengeId));
        // The second denial of the day doubles the pause.
        factory.Time.Offset += TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1);
        await AssertProblemAsync(await CreatePushAsync(relyingParty), HttpStatusCode.TooManyRequests, "push-paused");
        factory.Time.Offset += TimeSpan.FromMinutes(1);
        await CreatedAsync(await CreatePushAsync(relyingParty));
    }

    [Fact]
    public async Task Requests_not_signed_by_an_active_pad_of_the_account_get_nothing()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        var stranger = await PadApi.RegisterAndActivateAsync(factory, "bob@example.com");
        using var relyingParty = await Journeys.RelyingPartyClientAsync(factory);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();
        (await PadApi.SetApprovalAsync(factory, stranger, true)).Dispose();
        var challenge = await CreatedAsync(await CreatePushAsync(relyingParty));
        var answer = PadApi.AnswerPayload(factory, pad, challenge.QrPayload);
        var approve = $"/api/v1/pad/challenges/{challenge.ChallengeId}/approve";
        var body = new { answer, number = challenge.MatchNumber };

        using var client = factory.CreateClient();
        await AssertProblemAsync(await client.PostAsJsonAsync(approve, body), HttpStatusCode.Unauthorized, "pad-unauthorized");
        var forged = new ActivatedPad(pad.DeviceId, stranger.Secret);
        await AssertProblemAsync(await PadApi.SendAsync(factory, forged, HttpMethod.Post, approve, body), HttpStatusCode.Unauthorized, "pad-unauthorized");
        await AssertProblemAsync(await PadApi.SendAsync(factory, pad, HttpMethod.Post, approve, body, tamper: bytes => [.. bytes[..^1], (byte)' ', .. bytes[^1..]]),
            HttpStatusCode.Unauthorized, "pad-unauthorized");
        await AssertProblemAsync(await PadApi.SendAsync(factory, pad, HttpMethod.Post, approve, body, clockOffset: TimeSpan.FromMinutes(6)),
            HttpStatusCode.Unauthorized, "pad-unauthorized");
        await AssertProblemAsync(await PadApi.SendAsync(factory, stranger, HttpMethod.Post, approve, body), HttpStatusCode.NotFound, "unknown-challenge");
        Assert.Empty((await PadApi.PendingAsync(factory, stranger)).EnumerateArray());

        // Not an answer at all: refused, and no attempt is spent on it.
        await AssertProblemAsync(await PadApi.SendAsync(factory, pad, HttpMethod.Post, approve, new { answer = "abcdefgh", number = challenge.MatchNumber }),
            HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(5, (await ReadAsync(relyingParty, challenge.ChallengeId)).AttemptsLeft);

        // A captured change of approval cannot be sent again: a change must be signed later than the last one.
        factory.Time.Stop();
        var approval = (object body, int seconds) => PadApi.SendAsync(factory, pad, HttpMethod.Put, "/api/v1/pad/approval", body, TimeSpan.FromSeconds(seconds));
        using (var off = await approval(new { enabled = false }, 2))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }
        await AssertProblemAsync(await approval(new { enabled = false }, 2), HttpStatusCode.Unauthorized, "pad-unauthorized");
        await AssertProblemAsync(await approval(new { enabled = true }, 1), HttpStatusCode.Unauthorized, "pad-unauthorized");
        // A pad that no longer approves decides nothing.
        await AssertProblemAsync(await PadApi.SendAsync(factory, pad, HttpMethod.Post, approve, body), HttpStatusCode.NotFound, "unknown-challenge");
        using (var on = await approval(new { enabled = true }, 3))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
            await db.Devices.Where(d => d.Id == pad.DeviceId).ExecuteUpdateAsync(d => d.SetProperty(x => x.RevokedAt, factory.Time.GetUtcNow()));
        }
        await AssertProblemAsync(await PadApi.SendAsync(factory, pad, HttpMethod.Post, approve, body), HttpStatusCode.Unauthorized, "pad-unauthorized");
        Assert.Equal(ChallengeStatuses.Pending, (await ReadAsync(relyingParty, challenge.ChallengeId)).Status);
    }

    /// <summary>The next push the service received; when none came, why the server's outbox says it did not go.</summary>
    private static async Task<PushDelivery> DeliveredAsync(CipherpadFactory factory, PushService pushService)
    {
        try
        {
            return await pushService.NextAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
            var errors = await db.OutboxMessages.Where(m => m.Channel == Server.Notifications.OutboxChannel.Push).Select(m => m.LastError).ToListAsync();
            throw new Xunit.Sdk.XunitException("no push arrived; the outbox says: " + string.Join(" | ", errors)
                + "; the push service refused: " + string.Join(" | ", pushService.Failures));
        }
    }

    [Fact]
    public async Task A_push_wakes_the_pad_encrypted_for_it_signed_by_the_server_and_only_while_its_question_lives()
    {
        await using var pushService = await PushService.StartAsync();
        using var factory = await CreateFactoryAsync(new() { ["Cipherpad:Push:EndpointHosts:0"] = "127.0.0.1" });
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var subscription = pushService.Subscribe();
        var put = (HttpMethod method, object body) => PadApi.SendAsync(factory, pad, method, "/api/v1/pad/approval", body);

        foreach (var elsewhere in new[] { "http://10.0.0.1/push/1", "https://push.example.net/1", $"http://user@127.0.0.1:{pushService.Address.Port}/x",
            "https://fcm.googleapis.com:25/fcm/send/x", "https://fcm.googleapis.com.evil.example/x", "https://evilfcm.googleapis.com/x" })
        {
            var refused = await put(HttpMethod.Put, new { enabled = true, subscription = new { endpoint = elsewhere, keys = new { p256dh = "x", auth = "y" } } });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using (var on = await put(HttpMethod.Put, new { enabled = true, subscription = subscription.ToJson() }))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            Assert.True((await on.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("push").GetBoolean());
        }
        using var relyingParty = await Journeys.RelyingPartyClientAsync(factory);
        await factory.SendOutboxAsync(); // the mail about approval being on

        var challenge = await CreatedAsync(await CreatePushAsync(relyingParty, "action"));
        await factory.SendOutboxAsync();
        var delivery = await DeliveredAsync(factory, pushService);

        using var notice = System.Text.Json.JsonDocument.Parse(delivery.Plaintext);
        Assert.Equal(challenge.ChallengeId, notice.RootElement.GetProperty("challengeId").GetGuid());
        Assert.Equal(challenge.QrPayload, notice.RootElement.GetProperty("payload").GetString());
        Assert.True(delivery.Ciphertext.AsSpan().IndexOf("Add%20Bob"u8) < 0, "the push service sees only ciphertext");
        Assert.InRange(delivery.TimeToLive, 1, 180);
        Assert.Equal("high", delivery.Urgency);
        using var owner = factory.Browser();
        await Journeys.SignInAsync(factory, owner, Email, pad.Secret);
        var listed = (await Testing.Pages.DevicesPage.OpenAsync(owner)).Device("phone");
        Assert.Equal(("phone web app", "yes, with push notifications"), (listed.Kind, listed.Approves));
        Assert.Equal("mailto:no-reply@cipherpad.localhost", delivery.VapidSubject);
        using var api = factory.CreateClient();
        Assert.Equal((await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/pad/push-key")).GetProperty("publicKey").GetString(), delivery.VapidKey);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
            Assert.Equal(1, await db.AuthorizationLog.CountAsync(e => e.ChallengeId == challenge.ChallengeId && e.Result == "push-sent"));
        }

        // A push whose question expired before it went is not sent at all.
        await CreatedAsync(await CreatePushAsync(relyingParty));
        factory.Time.Offset += TimeSpan.FromMinutes(4);
        await factory.SendOutboxAsync();
        Assert.False(pushService.TryTake(out _));

        // A subscription the push service forgot (410) is dropped, and the pad still finds requests by asking.
        pushService.Refuse = HttpStatusCode.Gone;
        var forgotten = await CreatedAsync(await CreatePushAsync(relyingParty));
        await factory.SendOutboxAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
            Assert.Null(await db.Devices.Where(d => d.Id == pad.DeviceId).Select(d => d.PushSubscriptionProtected).SingleAsync());
        }
        Assert.Equal(forgotten.ChallengeId, (await PadApi.PendingAsync(factory, pad))[0].GetProperty("challengeId").GetGuid());
    }

    [Fact]
    public async Task The_hourly_cap_on_approval_requests_holds_under_forty_concurrent_creates()
    {
        using var factory = await CreateFactoryAsync(new() { ["Cipherpad:Push:PerAccountPerHour"] = "5" });
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();
        using var relyingParty = await Journeys.RelyingPartyClientAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => CreatePushAsync(relyingParty)));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        await AssertProblemAsync(responses.First(r => r.StatusCode != HttpStatusCode.Created), HttpStatusCode.TooManyRequests, "push-limit-reached");
        Assert.Equal(5, (await PadApi.PendingAsync(factory, pad)).GetArrayLength());
    }
}

public sealed class SqlitePadApprovalScenarios : PadApprovalScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync(Dictionary<string, string>? settings = null) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresPadApprovalScenarios(PostgresServer postgres) : PadApprovalScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync(Dictionary<string, string>? settings = null) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: settings);
}
