using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cipherpad.Server.Tests;

/// <summary>
/// Limits attacked the way an adversary would: bursts of parallel requests against the real server, on both databases.
/// Each limit must be reserved before the guess it limits is evaluated, so a burst gets no more evaluations than the limit.
/// </summary>
public abstract class LimitsUnderAttackScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync(Action<IServiceCollection>? services = null);

    [Fact]
    public async Task A_burst_of_1000_wrong_answers_to_one_question_gets_at_most_5_evaluated_and_then_the_right_answer_is_locked_out()
    {
        var evaluated = new EvaluationCount();
        using var factory = await CountingEvaluationsAsync(evaluated);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = challenge.GetProperty("challengeId").GetString()!;

        var burst = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            (await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer = $"{i:D8}", userIp = "203.0.113.7" })).StatusCode));
        using var keys = new Core.Answers.DeviceKeys(pad);
        var right = Core.Answers.Answer.Compute(keys, Core.Answers.Purpose.Login, challenge.GetProperty("question").GetString()!, factory.Time.GetUtcNow());
        var afterwards = await (await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer = right })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.All(burst, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.InRange(evaluated.Value, 1, 5);
        Assert.Equal("locked", afterwards.GetProperty("result").GetString());
        await using var scope = factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(id));
        Assert.Equal((ChallengeStatus.Locked, 5), (stored.Status, stored.WrongAnswers));
    }

    [Fact]
    public async Task A_burst_of_wrong_answers_from_40_addresses_gets_no_more_evaluated_than_the_days_guess_budget_and_the_owner_still_logs_in()
    {
        var evaluated = new EvaluationCount();
        using var factory = await CountingEvaluationsAsync(evaluated);
        factory.Time.MoveToEarlyInADay(); // the day's guess budget is the one the burst spends
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        factory.Time.Stop(); // no back-off window runs out during the burst
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var questions = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            questions.Add((await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com" })).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("challengeId").GetString()!);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
            (await (await shop.PostAsJsonAsync($"/api/v1/challenges/{questions[i % 60]}/verify", new { answer = $"{i:D8}", userIp = $"198.18.0.{i % 40}" }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()));
        evaluated.Reset();
        var owner = await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad, userIp: "192.0.2.99");

        // One pad, a 7-minute window: each evaluated one-part guess has 7 in 10⁸ of being right, and the day's 10⁻⁶ pays for 14.
        Assert.InRange(results.Count(r => r == "wrong"), 1, 14);
        Assert.Equal(300, results.Count(r => r is "wrong" or "locked" or "throttled"));
        Assert.Equal("success", owner);
        Assert.Equal(1, evaluated.Value);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.InRange(await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.SumAsync(r => r.Spent), 7e-8, 1e-6);
    }

    [Fact]
    public async Task A_burst_from_a_source_that_must_wait_uses_none_of_the_questions_attempts_and_the_owner_still_answers_it()
    {
        var evaluated = new EvaluationCount();
        using var factory = await CountingEvaluationsAsync(evaluated);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        factory.Time.Stop(); // the attacker's back-off does not run out during the burst
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        const string attacker = "203.0.113.8";
        for (var i = 0; i < 5; i++) // five wrong answers to other questions earn the attacker's back-off
        {
            var other = await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
            await shop.PostAsJsonAsync($"/api/v1/challenges/{other.GetProperty("challengeId").GetString()}/verify", new { answer = "00000000", userIp = attacker });
        }
        var challenge = await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = challenge.GetProperty("challengeId").GetString()!;
        evaluated.Reset();

        var burst = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            (await (await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer = $"{i:D8}", userIp = attacker }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()));
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(id));
            Assert.Equal((ChallengeStatus.Pending, 0), (stored.Status, stored.WrongAnswers));
        }
        using var keys = new Core.Answers.DeviceKeys(pad);
        var right = Core.Answers.Answer.Compute(keys, Core.Answers.Purpose.Login, challenge.GetProperty("question").GetString()!, factory.Time.GetUtcNow());
        var owner = await (await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer = right, userIp = "192.0.2.50" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.All(burst, result => Assert.Equal("throttled", result));
        Assert.Equal(1, evaluated.Value); // the owner's answer alone
        Assert.Equal("success", owner.GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_right_answer_in_a_burst_of_wrong_ones_succeeds_only_among_the_first_five_evaluated()
    {
        var evaluated = new EvaluationCount();
        using var factory = await CountingEvaluationsAsync(evaluated);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        using var keys = new Core.Answers.DeviceKeys(pad);

        for (var round = 0; round < 5; round++)
        {
            factory.Time.Offset += TimeSpan.FromHours(1); // past the back-off the previous round earned
            evaluated.Reset();
            var challenge = await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
            var id = challenge.GetProperty("challengeId").GetString()!;
            var right = Core.Answers.Answer.Compute(keys, Core.Answers.Purpose.Login, challenge.GetProperty("question").GetString()!, factory.Time.GetUtcNow());
            var digits = Core.Answers.Answer.DigitsFor(challenge.GetProperty("question").GetString()!); // questions grow as the guesses add up
            var answers = Enumerable.Range(0, 100).Select(i => i == 50 + round ? right : $"{i:D8}".PadLeft(digits, '0')).ToArray();

            var results = await Task.WhenAll(answers.Select(async answer =>
                (await (await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer })).Content.ReadFromJsonAsync<JsonElement>())
                    .GetProperty("result").GetString()));

            Assert.InRange(evaluated.Value, 1, 5);
            Assert.InRange(results.Count(r => r == "success"), 0, 1);
            Assert.InRange(results.Count(r => r == "wrong"), 0, 4);
        }
    }

    [Fact]
    public async Task Replaying_the_choose_methods_form_sends_one_activation_SMS_and_changes_nothing()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        var confirmPage = await Journeys.ConfirmEmailAsync(factory, browser, "ann@example.com");
        async Task<HtmlPage> ChooseAsync(params string[] methods) =>
            await HtmlPage.FromAsync(browser, await confirmPage.SubmitAsync("", methods.ToDictionary(m => m, _ => "true")));

        var first = (await ChooseAsync("app")).Text;
        var replays = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ => (await ChooseAsync("app", "sms")).Text));

        Assert.Contains("Activation code sent", first, StringComparison.Ordinal);
        Assert.All(replays, page => Assert.Contains("were already chosen", page, StringComparison.Ordinal));
        Assert.Single(Journeys.SmsTexts(factory));
        await using var scope = factory.Services.CreateAsyncScope();
        var accountId = (await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.SingleAsync()).Id;
        Assert.False(await scope.ServiceProvider.GetRequiredService<AccountMethods>().IsOnAsync(accountId, "sms", default));
    }

    [Fact]
    public async Task A_burst_of_300_payment_SMS_from_one_relying_party_queues_its_hourly_three_and_charges_nothing()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        var now = factory.Time.GetUtcNow();
        factory.Time.Offset += Server.Storage.UtcPeriods.HourOf(now).AddHours(1).AddMinutes(10) - now; // the burst stays in one hour
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        using var bank = await Journeys.RelyingPartyClientAsync(factory, "Demo Bank");

        var burst = await Task.WhenAll(Enumerable.Range(0, 300).Select(async _ =>
        {
            using var response = await shop.PostAsJsonAsync("/api/v1/challenges",
                new { login = "ann@example.com", purpose = "payment", payee = "R123", amount = "100", currency = "WMR", method = "sms" });
            return (response.StatusCode, Code: response.StatusCode == HttpStatusCode.Created ? null
                : (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }));
        using var shopLogin = await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com", method = "sms" });
        using var bankLogin = await bank.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com", method = "sms" });

        Assert.Equal(3, burst.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(burst.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Equal((HttpStatusCode.TooManyRequests, "sms-relying-party-limit-reached"), (r.StatusCode, r.Code)));
        Assert.Equal(HttpStatusCode.TooManyRequests, shopLogin.StatusCode); // the shop's share is spent whatever it asks for
        Assert.Equal(HttpStatusCode.Created, bankLogin.StatusCode); // another relying party still reaches the account
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        Assert.Equal(4, await db.Challenges.CountAsync(c => c.Method == "sms"));
        Assert.Empty(await db.FeeLedger.ToListAsync());
        Assert.Equal(3, Journeys.SmsTexts(factory).Count(t => t.Contains("confirm a payment of 100.00 WMR", StringComparison.Ordinal)));
    }

    private static async Task<string> AskForNewActivationCodeAsync(HttpClient browser)
    {
        var form = await HtmlPage.OpenAsync(browser, "/activation/new-code");
        return (await HtmlPage.FromAsync(browser, await form.SubmitAsync("", new Dictionary<string, string> { ["Email"] = "ann@example.com" }))).Text;
    }

    [Fact]
    public async Task A_lost_code_link_cannot_add_a_pad_to_an_account_that_has_an_active_one()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var firstCode = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        await AskForNewActivationCodeAsync(browser);
        var linkIssuedBeforeThePad = System.Text.RegularExpressions.Regex.Match(Journeys.LatestEmailTo(factory, "ann@example.com").TextBody!,
            @"/activation/new-code\?token=[\w-]+").Value;
        using var api = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Journeys.ActivateAsync(api, "ann@example.com", firstCode)).Response.StatusCode);
        var smsBefore = Journeys.SmsTexts(factory).Count;

        var button = await HtmlPage.OpenAsync(browser, linkIssuedBeforeThePad);
        var used = (await HtmlPage.FromAsync(browser, await button.SubmitAsync("Send"))).Text;
        var page = await AskForNewActivationCodeAsync(browser);
        var mail = Journeys.LatestEmailTo(factory, "ann@example.com").TextBody!;

        Assert.Contains("has an active cipher pad", used, StringComparison.Ordinal);
        Assert.Contains("we sent it a link", page, StringComparison.Ordinal); // the page says the same whatever the account
        Assert.Contains("Your account has an active cipher pad, so no code is sent this way.", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", mail, StringComparison.Ordinal);
        Assert.Equal(smsBefore, Journeys.SmsTexts(factory).Count);
    }

    [Fact]
    public async Task A_burst_of_300_security_answers_from_one_address_gets_no_more_hashed_than_its_free_attempts()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Recovery.RequestLinkAsync(browser, "ann@example.com");
        var question = await Recovery.OpenLatestLinkAsync(factory, browser, "ann@example.com");
        factory.Time.Stop(); // no back-off window runs out during the burst

        var pages = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
            (await HtmlPage.FromAsync(browser, await question.SubmitAsShownAsync("", new Dictionary<string, string> { ["Answer"] = $"guess {i}" }))).Text));

        await using var scope = factory.Services.CreateAsyncScope();
        var hashedAndWrong = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().AuthorizationLog
            .CountAsync(e => e.Method == "security-question" && e.Result == "wrong");
        Assert.InRange(hashedAndWrong, 1, 5);
        // The rest waited for the back-off, or met the per-address request limit first.
        Assert.Equal(300 - hashedAndWrong, pages.Count(p => p.Contains("Too many wrong answers", StringComparison.Ordinal)
            || p.Contains("\"status\":429", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Strangers_who_use_up_the_hours_recovery_links_only_fill_the_owners_mailbox_with_links_that_work()
    {
        using var factory = await CreateFactoryAsync();
        factory.Time.MoveToEarlyInADay(); // one hour of mail quota
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        for (var i = 0; i < 20; i++) // a distributed guess at her logins as well
        {
            var id = (await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = "ann@example.com" })).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("challengeId").GetString()!;
            await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer = "00000000", userIp = $"198.18.0.{i}" });
        }
        using (var stranger = factory.Browser())
        {
            for (var i = 0; i < 10; i++)
            {
                await Recovery.RequestLinkAsync(stranger, "ann@example.com");
            }
        }
        var linksMailed = Journeys.EmailsTo(factory, "ann@example.com").Count(m => m.Subject == "Recover your Cipherpad account");

        using var owner = factory.Browser();
        await Recovery.RequestLinkAsync(owner, "ann@example.com"); // no more links this hour, and the page does not say so
        var recovered = await Recovery.AnswerAsync(owner, await Recovery.OpenLatestLinkAsync(factory, owner, "ann@example.com"), "Grandma's blue teapot");

        Assert.Equal(5, linksMailed);
        Assert.Equal(5, Journeys.EmailsTo(factory, "ann@example.com").Count(m => m.Subject == "Recover your Cipherpad account"));
        Assert.Contains("Your old cipher pads no longer work", recovered, StringComparison.Ordinal);
    }

    /// <summary>The server with its real answer methods, the cipher pad's counting each answer it checks.</summary>
    private Task<CipherpadFactory> CountingEvaluationsAsync(EvaluationCount evaluated) => CreateFactoryAsync(services =>
    {
        services.AddSingleton(evaluated);
        services.RemoveAll<IAnswerMethod>();
        services.AddScoped<IAnswerMethod>(provider => new CountingMethod(ActivatorUtilities.CreateInstance<CipherPadMethod>(provider), evaluated));
        services.AddAnswerMethod<SmsMethod>();
    });

    /// <summary>How many answers reached the answer method's check.</summary>
    public sealed class EvaluationCount
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);

        public void Reset() => Interlocked.Exchange(ref _value, 0);
    }

    /// <summary>The real cipher-pad method, counting the answers it is asked to check.</summary>
    private sealed class CountingMethod(CipherPadMethod inner, EvaluationCount evaluated) : IAnswerMethod
    {
        public string Name => inner.Name;

        public string DisplayName => inner.DisplayName;

        public string Description => inner.Description;

        public Task<Problems.CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken) =>
            inner.CanIssueAsync(request, cancellationToken);

        public Task<Problems.CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken) =>
            inner.IssueAsync(request, challenge, cancellationToken);

        public Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken) =>
            inner.GuessChanceAsync(accountId, parts, cancellationToken);

        public Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken)
        {
            evaluated.Add();
            return inner.CheckAsync(challenge, typedAnswer, now, cancellationToken);
        }
    }
}

public sealed class SqliteLimitsUnderAttackScenarios : LimitsUnderAttackScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync(Action<IServiceCollection>? services = null) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, services: services));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresLimitsUnderAttackScenarios(PostgresServer postgres) : LimitsUnderAttackScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync(Action<IServiceCollection>? services = null) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), services: services);
}
