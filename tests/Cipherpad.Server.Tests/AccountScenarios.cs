using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>The personal account's devices, methods and security question, and recovery, on each database.</summary>
public abstract class AccountScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private static async Task<Guid> DeviceIdAsync(CipherpadFactory factory, string name)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Devices.Where(d => d.Name == name).Select(d => d.Id).SingleAsync();
    }

    private static async Task<HttpStatusCode> CreateLoginStatusAsync(HttpClient shop, string login) =>
        (await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest(login))).StatusCode;

    [Fact]
    public async Task A_change_confirmed_by_a_burst_of_right_answers_is_applied_once()
    {
        using var factory = await CreateFactoryAsync();
        var phone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        Guid accountId, changeId;
        string question;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            accountId = await db.Accounts.Select(a => a.Id).SingleAsync();
            var change = await scope.ServiceProvider.GetRequiredService<AccountChanges>()
                .RequestAsync(accountId, new AddDeviceChange(), "Send an activation code for a new cipher pad", default);
            changeId = change!.Id;
            question = await db.Challenges.Where(c => c.Id == change.ChallengeId).Select(c => c.Question).SingleAsync();
        }
        using var keys = new DeviceKeys(phone);
        var answer = Answer.Compute(keys, Purpose.Action, question, factory.Time.GetUtcNow());
        var codesBefore = Journeys.SmsTexts(factory).Count(t => t.Contains("activation code", StringComparison.Ordinal));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<AccountChanges>()
                .ConfirmAsync(accountId, changeId, answer, "192.0.2.7", null, default)).Result;
        }));

        Assert.Single(results, r => r == VerifyResult.Success);
        Assert.Equal(codesBefore + 1, Journeys.SmsTexts(factory).Count(t => t.Contains("activation code", StringComparison.Ordinal)));
        await using var check = factory.Services.CreateAsyncScope();
        Assert.NotNull((await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().PendingAccountChanges.SingleAsync()).AppliedAt);
    }

    [Fact]
    public async Task A_second_device_is_added_renamed_and_a_revoked_device_fails_at_once()
    {
        using var factory = await CreateFactoryAsync();
        var phone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", phone);

        var added = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Add", [], phone);
        Assert.Contains("Done: Send an activation code for a new cipher pad", added.Text, StringComparison.Ordinal);
        using var api = factory.CreateClient();
        var (_, laptop) = await Journeys.ActivateAsync(api, "ann@example.com", Journeys.LatestActivationCode(factory), "laptop");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", laptop!));
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", phone));

        var renamed = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Rename",
            new() { ["DeviceId"] = (await DeviceIdAsync(factory, "laptop")).ToString(), ["Name"] = "work laptop" }, phone);
        Assert.Contains("Done: Rename cipher pad \"laptop\" to \"work laptop\"", renamed.Text, StringComparison.Ordinal);

        var revoked = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Revoke",
            new() { ["DeviceId"] = (await DeviceIdAsync(factory, "work laptop")).ToString() }, phone);
        Assert.Contains("Done: Revoke cipher pad \"work laptop\"", revoked.Text, StringComparison.Ordinal);
        Assert.Equal("wrong", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", laptop!));
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", phone));
        Assert.StartsWith("revoked", (await DevicesPage.OpenAsync(browser)).Device("work laptop").State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_change_is_not_made_without_the_cipher_pads_action_answer()
    {
        using var factory = await CreateFactoryAsync();
        var phone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", phone);
        var deviceId = (await DeviceIdAsync(factory, "test pad")).ToString();

        var unanswered = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Revoke", new() { ["DeviceId"] = deviceId }, null);
        var loginAnswer = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Revoke", new() { ["DeviceId"] = deviceId }, phone, Purpose.Login);

        Assert.Contains("cipherpad confirm", unanswered.Text, StringComparison.Ordinal);
        Assert.Contains("Wrong answer", loginAnswer.Text, StringComparison.Ordinal);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", phone));
    }

    [Fact]
    public async Task Methods_change_after_confirmation_and_one_always_stays_on()
    {
        using var factory = await CreateFactoryAsync();
        var phone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", phone);

        var none = await Journeys.ChangeAccountAsync(factory, browser, "/account/methods", "", [], phone);
        var both = await Journeys.ChangeAccountAsync(factory, browser, "/account/methods", "", new() { ["App"] = "true", ["Sms"] = "true" }, phone);

        Assert.Contains("At least one method must stay on", none.Text, StringComparison.Ordinal);
        Assert.Contains("Done: Confirm with: the cipher pad and answers by SMS", both.Text, StringComparison.Ordinal);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.True((await shop.PolicyAsync("ann@example.com")).SmsMethod);
    }

    [Fact]
    public async Task The_security_question_changes_after_confirmation_and_recovery_then_wants_the_new_answer()
    {
        using var factory = await CreateFactoryAsync();
        var phone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", phone);

        var weak = await Journeys.ChangeAccountAsync(factory, browser, "/account/security-question", "",
            new() { ["Question"] = "Favourite number?", ["Answer"] = "1234" }, phone);
        var changed = await Journeys.ChangeAccountAsync(factory, browser, "/account/security-question", "",
            new() { ["Question"] = "First concert?", ["Answer"] = "Dire Straits in Leipzig" }, phone);

        Assert.Contains("too easy to guess", weak.Text, StringComparison.Ordinal);
        Assert.Contains("Done: Change the security question and answer", changed.Text, StringComparison.Ordinal);
        using var stranger = factory.Browser();
        await Recovery.RequestLinkAsync(stranger, "ann@example.com");
        var linked = await Recovery.OpenLatestLinkAsync(factory, stranger, "ann@example.com");
        Assert.Equal("First concert?", linked.TextOf("#security-question"));
        Assert.Contains("That is not the answer", await Recovery.AnswerAsync(stranger, linked, "Grandma's blue teapot"), StringComparison.Ordinal);
        Assert.Contains("Your old cipher pads no longer work", await Recovery.AnswerAsync(stranger, linked, "dire straits  in leipzig"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_who_lost_the_phone_recovers_and_the_old_phone_is_useless()
    {
        using var factory = await CreateFactoryAsync();
        var oldPhone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        using var browser = factory.Browser();

        await Recovery.RequestLinkAsync(browser, "ann@example.com");
        var mail = Journeys.LatestEmailTo(factory, "ann@example.com");
        Assert.Equal("Recover your Cipherpad account", mail.Subject);
        var linked = await Recovery.OpenLatestLinkAsync(factory, browser, "ann@example.com");
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", oldPhone)); // nothing changes before the answer
        var done = await Recovery.AnswerAsync(browser, linked, "Grandma's blue teapot");
        Assert.Contains("Your old cipher pads no longer work", done, StringComparison.Ordinal);

        Assert.Equal("no active cipher pad", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", oldPhone));
        using var api = factory.CreateClient();
        var (_, newPhone) = await Journeys.ActivateAsync(api, "ann@example.com", Journeys.LatestActivationCode(factory), "new phone");
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", newPhone!));
        Assert.Equal("wrong", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", oldPhone));
        Assert.Contains("was already used", (await HtmlPage.OpenAsync(browser, Recovery.LinkIn(mail.TextBody!))).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_keeps_the_methods_the_person_had_unless_they_change_them()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms: true);
        using var browser = factory.Browser();
        await Recovery.RequestLinkAsync(browser, "ann@example.com");
        var choice = await Recovery.OpenLatestLinkAsync(factory, browser, "ann@example.com");

        var recovered = await HtmlPage.FromAsync(browser, await choice.SubmitAsShownAsync("", new Dictionary<string, string> { ["Answer"] = "Grandma's blue teapot" }));

        Assert.Contains("Your old cipher pads no longer work", recovered.Text, StringComparison.Ordinal);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var policy = await shop.PolicyAsync("ann@example.com");
        Assert.True(policy.SmsMethod, "answers by SMS stay on");
    }

    [Fact]
    public async Task At_most_three_recoveries_in_thirty_days()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains("Your old cipher pads no longer work", await Recovery.RecoverAsync(factory, browser, "ann@example.com", "Grandma's blue teapot"),
                StringComparison.Ordinal);
        }

        Assert.Contains("was recovered 3 times in the last 30 days", await Recovery.RecoverAsync(factory, browser, "ann@example.com", "Grandma's blue teapot"), StringComparison.Ordinal);
        factory.Time.Offset += TimeSpan.FromDays(31);
        var afterAMonth = await Recovery.RecoverAsync(factory, browser, "ann@example.com", "Grandma's blue teapot");
        Assert.True(afterAMonth.Contains("Your old cipher pads no longer work", StringComparison.Ordinal), afterAMonth);
    }

    [Fact]
    public async Task Wrong_security_answers_back_off_for_that_source()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Recovery.RequestLinkAsync(browser, "ann@example.com");
        var linked = await Recovery.OpenLatestLinkAsync(factory, browser, "ann@example.com");
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains("That is not the answer", await Recovery.AnswerAsync(browser, linked, $"guess {i}"), StringComparison.Ordinal);
        }

        var blocked = await Recovery.AnswerAsync(browser, linked, "Grandma's blue teapot");

        Assert.Contains("Too many wrong answers", blocked, StringComparison.Ordinal);
        factory.Time.Offset += TimeSpan.FromMinutes(1);
        Assert.Contains("Your old cipher pads no longer work", await Recovery.AnswerAsync(browser, linked, "Grandma's blue teapot"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forgotten_activation_code_is_replaced_through_an_email_link()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var firstCode = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");

        var form = await HtmlPage.OpenAsync(browser, "/activation/new-code");
        var mailed = await HtmlPage.FromAsync(browser, await form.SubmitAsync("", new Dictionary<string, string> { ["Email"] = "ann@example.com" }));
        Assert.Contains("we sent it a link", mailed.Text, StringComparison.Ordinal);
        var link = System.Text.RegularExpressions.Regex.Match(Journeys.LatestEmailTo(factory, "ann@example.com").TextBody!, @"/activation/new-code\?token=[\w-]+").Value;
        var button = await HtmlPage.OpenAsync(browser, link);
        Assert.Equal(firstCode, Journeys.LatestActivationCode(factory)); // opening the link alone sends nothing
        var sent = await HtmlPage.FromAsync(browser, await button.SubmitAsync("Send"));
        Assert.Contains("A new activation code was sent", sent.Text, StringComparison.Ordinal);
        var secondCode = Journeys.LatestActivationCode(factory);

        using var api = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await Journeys.ActivateAsync(api, "ann@example.com", firstCode)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Journeys.ActivateAsync(api, "ann@example.com", secondCode)).Response.StatusCode);
    }

    [Fact]
    public async Task One_account_can_never_change_another_ones_devices()
    {
        using var factory = await CreateFactoryAsync();
        var annPhone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var bobPhone = await Journeys.RegisterAndActivateAsync(factory, "bob@example.com");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            var annAccount = await db.Accounts.SingleAsync(a => a.Email == "ann@example.com");
            await db.Devices.Where(d => d.AccountId == annAccount.Id).ExecuteUpdateAsync(d => d.SetProperty(x => x.Name, "ann's pad"));
        }
        using var bob = factory.Browser();
        await Journeys.SignInAsync(factory, bob, "bob@example.com", bobPhone);
        var annDevice = (await DeviceIdAsync(factory, "ann's pad")).ToString();

        var page = await DevicesPage.OpenAsync(bob);
        var revoke = await Journeys.ChangeAccountAsync(factory, bob, "/account/devices", "Revoke", new() { ["DeviceId"] = annDevice }, bobPhone);
        var account = await AccountPage.OpenAsync(bob);

        Assert.DoesNotContain("ann's pad", page.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("Done", revoke.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("ann@example.com", account.Source, StringComparison.Ordinal);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", annPhone));
    }

    [Fact]
    public async Task A_change_awaiting_confirmation_cannot_be_confirmed_by_another_account()
    {
        using var factory = await CreateFactoryAsync();
        var annPhone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var bobPhone = await Journeys.RegisterAndActivateAsync(factory, "bob@example.com");
        using var ann = factory.Browser();
        await Journeys.SignInAsync(factory, ann, "ann@example.com", annPhone);
        var form = await HtmlPage.OpenAsync(ann, "/account/confirm-all");
        var requested = await form.SubmitAsync("");
        var confirmUrl = requested.Headers.Location!.OriginalString;
        using var bob = factory.Browser();
        await Journeys.SignInAsync(factory, bob, "bob@example.com", bobPhone);

        var bobsView = await ConfirmChangePage.OpenAsync(bob, confirmUrl);

        Assert.Contains("This change is unknown.", bobsView.Problems);
        Assert.Null(bobsView.Question);
    }
}

/// <summary>The recovery pages, step by step.</summary>
internal static class Recovery
{
    /// <summary>Asks for a recovery link for <paramref name="email"/>; returns what the page says.</summary>
    public static async Task<string> RequestLinkAsync(HttpClient browser, string email)
    {
        var start = await HtmlPage.OpenAsync(browser, "/recover");
        return (await HtmlPage.FromAsync(browser, await start.SubmitAsync("Email", new Dictionary<string, string> { ["Email"] = email }))).Text;
    }

    /// <summary>The recovery link in <paramref name="mailBody"/>.</summary>
    public static string LinkIn(string mailBody) => System.Text.RegularExpressions.Regex.Match(mailBody, @"/recover/confirm\?token=[\w-]+").Value;

    /// <summary>Opens the link of the latest recovery mail to <paramref name="email"/>, as its reader does.</summary>
    public static Task<HtmlPage> OpenLatestLinkAsync(CipherpadFactory factory, HttpClient browser, string email) =>
        HtmlPage.OpenAsync(browser, Journeys.EmailsTo(factory, email).Select(m => LinkIn(m.TextBody ?? "")).First(link => link.Length > 0));

    /// <summary>Answers the security question on a linked page, keeping the methods it shows; returns what the next page says.</summary>
    public static async Task<string> AnswerAsync(HttpClient browser, HtmlPage linked, string answer) =>
        (await HtmlPage.FromAsync(browser, await linked.SubmitAsShownAsync("", new Dictionary<string, string> { ["Answer"] = answer }))).Text;

    /// <summary>The whole recovery as the owner does it: a link, the mail, the answer.</summary>
    public static async Task<string> RecoverAsync(CipherpadFactory factory, HttpClient browser, string email, string answer)
    {
        Assert.Contains("If an account has this e-mail, we sent it a recovery link", await RequestLinkAsync(browser, email), StringComparison.Ordinal);
        return await AnswerAsync(browser, await OpenLatestLinkAsync(factory, browser, email), answer);
    }
}

public sealed class SqliteAccountScenarios : AccountScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresAccountScenarios(PostgresServer postgres) : AccountScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
