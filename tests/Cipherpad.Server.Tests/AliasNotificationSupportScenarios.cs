using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests;

/// <summary>Aliases, e-mail notifications and support requests, on each database.</summary>
public abstract class AliasNotificationSupportScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    /// <summary>Asks for <paramref name="address"/> as an alias and confirms with the cipher pad: the page's text after.</summary>
    private static async Task<string> RequestAliasAsync(CipherpadFactory factory, HttpClient browser, byte[] secret, string address) =>
        (await Journeys.ChangeAccountAsync(factory, browser, "/account/aliases", "Add", new() { ["Address"] = address }, secret)).Text;

    /// <summary>Asks for <paramref name="address"/> as an alias and opens the link mailed to it: the page's text after.</summary>
    private static async Task<string> AddAliasAsync(CipherpadFactory factory, HttpClient browser, byte[] secret, string address)
    {
        var requested = await RequestAliasAsync(factory, browser, secret, address);
        if (!requested.Contains("Done:", StringComparison.Ordinal))
        {
            return requested;
        }
        var link = System.Text.RegularExpressions.Regex.Match(Journeys.LatestEmailTo(factory, address).TextBody!, @"/aliases/confirm\?token=[\w-]+").Value;
        using var mailbox = factory.Browser();
        var page = await HtmlPage.OpenAsync(mailbox, link);
        return (await HtmlPage.FromAsync(mailbox, await page.SubmitAsync(""))).Text;
    }

    [Fact]
    public async Task An_alias_confirmed_by_its_mailbox_logs_in_like_the_main_address_until_removed()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal(HttpStatusCode.NotFound, (await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann.work@example.org"))).StatusCode);

        Assert.Contains("now logs in to the account", await AddAliasAsync(factory, browser, secret, "Ann.Work@example.org"), StringComparison.Ordinal);

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann.work@example.org", secret));
        Assert.Contains("ann.work@example.org was added as an alias", Journeys.LatestEmailTo(factory, "ann@example.com").TextBody, StringComparison.Ordinal);

        var removed = await Journeys.ChangeAccountAsync(factory, browser, "/account/aliases", "Remove", [], secret);
        Assert.Contains("Done: Remove the alias ann.work@example.org", removed.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann.work@example.org"))).StatusCode);
    }

    /// <summary>
    /// An address another account uses never becomes an alias, and the one asking for it is not told so: the page answers as
    /// for a free address, after the cipher pad's confirmation, and the address's mailbox gets a notice with no link. Only the
    /// asker's own addresses are refused at once.
    /// </summary>
    [Fact]
    public async Task An_alias_can_never_be_an_address_another_account_uses_nor_tell_the_asker_whose_it_is()
    {
        using var factory = await CreateFactoryAsync();
        var annSecret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var bobSecret = await Journeys.RegisterAndActivateAsync(factory, "bob@example.com");
        using var ann = factory.Browser();
        await Journeys.SignInAsync(factory, ann, "ann@example.com", annSecret);
        using var bob = factory.Browser();
        await Journeys.SignInAsync(factory, bob, "bob@example.com", bobSecret);

        var forBobsAddress = await RequestAliasAsync(factory, ann, annSecret, "bob@example.com");
        var forAFreeAddress = await RequestAliasAsync(factory, ann, annSecret, "free@example.org");
        Assert.Contains("Done:", forBobsAddress, StringComparison.Ordinal);
        Assert.Equal(forAFreeAddress.Replace("free@example.org", "…", StringComparison.Ordinal),
            forBobsAddress.Replace("bob@example.com", "…", StringComparison.Ordinal));
        var notice = Journeys.LatestEmailTo(factory, "bob@example.com").TextBody!;
        Assert.Contains("(ann@example.com) asked to add this address", notice, StringComparison.Ordinal);
        Assert.Contains("cannot become another's", notice, StringComparison.Ordinal);
        Assert.DoesNotContain("/aliases/confirm", notice, StringComparison.Ordinal);
        Assert.Contains("/aliases/confirm", Journeys.LatestEmailTo(factory, "free@example.org").TextBody, StringComparison.Ordinal);

        var own = await RequestAliasAsync(factory, ann, annSecret, "Ann@Example.com");
        Assert.Contains("This address already logs in to your account.", own, StringComparison.Ordinal);
        Assert.DoesNotContain("Done:", own, StringComparison.Ordinal);

        Assert.Contains("now logs in", await AddAliasAsync(factory, ann, annSecret, "shared@example.org"), StringComparison.Ordinal);
        Assert.Contains("already logs in to your account", await RequestAliasAsync(factory, ann, annSecret, "shared@example.org"), StringComparison.Ordinal);
        Assert.Contains("Done:", await RequestAliasAsync(factory, bob, bobSecret, "shared@example.org"), StringComparison.Ordinal);
        Assert.Contains("(bob@example.com) asked to add this address", Journeys.LatestEmailTo(factory, "shared@example.org").TextBody,
            StringComparison.Ordinal);

        using var newcomer = factory.Browser();
        var registration = await Journeys.SubmitRegistrationAsync(newcomer, "shared@example.org");
        Assert.Contains("already exists", await registration.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("shared@example.org", (await HtmlPage.OpenAsync(bob, "/account/aliases")).Source, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.com", (await HtmlPage.OpenAsync(ann, "/account/aliases")).Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_are_mailed_for_the_facts_the_user_chose()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var newDevice = Journeys.LatestEmailTo(factory, "ann@example.com");
        Assert.Equal("Cipherpad: A new cipher pad, \"test pad\", was activated for your account.", newDevice.Subject);
        Assert.Contains("revoke that cipher pad", newDevice.TextBody, StringComparison.Ordinal);
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);
        Assert.Equal(newDevice.Subject, Journeys.LatestEmailTo(factory, "ann@example.com").Subject); // logins are not mailed by default

        var changed = await Journeys.ChangeAccountAsync(factory, browser, "/account/notifications", "", new() { ["Kinds"] = "1" }, secret);
        Assert.Contains("Done: Mail me: successful logins", changed.Text, StringComparison.Ordinal);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", secret, "198.51.100.23"));

        var login = Journeys.LatestEmailTo(factory, "ann@example.com");
        Assert.Equal("Cipherpad: You logged in.", login.Subject);
        Assert.Contains("Where: Demo Shop, from 198.51.100.23", login.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_locked_question_is_reported_to_the_owner()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
        for (var i = 0; i < 5; i++)
        {
            await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest("0000 0000", UserIp: $"203.0.113.{i}"));
        }

        var mail = Journeys.LatestEmailTo(factory, "ann@example.com");

        Assert.Equal("Cipherpad: A login question for your account was locked after 5 wrong answers.", mail.Subject);
        Assert.Contains("nobody can log in without its answer", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_support_request_is_recorded_for_an_administrator()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var page = await HtmlPage.OpenAsync(browser, "/support");

        var submitted = await HtmlPage.FromAsync(browser, await page.SubmitAsync("", new Dictionary<string, string>
        {
            ["AccountEmail"] = "ann@example.com",
            ["Name"] = "Ann Example",
            ["Contact"] = "+49 171 7654321",
            ["Lost"] = "phone",
            ["Message"] = "My phone was stolen in Leipzig.",
            ["HumanCheck"] = Journeys.SolveHumanCheck(page.Source),
        }));

        Assert.NotNull(submitted.TextOf("#submitted"));
    }
}

public sealed class SqliteAliasNotificationSupportScenarios : AliasNotificationSupportScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresAliasNotificationSupportScenarios(PostgresServer postgres) : AliasNotificationSupportScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
