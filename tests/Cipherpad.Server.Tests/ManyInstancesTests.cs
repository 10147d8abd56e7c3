using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests;

/// <summary>Two server instances on one PostgreSQL database, with one master key, behave as one service.</summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class ManyInstancesTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_question_issued_by_one_instance_is_answered_at_another_and_limits_are_shared()
    {
        var database = await postgres.CreateDatabaseAsync();
        using var first = new CipherpadFactory(DatabaseProvider.PostgreSql, database);
        using var second = new CipherpadFactory(DatabaseProvider.PostgreSql, database, settings: new Dictionary<string, string>
        {
            ["Cipherpad:MasterKey:Value"] = first.MasterKey,
        });
        var secret = await Journeys.RegisterAndActivateAsync(first, "ann@example.com");
        using var shopAtFirst = await Journeys.RelyingPartyClientAsync(first);
        using var shopAtSecond = second.CreateClient();
        shopAtSecond.DefaultRequestHeaders.Authorization = shopAtFirst.DefaultRequestHeaders.Authorization;

        var challenge = await (await shopAtFirst.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"))).Content.ReadFromJsonAsync<ChallengeResponse>();
        var id = challenge!.ChallengeId;
        for (var i = 0; i < 2; i++)
        {
            await shopAtFirst.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new VerifyRequest("0000 0000", UserIp: $"192.0.2.{i}"));
            await shopAtSecond.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new VerifyRequest("0000 0000", UserIp: $"198.51.100.{i}"));
        }
        var afterWrongAnswers = await shopAtSecond.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{id}");
        using var keys = new DeviceKeys(secret);
        var answer = Answer.Compute(keys, Purpose.Login, challenge.Question, first.Time.GetUtcNow());
        var verified = await shopAtSecond.VerifyAsync(id, new VerifyRequest(answer));
        var replayed = await shopAtFirst.VerifyAsync(id, new VerifyRequest(answer));

        Assert.Equal(1, afterWrongAnswers!.AttemptsLeft); // four wrong answers, counted across both instances
        Assert.Equal(VerifyResults.Success, verified.Result);
        Assert.Equal(VerifyResults.AlreadyUsed, replayed.Result);
    }

    [Fact]
    public async Task A_sign_in_at_one_instance_is_honoured_by_another()
    {
        var database = await postgres.CreateDatabaseAsync();
        using var first = new CipherpadFactory(DatabaseProvider.PostgreSql, database);
        using var second = new CipherpadFactory(DatabaseProvider.PostgreSql, database, settings: new Dictionary<string, string>
        {
            ["Cipherpad:MasterKey:Value"] = first.MasterKey,
        });
        var secret = await Journeys.RegisterAndActivateAsync(first, "ann@example.com");
        var cookies = string.Join("; ", (await SignInCookiesAsync(first, secret)).Select(c => c.Split(';')[0]));

        // The browser's sign-in cookie, issued by the first instance, presented to the second.
        using var atSecond = second.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.Add("Cookie", cookies);
        var fromSecond = await atSecond.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, fromSecond.StatusCode);
        Assert.Contains("Hello, Ann", await fromSecond.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<IEnumerable<string>> SignInCookiesAsync(CipherpadFactory factory, byte[] secret)
    {
        using var browser = factory.Browser();
        var questionPage = await Journeys.StartSignInAsync(browser, "ann@example.com");
        var signedIn = await questionPage.AnswerAsync(Journeys.AnswerWith(factory, secret, Purpose.Login, questionPage.Question));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.GetValues("Set-Cookie");
    }
}
