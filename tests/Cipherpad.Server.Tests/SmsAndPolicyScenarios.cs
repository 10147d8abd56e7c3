using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>Answers by SMS with their daily limit and fee ledger, and the confirm-all-operations setting, on each database.</summary>
public abstract partial class SmsAndPolicyScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

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
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => CreateAsync(shop, i % 2 == 0
            ? new CreateChallengeRequest("ann@example.com", ChallengePurposes.Login, Method: "sms")
            : new CreateChallengeRequest("ann@example.com", ChallengePurposes.Action, Description: "Change settings", Method: "sms"))));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        var policy = await shop.PolicyAsync("ann@example.com");
        Assert.Equal(0, policy.SmsLeftToday);

        factory.Time.Offset += TimeSpan.FromDays(1);
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", Method: "sms"))).StatusCode);
    }

    [Fact]
    public async Task Payment_SMS_are_not_limited_but_each_is_charged_exactly_once_in_the_fee_ledger()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 7).Select(_ =>
            CreateAsync(shop, new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.5", Currency: "USD", Method: "sms"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await using var scope = factory.Services.CreateAsyncScope();
        var fees = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().FeeLedger.ToListAsync();
        Assert.Equal(7, fees.Count);
        Assert.All(fees, fee => Assert.Equal(("USD", 5L), (fee.Currency, fee.MinorUnits)));
        Assert.Equal(35, fees.Sum(f => f.MinorUnits));
        Assert.Equal(7, fees.Select(f => f.ChallengeId).Distinct().Count());
        var text = Journeys.SmsTexts(factory).Last();
        Assert.Contains("confirm a payment of 12.50 USD to 123456789012 at Demo Shop", text, StringComparison.Ordinal);
        Assert.Contains("Fee 0.05 USD", text, StringComparison.Ordinal);
        var policy = await shop.PolicyAsync("ann@example.com");
        Assert.Equal(5, policy.SmsLeftToday);
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
        await CreateAsync(shop, new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "R123", Amount: "10", Currency: "WMR", Method: "sms"));
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
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresSmsAndPolicyScenarios(PostgresServer postgres) : SmsAndPolicyScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
