using System.Net;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.ForwardAuth;

/// <summary>The forward-auth endpoints as Traefik and Caddy call them: the original request in X-Forwarded-* headers, the browser's cookies along.</summary>
public sealed class ForwardAuthEndpointTests
{
    private const string Email = "ann@example.com";

    private static CipherpadFactory Factory(string? maxSessionAge = null, bool on = true, string allowed = "*@example.com")
    {
        var settings = new Dictionary<string, string>();
        if (on)
        {
            settings["Cipherpad:ForwardAuth:ProtectedHosts:0"] = "wiki.example.com";
            settings["Cipherpad:ForwardAuth:AllowedUsers:0"] = allowed;
        }
        if (maxSessionAge is not null)
        {
            settings["Cipherpad:ForwardAuth:MaxSessionAge"] = maxSessionAge;
        }
        return new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings);
    }

    private static async Task<HttpResponseMessage> AskAsync(HttpClient browser, string host = "wiki.example.com", string uri = "/pages/1?a=b")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/forward");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", host);
        request.Headers.Add("X-Forwarded-Uri", uri);
        return await browser.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_in_browser_passes_with_its_identity_and_others_are_sent_to_sign_in_and_back()
    {
        using var factory = Factory();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        using var browser = factory.Browser();

        using (var stranger = await AskAsync(browser))
        {
            Assert.Equal(HttpStatusCode.Redirect, stranger.StatusCode);
            Assert.Equal("http://localhost/signin?ReturnUrl=" + Uri.EscapeDataString("https://wiki.example.com/pages/1?a=b"),
                stranger.Headers.Location!.AbsoluteUri);
        }
        using (var elsewhere = await AskAsync(browser, host: "evil.example.net"))
        {
            Assert.Equal("http://localhost/signin", elsewhere.Headers.Location!.AbsoluteUri); // never sent back to a host not protected
        }
        await Journeys.SignInAsync(factory, browser, Email, pad);

        using var passed = await AskAsync(browser);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal(Email, passed.Headers.GetValues("Remote-User").Single());
        Assert.Equal(Email, passed.Headers.GetValues("Remote-Email").Single());
        Assert.Equal("Ann Example", passed.Headers.GetValues("Remote-Name").Single());
        using var nginxStyle = await browser.GetAsync("/auth/request");
        Assert.Equal(HttpStatusCode.OK, nginxStyle.StatusCode);
    }

    [Fact]
    public async Task A_session_older_than_the_configured_age_must_answer_again()
    {
        using var factory = Factory(maxSessionAge: "00:10:00");
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, Email, pad);
        using (var fresh = await AskAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        factory.Time.Offset += TimeSpan.FromMinutes(11);
        using var stale = await browser.GetAsync("/auth/request");
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.StartsWith("http://localhost/signin", stale.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.False(stale.Headers.Contains("Remote-User"));
    }

    [Fact]
    public async Task A_signed_in_account_not_among_the_allowed_users_is_refused()
    {
        using var factory = Factory(allowed: "bob@example.com");
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, Email, pad);

        using var refused = await AskAsync(browser);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Remote-User"));
    }

    [Fact]
    public void Protected_hosts_without_allowed_users_stop_the_start()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string> { ["Cipherpad:ForwardAuth:ProtectedHosts:0"] = "wiki.example.com" });

        var exception = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        Assert.Contains("Cipherpad:ForwardAuth:AllowedUsers is empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_s_checks_and_a_site_s_token_calls_are_not_counted_as_one_address_s_page_views()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:ForwardAuth:ProtectedHosts:0"] = "wiki.example.com",
            ["Cipherpad:ForwardAuth:AllowedUsers:0"] = "*",
            ["Cipherpad:RateLimits:AddressPerMinute"] = "3",
        });
        factory.Time.Stop(); // the limit's window is aligned on the minute: the requests must not straddle one
        using var client = factory.CreateClient();
        var checks = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            checks.Add((await client.GetAsync("/auth/request")).StatusCode);
            checks.Add((await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }))).StatusCode);
        }
        var pages = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            pages.Add((await client.GetAsync("/signin")).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, checks);
        Assert.Contains(HttpStatusCode.TooManyRequests, pages);
    }

    [Fact]
    public async Task Forward_auth_is_off_until_protected_hosts_are_set()
    {
        using var factory = Factory(on: false);
        using var browser = factory.Browser();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/auth/request")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AskAsync(browser)).StatusCode);
    }

    [Theory]
    [InlineData("https://wiki.example.com")]
    [InlineData("wiki.example.com/path")]
    [InlineData("*")]
    [InlineData("wiki.example.com:8443")]
    public void A_protected_host_that_is_not_a_host_name_stops_the_start_naming_the_setting(string entry)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string> { ["Cipherpad:ForwardAuth:ProtectedHosts:0"] = entry, ["Cipherpad:ForwardAuth:AllowedUsers:0"] = "*" });

        var exception = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        Assert.Contains($"Cipherpad:ForwardAuth:ProtectedHosts:0 = '{entry}'", exception.Message, StringComparison.Ordinal);
    }
}
