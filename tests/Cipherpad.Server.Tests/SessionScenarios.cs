using System.Net;
using Cipherpad.Server.Accounts;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// Sign-in sessions end on the server, not just in the browser: a copied cookie dies with sign-out, a security change
/// made in another browser, an administrator's change or the absolute lifetime.
/// </summary>
public abstract class SessionScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private static async Task<(CipherpadFactory Factory, byte[] Pad)> SignedUpAsync(SessionScenarios scenarios)
    {
        var factory = await scenarios.CreateFactoryAsync();
        return (factory, await Journeys.RegisterAndActivateAsync(factory, "ann@example.com"));
    }

    /// <summary>A browser of its own, signed in to Ann's account.</summary>
    private static async Task<HttpClient> SignedInBrowserAsync(CipherpadFactory factory, byte[] pad)
    {
        var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        return browser;
    }

    /// <summary>The cookie as a thief would copy it: a client of its own that sends exactly that header.</summary>
    private static HttpClient Replaying(CipherpadFactory factory, string cookie)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>Signs in with <paramref name="browser"/> and returns its session cookie as a thief would copy it.</summary>
    private static async Task<string> SignInAndCopyCookieAsync(CipherpadFactory factory, HttpClient browser, byte[] pad)
    {
        var questionPage = await Journeys.StartSignInAsync(browser, "ann@example.com");
        var signedIn = await questionPage.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, questionPage.Question));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cipherpad=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    [Fact]
    public async Task A_cookie_replayed_after_sign_out_no_longer_opens_the_account()
    {
        var (factory, pad) = await SignedUpAsync(this);
        using var _ = factory;
        using var browser = factory.Browser();
        var cookie = await SignInAndCopyCookieAsync(factory, browser, pad);
        using var thief = Replaying(factory, cookie);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/account")).StatusCode);

        var signedOut = await (await AccountPage.OpenAsync(browser)).SignOutAsync();

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var replayed = await thief.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/signin", replayed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_a_pad_ends_the_other_sessions_and_keeps_the_one_that_confirmed_it()
    {
        var (factory, pad) = await SignedUpAsync(this);
        using var _ = factory;
        using var elsewhere = await SignedInBrowserAsync(factory, pad);
        using var here = await SignedInBrowserAsync(factory, pad);

        var added = await Journeys.ChangeAccountAsync(factory, here, "/account/devices", "Add", [], pad);

        Assert.Contains("Done:", added.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task Renaming_a_pad_leaves_other_sessions_alone()
    {
        var (factory, pad) = await SignedUpAsync(this);
        using var _ = factory;
        using var elsewhere = await SignedInBrowserAsync(factory, pad);
        using var here = await SignedInBrowserAsync(factory, pad);
        var devices = await DevicesPage.OpenAsync(here);

        var renamed = await Journeys.ChangeAccountAsync(factory, here, "/account/devices", "Rename",
            new() { ["DeviceId"] = devices.Device("test pad").Id!, ["Name"] = "phone" }, pad);

        Assert.Contains("Done:", renamed.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task An_administrators_change_of_the_phone_ends_every_session()
    {
        var (factory, pad) = await SignedUpAsync(this);
        using var _ = factory;
        using var browser = await SignedInBrowserAsync(factory, pad);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SupportRequests>().ChangePhoneAsync("ann@example.com", "+49 170 7654321", "lost phone",
                default));
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_busy()
    {
        var (factory, pad) = await SignedUpAsync(this);
        using var _ = factory;
        using var browser = await SignedInBrowserAsync(factory, pad);

        var statuses = new List<HttpStatusCode>();
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(12) + TimeSpan.FromMinutes(20); elapsed += TimeSpan.FromMinutes(20))
        {
            factory.Time.Offset = elapsed;
            statuses.Add((await browser.GetAsync("/account")).StatusCode);
        }

        Assert.All(statuses[..^2], status => Assert.Equal(HttpStatusCode.OK, status)); // used every 20 minutes: never idle too long
        Assert.Equal(HttpStatusCode.Redirect, statuses[^1]);
    }

    [Fact]
    public async Task A_session_left_idle_past_the_idle_timeout_ends()
    {
        var (factory, pad) = await SignedUpAsync(this);
        using var _ = factory;
        using var browser = await SignedInBrowserAsync(factory, pad);

        factory.Time.Offset = TimeSpan.FromMinutes(31);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
    }
}

public sealed class SqliteSessionScenarios : SessionScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresSessionScenarios(PostgresServer postgres) : SessionScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
