using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>Answers by SMS with their hourly and daily limits and fee ledger, and the confirm-all-operations setting, on each database.</summary>
public abstract partial class SmsAndPolicyScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null);

    private static CreateChallengeRequest SmsPayment(string payee = "123456789012", string amount = "12.5", string currency = "USD") =>
        new("ann@example.com", ChallengePurposes.Payment, Payee: payee, Amount: amount, Currency: currency, Method: "sms");

    private static async Task<List<FeeLedgerEntry>> FeesAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().FeeLedger.AsNoTracking().ToListAsync();
    }

    /// <summary>Moves the clock to ten minutes into the next UTC hour, so a test of the hourly limits does not straddle two hours.</summary>
    private static void TenMinutesIntoAnHour(CipherpadFactory factory)
    {
        var now = factory.Time.GetUtcNow();
        factory.Time.Offset += Server.Storage.UtcPeriods.HourOf(now).AddHours(1).AddMinutes(10) - now;
    }

    private static async Task<(string? Code, int? RetryAfter)> RefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var header = response.Headers.RetryAfter?.Delta is { } delta ? (int?)delta.TotalSeconds : null;
        Assert.Equal(header, problem.GetProperty("retryAfterSeconds").GetInt32());
        return (problem.GetProperty("code").GetString(), header);
    }

    private static Task<HttpResponseMessage> CreateAsync(HttpClient shop, CreateChallengeRequest request) => shop.PostAsJsonAsync("/api/v1/challenges", request);

    private static string SmsAnswer(string text)
    {
        var match = SmsAnswerText().Match(text);
        Assert.True(match.Success, text);
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task A_login_answer_arrives_by_SMS_and_logs_the_user_in()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var created = await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", Method: "sms"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var text = Journeys.SmsTexts(factory).Last();
        Assert.Contains("log in at Demo Shop", text, StringComparison.Ordinal);
        var verify = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(SmsAnswer(text)));

        Assert.Equal(VerifyResults.Success, verify.Result);
        await using var scope = factory.Services.CreateAsyncScope();
        var entry = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().AuthorizationLog.SingleAsync(e => e.Purpose == "login");
        Assert.Equal(("success", "sms"), (entry.Result, entry.Method));
    }

    [Fact]
    public async Task Asking_for_a_question_never_fires_an_SMS()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var before = Journeys.SmsTexts(factory).Count;

        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(shop, new CreateChallengeRequest("ann@example.com"))).StatusCode);

        Assert.Equal(before, Journeys.SmsTexts(factory).Count);
    }

    [Fact]
    public async Task SMS_answers_need_the_user_to_have_turned_them_on()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: false);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var created = await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", Method: "sms"));

        Assert.Equal(HttpStatusCode.Conflict, created.StatusCode);
    }

    [Fact]
    public async Task At_most_five_SMS_a_day_for_logins_and_actions_even_under_concurrent_requests()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Sms:PerRelyingPartyPerHour"] = "20" });
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => CreateAsync(shop, i % 2 == 0
            ? new CreateChallengeRequest("ann@example.com", ChallengePurposes.Login, Method: "sms")
            : new CreateChallengeRequest("ann@example.com", ChallengePurposes.Action, Description: "Change settings", Method: "sms"))));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests && r.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var policy = await shop.PolicyAsync("ann@example.com");
        Assert.Equal(0, policy.SmsLeftToday);
        Assert.Equal(5, policy.SmsLeftThisHour); // the refused ones gave back what they had reserved of the hour

        factory.Time.Offset += TimeSpan.FromDays(1);
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", Method: "sms"))).StatusCode);
    }

    [Fact]
    public async Task A_payment_by_SMS_is_charged_once_when_confirmed_and_an_SMS_never_answered_costs_nothing()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var unanswered = (await (await CreateAsync(shop, SmsPayment(payee: "999"))).Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var payment = (await (await CreateAsync(shop, SmsPayment())).Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var text = Journeys.SmsTexts(factory).Last();
        Assert.Contains("confirm a payment of 12.50 USD to 123456789012 at Demo Shop", text, StringComparison.Ordinal);
        Assert.Contains("Fee 0.05 USD if you confirm", text, StringComparison.Ordinal);
        Assert.Empty(await FeesAsync(factory));

        var wrong = await shop.VerifyAsync(payment.ChallengeId, new VerifyRequest("00000000"));
        var feesAfterWrong = await FeesAsync(factory);
        var right = await shop.VerifyAsync(payment.ChallengeId, new VerifyRequest(SmsAnswer(text)));
        var again = await shop.VerifyAsync(payment.ChallengeId, new VerifyRequest(SmsAnswer(text)));

        Assert.Equal((VerifyResults.Wrong, VerifyResults.Success, VerifyResults.AlreadyUsed), (wrong.Result, right.Result, again.Result));
        Assert.Empty(feesAfterWrong);
        var fee = Assert.Single(await FeesAsync(factory));
        Assert.Equal((payment.ChallengeId, "USD", 5L), (fee.ChallengeId, fee.Currency, fee.MinorUnits));
        Assert.Equal("SMS confirmation of 12.50 USD to 123456789012 at Demo Shop", fee.Reason);
        Assert.NotEqual(unanswered.ChallengeId, fee.ChallengeId);
    }

    [Fact]
    public async Task One_relying_party_at_its_hourly_SMS_limit_leaves_the_others_theirs_up_to_the_account_limit()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Sms:PerAccountPerHour"] = "5" });
        TenMinutesIntoAnHour(factory);
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        using var bank = await Journeys.RelyingPartyClientAsync(factory, "Demo Bank");

        var fromShop = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            fromShop.Add((await CreateAsync(shop, i == 0 ? new CreateChallengeRequest("ann@example.com", Method: "sms") : SmsPayment())).StatusCode);
        }
        var shopRefused = await RefusalAsync(await CreateAsync(shop, SmsPayment()));
        var policies = (Shop: await shop.PolicyAsync("ann@example.com"), Bank: await bank.PolicyAsync("ann@example.com"));
        var fromBank = new[] { (await CreateAsync(bank, SmsPayment())).StatusCode, (await CreateAsync(bank, new CreateChallengeRequest("ann@example.com", Method: "sms"))).StatusCode };
        var bankRefused = await RefusalAsync(await CreateAsync(bank, SmsPayment()));

        Assert.All(fromShop, status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal("sms-relying-party-limit-reached", shopRefused.Code);
        Assert.InRange(shopRefused.RetryAfter!.Value, 1, 3600);
        Assert.Equal((0, 2), (policies.Shop.SmsLeftThisHour, policies.Bank.SmsLeftThisHour));
        Assert.Equal(4, policies.Bank.SmsLeftToday); // one login by SMS so far
        Assert.All(fromBank, status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal("sms-account-limit-reached", bankRefused.Code);
        Assert.Equal(5, Journeys.SmsTexts(factory).Count(t => t.Contains("Cipherpad: to ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_hourly_SMS_limits_start_again_when_the_hour_is_over()
    {
        using var factory = await CreateFactoryAsync();
        TenMinutesIntoAnHour(factory);
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await CreateAsync(shop, SmsPayment())).StatusCode);
        }
        var (code, retryAfter) = await RefusalAsync(await CreateAsync(shop, SmsPayment()));

        factory.Time.Offset += TimeSpan.FromSeconds(retryAfter!.Value - 5);
        var stillRefused = (await CreateAsync(shop, SmsPayment())).StatusCode;
        factory.Time.Offset += TimeSpan.FromSeconds(6);
        var nextHour = (await CreateAsync(shop, SmsPayment())).StatusCode;

        Assert.Equal("sms-relying-party-limit-reached", code);
        Assert.InRange(retryAfter.Value, 49 * 60, 50 * 60);
        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.Created), (stillRefused, nextHour));
        Assert.Equal(2, (await shop.PolicyAsync("ann@example.com")).SmsLeftThisHour);
    }

    [Fact]
    public async Task A_payment_SMS_answer_confirms_only_that_payment()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var first = (await (await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123", Amount: "1",
            Currency: "USD", Method: "sms"))).Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var firstAnswer = SmsAnswer(Journeys.SmsTexts(factory).Last());
        var second = (await (await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "999", Amount: "1000",
            Currency: "USD", Method: "sms"))).Content.ReadFromJsonAsync<ChallengeResponse>())!;

        var crossed = await shop.VerifyAsync(second.ChallengeId, new VerifyRequest(firstAnswer));
        var own = await shop.VerifyAsync(first.ChallengeId, new VerifyRequest(firstAnswer));

        Assert.Equal(VerifyResults.Wrong, crossed.Result);
        Assert.Equal(VerifyResults.Success, own.Result);
    }

    [Fact]
    public async Task Payments_in_a_currency_without_a_fee_cannot_go_by_SMS()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var created = await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123", Amount: "100", Currency: "JPY", Method: "sms"));

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains("JPY", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_user_turns_on_confirm_all_with_the_cipher_pad_and_relying_parties_honour_it()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var wallet = new DemoWallet(shop);
        Assert.False(await wallet.NeedsConfirmationAsync("ann@example.com", "change the display language"));

        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);

        var withLoginAnswer = await Journeys.ChangeAccountAsync(factory, browser, "/account/confirm-all", "", [], secret, Purpose.Login);
        Assert.Contains("Wrong answer", withLoginAnswer.Text, StringComparison.Ordinal);
        Assert.False(await wallet.NeedsConfirmationAsync("ann@example.com", "change the display language"));
        var withActionAnswer = await Journeys.ChangeAccountAsync(factory, browser, "/account/confirm-all", "", [], secret);
        Assert.Contains("Done: Turn on confirm-all-operations", withActionAnswer.Text, StringComparison.Ordinal);

        Assert.True(await wallet.NeedsConfirmationAsync("ann@example.com", "change the display language"));
        Assert.Equal("on", (await AccountPage.OpenAsync(browser)).ConfirmAllOperations);
    }

    [Fact]
    public async Task The_personal_account_shows_the_fee_ledger_and_SMS_left()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var payment = (await (await CreateAsync(shop, SmsPayment(payee: "R123", amount: "10", currency: "WMR"))).Content.ReadFromJsonAsync<ChallengeResponse>())!;
        Assert.Equal(VerifyResults.Success, (await shop.VerifyAsync(payment.ChallengeId, new VerifyRequest(SmsAnswer(Journeys.SmsTexts(factory).Last())))).Result);
        await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", Method: "sms"));
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);

        var account = await browser.GetStringAsync("/account");

        Assert.Contains("1.50 WMR", account, StringComparison.Ordinal);
        Assert.Contains("SMS confirmation of 10.00 WMR to R123 at Demo Shop", account, StringComparison.Ordinal);
        Assert.Contains("SMS answers left today: <strong>4</strong>", account, StringComparison.Ordinal);
    }

    /// <summary>A relying party that honours the account's policy: operations need confirmation only when the user asked for it.</summary>
    private sealed class DemoWallet(HttpClient api)
    {
        public async Task<bool> NeedsConfirmationAsync(string login, string operation)
        {
            _ = operation;
            var policy = await api.PolicyAsync(login);
            return policy.ConfirmAllOperations;
        }
    }

    [GeneratedRegex(@"type ([0-9]{4} [0-9]{4}) \(question")]
    private static partial Regex SmsAnswerText();

}

public sealed class SqliteSmsAndPolicyScenarios : SmsAndPolicyScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresSmsAndPolicyScenarios(PostgresServer postgres) : SmsAndPolicyScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: settings);
}
