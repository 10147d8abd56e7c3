using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Cipherpad.Server.Tests;

/// <summary>
/// Mail bombing: whatever a stranger does, an account or an address gets a bounded number of mails, and a notice
/// repeated by an attack is mailed once per hour with a count, on both databases.
/// </summary>
public abstract class MailLimitScenarios
{
    private const string Ann = "ann@example.com";
    private static readonly int Limit = new Notifications.EmailOptions().PerRecipientPerHour;

    // Lifts the per-source limits out of the way, so that only the per-recipient counts in the database decide.
    private static readonly Dictionary<string, string> NoSourceLimits = new()
    {
        ["Cipherpad:RateLimits:AddressPerMinute"] = "1000000",
        ["Cipherpad:RateLimits:MailFormsPerAddressPerHour"] = "1000000",
    };

    protected abstract Task<CipherpadFactory> NewFactoryAsync(IReadOnlyDictionary<string, string>? settings);

    /// <summary>A server whose clock stands ten minutes into a day, so that no test of an hourly limit runs across two hours.</summary>
    private async Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var factory = await NewFactoryAsync(settings);
        factory.Time.MoveToEarlyInADay();
        return factory;
    }

    private static async Task<List<MimeMessage>> MailsToAsync(CipherpadFactory factory, string email)
    {
        await factory.SendOutboxAsync();
        return [.. Directory.GetFiles(Path.Combine(factory.DataDirectory, "outbox", "email"), "*.eml").Order(StringComparer.Ordinal)
            .Select(file => MimeMessage.Load(file))
            .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase)))];
    }

    private static async Task<int> QueuedToAsync(CipherpadFactory factory, string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().OutboxMessages.CountAsync(m => m.Recipient == email);
    }

    [Fact]
    public async Task A_burst_of_1000_requests_for_a_new_activation_code_queues_no_more_mails_than_the_hourly_limit_and_every_answer_is_the_same()
    {
        using var factory = await CreateFactoryAsync(NoSourceLimits);
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        var before = await QueuedToAsync(factory, Ann);
        using var browser = factory.Browser();
        var form = await NewActivationCodePage.OpenAsync(browser);

        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ => (await form.RequestLinkAsync(Ann)).Text));

        Assert.Equal(Limit, await QueuedToAsync(factory, Ann) - before);
        Assert.Single(answers.Distinct(StringComparer.Ordinal));
        Assert.Contains("If an account has this e-mail, we sent it a link.", answers[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_new_activation_code_page_answers_an_unknown_address_as_it_answers_an_account_at_its_limit_and_one_below_it()
    {
        using var factory = await CreateFactoryAsync(NoSourceLimits);
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        using var browser = factory.Browser();
        var form = await NewActivationCodePage.OpenAsync(browser);
        var first = await form.RequestLinkAsync(Ann);
        for (var i = 1; i < Limit; i++)
        {
            await form.RequestLinkAsync(Ann);
        }
        var queued = await QueuedToAsync(factory, Ann);

        var limited = await form.RequestLinkAsync(Ann);
        var unknown = await form.RequestLinkAsync("nobody@example.com");

        Assert.Equal(queued, await QueuedToAsync(factory, Ann));
        Assert.NotNull(first.LinkMailed);
        Assert.Equal(first.Text, limited.Text);
        Assert.Equal(first.Text, unknown.Text);
        Assert.Equal(0, await QueuedToAsync(factory, "nobody@example.com"));
    }

    [Fact]
    public async Task The_hourly_limit_of_new_activation_code_mails_starts_again_in_the_next_hour()
    {
        using var factory = await CreateFactoryAsync(NoSourceLimits);
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        using var browser = factory.Browser();
        var form = await NewActivationCodePage.OpenAsync(browser);
        for (var i = 0; i <= Limit; i++)
        {
            await form.RequestLinkAsync(Ann);
        }
        var queued = await QueuedToAsync(factory, Ann);

        factory.Time.Offset += TimeSpan.FromHours(1);
        await form.RequestLinkAsync(Ann);

        Assert.Equal(queued + 1, await QueuedToAsync(factory, Ann));
    }

    [Fact]
    public async Task Recovery_links_asked_for_in_a_burst_are_no_more_than_the_hourly_limit_and_the_page_says_the_same_for_any_address()
    {
        using var factory = await CreateFactoryAsync(NoSourceLimits);
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        using var browser = factory.Browser();
        var start = await HtmlPage.OpenAsync(browser, "/recover");
        async Task<string> AskAsync(string email) =>
            (await HtmlPage.FromAsync(browser, await start.SubmitAsync("Email", new Dictionary<string, string> { ["Email"] = email }))).Text;

        var forAnn = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => AskAsync(Ann)));
        var forNobody = await AskAsync("nobody@example.com");

        Assert.Equal(Limit, (await MailsToAsync(factory, Ann)).Count(m => m.Subject == "Recover your Cipherpad account"));
        Assert.All(forAnn, page => Assert.Equal(forNobody, page));
        Assert.DoesNotContain("grandmother", forNobody + string.Concat(forAnn), StringComparison.Ordinal); // the security question is for the link's reader only
    }

    [Fact]
    public async Task An_address_being_added_as_an_alias_gets_no_more_confirmation_links_an_hour_than_the_limit()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, Ann);
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, Ann, secret);
        const string Alias = "ann.other@example.org";

        for (var i = 0; i < Limit; i++)
        {
            var done = await Journeys.ChangeAccountAsync(factory, browser, "/account/aliases", "Add", new() { ["Address"] = Alias }, secret);
            Assert.Contains("Done:", done.Text, StringComparison.Ordinal);
        }
        var refused = await Journeys.ChangeAccountAsync(factory, browser, "/account/aliases", "Add", new() { ["Address"] = Alias }, secret);

        Assert.Equal(Limit, (await MailsToAsync(factory, Alias)).Count);
        Assert.Contains("This address was sent all the confirmation links allowed this hour", Assert.Single(refused.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_address_may_post_the_mail_forms_only_so_often_an_hour_while_the_forms_still_show()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:RateLimits:MailFormsPerAddressPerHour"] = "3" });
        using var browser = factory.Browser();
        var form = await NewActivationCodePage.OpenAsync(browser);
        for (var i = 0; i < 3; i++)
        {
            await form.RequestLinkAsync($"someone{i}@example.com");
        }

        using var refused = await form.SubmitAsync("", new Dictionary<string, string> { ["Email"] = "someone.else@example.com" });
        using var recoverRefused = await (await HtmlPage.OpenAsync(browser, "/recover")).SubmitAsync("Email", new Dictionary<string, string> { ["Email"] = Ann });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, recoverRefused.StatusCode);
        Assert.NotNull(await NewActivationCodePage.OpenAsync(browser));
    }

    [Fact]
    public async Task Three_hundred_wrong_answers_locking_60_questions_mail_one_notice_and_the_next_one_after_the_hour_says_how_many_there_were()
    {
        // Each wrong answer locks its question, and back-off stays out of the way as far as it can: each lock is a failed attempt.
        using var factory = await CreateFactoryAsync(new Dictionary<string, string>
        {
            ["Cipherpad:Challenges:MaxWrongAnswers"] = "1",
            ["Cipherpad:Challenges:FailuresBeforeBackoff"] = "100",
            ["Cipherpad:Challenges:AccountFailuresBeforeBackoff"] = "100",
        });
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        async Task<string> AskAsync() =>
            (await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = Ann })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challengeId").GetString()!;
        var questions = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            questions.Add(await AskAsync());
        }
        static bool AboutFailedAttempts(MimeMessage m) => (m.Subject ?? "").Contains("was locked", StringComparison.Ordinal);
        var mailsBefore = (await MailsToAsync(factory, Ann)).Count;

        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
            await shop.PostAsJsonAsync($"/api/v1/challenges/{questions[i % 60]}/verify", new { answer = $"{i:D8}", userIp = $"198.18.0.{i % 40}" })));
        int locked;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Each question is locked by its one wrong answer, or, once the day's guess budget is spent, by the first answer refused for it.
            locked = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.CountAsync(c => c.Status == ChallengeStatus.Locked);
        }
        var duringAttack = (await MailsToAsync(factory, Ann)).Skip(mailsBefore).ToList();

        factory.Time.Offset += TimeSpan.FromMinutes(61);
        var later = await AskAsync();
        // By now the day's guess budget makes every new question a longer one.
        await shop.PostAsJsonAsync($"/api/v1/challenges/{later}/verify", new { answer = new string('0', 16), userIp = "198.18.1.1" });
        var afterwards = (await MailsToAsync(factory, Ann)).Skip(mailsBefore + duringAttack.Count).ToList();

        Assert.InRange(locked, 10, 60);
        Assert.Single(duringAttack, AboutFailedAttempts);
        Assert.Contains("we count them and tell you how many", duringAttack.Single(AboutFailedAttempts).TextBody, StringComparison.Ordinal);
        var digest = Assert.Single(afterwards, AboutFailedAttempts);
        Assert.Contains($"{locked} failed attempts (questions locked after wrong answers) in the hour from", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_count_of_failed_attempts_is_mailed_once_the_hour_is_over_even_if_no_attempt_follows()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Challenges:MaxWrongAnswers"] = "1" });
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        for (var i = 0; i < 3; i++)
        {
            var id = (await (await shop.PostAsJsonAsync("/api/v1/challenges", new { login = Ann })).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("challengeId").GetString()!;
            await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new { answer = "00000000", userIp = $"198.18.0.{i}" });
        }
        var mailsBefore = (await MailsToAsync(factory, Ann)).Count;
        async Task<int> MailDigestsAsync()
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Notifications.NoticeDigests>().MailDueAsync(default);
        }

        var withinTheHour = await MailDigestsAsync();
        factory.Time.Offset += TimeSpan.FromMinutes(61);
        var afterTheHour = await Task.WhenAll(MailDigestsAsync(), MailDigestsAsync(), MailDigestsAsync());
        var again = await MailDigestsAsync();
        var digests = (await MailsToAsync(factory, Ann)).Skip(mailsBefore).ToList();

        Assert.Equal(0, withinTheHour);
        Assert.Equal(1, afterTheHour.Sum());
        Assert.Equal(0, again);
        var digest = Assert.Single(digests);
        Assert.Contains("3 questions for your account were locked after wrong answers", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notice_repeated_within_the_hour_is_not_mailed_but_successful_logins_are_each_mailed()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, Ann);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var account = await db.Accounts.SingleAsync(a => a.Email == Ann);
        await db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Notifications, Notifications.NotificationKind.FailedAttempts | Notifications.NotificationKind.SuccessfulLogins));
        var notifier = scope.ServiceProvider.GetRequiredService<Notifications.Notifier>();
        var before = await QueuedToAsync(factory, Ann);

        for (var i = 0; i < 3; i++)
        {
            await notifier.NotifyAsync(account.Id, Notifications.NotificationKind.FailedAttempts, "A login question was locked.", null, default);
            await notifier.NotifyAsync(account.Id, Notifications.NotificationKind.SuccessfulLogins, "You logged in.", null, default);
        }

        var subjects = (await MailsToAsync(factory, Ann)).Skip(before).Select(m => m.Subject ?? "").ToList();
        Assert.Equal(1, subjects.Count(s => s.Contains("locked", StringComparison.Ordinal)));
        Assert.Equal(3, subjects.Count(s => s.Contains("logged in", StringComparison.Ordinal)));
    }

}

public sealed class SqliteMailLimitScenarios : MailLimitScenarios
{
    protected override Task<CipherpadFactory> NewFactoryAsync(IReadOnlyDictionary<string, string>? settings) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresMailLimitScenarios(PostgresServer postgres) : MailLimitScenarios
{
    protected override async Task<CipherpadFactory> NewFactoryAsync(IReadOnlyDictionary<string, string>? settings) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: settings);
}
