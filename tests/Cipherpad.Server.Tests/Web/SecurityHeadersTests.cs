using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Activations;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.Web;

/// <summary>The headers every response carries: no inline script or style, no framing, no sniffing, no referrer, no caching of what is personal; HSTS over HTTPS.</summary>
public sealed class SecurityHeadersTests
{
    private static void AssertLockedDown(HttpResponseMessage response, string what)
    {
        var csp = string.Join(", ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.True(csp.Contains("script-src 'self';", StringComparison.Ordinal) && csp.Contains("style-src 'self';", StringComparison.Ordinal),
            $"{what}: scripts and styles only from the server, never inline ({csp})");
        Assert.True(csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal), $"{what}: no page in a frame ({csp})");
        Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frames) && frames.Single() == "DENY", $"{what}: X-Frame-Options DENY");
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff", $"{what}: nosniff");
        Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", $"{what}: no referrer");
    }

    private static void AssertNotStored(HttpResponseMessage response, string what) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control no-store, was \"{response.Headers.CacheControl}\"");

    [Fact]
    public async Task Every_public_page_is_locked_down_and_not_stored_on_every_response_not_only_the_first()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        // One browser keeps the antiforgery cookie that the first page sets: the pages after it set none.
        using var browser = factory.Browser();

        foreach (var path in new[] { "/signin", "/", "/register", "/recover", "/activation/new-code", "/support", "/signin", "/no-such-page" })
        {
            using var response = await browser.GetAsync(path);
            AssertLockedDown(response, path);
            AssertNotStored(response, path);
        }
    }

    [Fact]
    public async Task Account_pages_and_api_answers_are_locked_down_and_not_stored()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);

        foreach (var path in new[] { "/account", "/account/log", "/account/log?handler=Csv", "/account/devices", "/account/methods", "/account/notifications" })
        {
            using var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertLockedDown(response, path);
            AssertNotStored(response, path);
        }
        using var api = await factory.CreateClient().PostAsJsonAsync("/api/v1/activations", new StartActivationRequest("ann@example.com"));
        AssertLockedDown(api, "the activation API");
        AssertNotStored(api, "the activation API");
    }

    [Theory]
    [InlineData("/js/human-check.js")]
    [InlineData("/css/site.css")]
    public async Task Static_files_are_locked_down_and_may_be_cached(string path)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);

        using var response = await factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertLockedDown(response, path);
        Assert.Null(response.Headers.CacheControl);
    }

    [Fact(Timeout = 60_000)]
    public async Task Hsts_is_sent_when_a_trusted_proxy_says_the_request_came_over_https_and_only_then()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string> { ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "127.0.0.5" });
        var server = factory.StartOnLoopback();
        using var proxy = LoopbackClients.From("127.0.0.5", server);
        using var stranger = LoopbackClients.From("127.0.0.6", server);

        async Task<bool> HstsAsync(HttpClient client, string? forwardedProto)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
            // The name people use: HSTS is never sent for localhost or a loopback address.
            request.Headers.Host = "pad.example";
            if (forwardedProto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.TryGetValues("Strict-Transport-Security", out var hsts) && hsts.Single().StartsWith("max-age=", StringComparison.Ordinal);
        }

        Assert.True(await HstsAsync(proxy, "https"), "HTTPS at the trusted proxy");
        Assert.False(await HstsAsync(proxy, null), "plain HTTP");
        Assert.False(await HstsAsync(stranger, "https"), "a peer that is not a trusted proxy cannot make its request HTTPS");
    }
}
