using System.Net;
using System.Text.RegularExpressions;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.ReverseProxy;

/// <summary>
/// The real server on loopback behind a real NGINX, with users at distinct loopback addresses (127.0.0.2, .3, …). NGINX
/// connects to the server from 127.0.0.1, the only trusted proxy, so every per-address defence must key on the user's
/// own address, and nobody but NGINX may say what that address is.
/// </summary>
public sealed partial class BehindNginxTests
{
    private const string Proxy = "127.0.0.1";
    private const int Minutes = 60_000;

    [Fact(Timeout = 2 * Minutes)]
    public async Task An_attacker_over_the_request_limit_does_not_slow_down_another_user_behind_the_same_proxy()
    {
        using var factory = Server(trustedProxy: Proxy, addressPerMinute: 5);
        using var nginx = await Nginx.StartAsync(factory.StartOnLoopback());
        using var attacker = LoopbackClients.From("127.0.0.2", nginx.Address);
        using var user = LoopbackClients.From("127.0.0.3", nginx.Address);

        var attackerStatuses = await GetSignInPageAsync(attacker, times: 6);
        var userStatus = Assert.Single(await GetSignInPageAsync(user, times: 1));

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], attackerStatuses);
        Assert.Equal(HttpStatusCode.OK, userStatus);
    }

    [Fact(Timeout = 2 * Minutes)]
    public async Task Without_a_trusted_proxy_everyone_behind_it_shares_the_proxy_s_request_limit()
    {
        using var factory = Server(trustedProxy: null, addressPerMinute: 5);
        using var nginx = await Nginx.StartAsync(factory.StartOnLoopback());
        using var attacker = LoopbackClients.From("127.0.0.2", nginx.Address);
        using var user = LoopbackClients.From("127.0.0.3", nginx.Address);

        await GetSignInPageAsync(attacker, times: 5);
        var userStatus = Assert.Single(await GetSignInPageAsync(user, times: 1));

        Assert.Equal(HttpStatusCode.TooManyRequests, userStatus);
    }

    [Fact(Timeout = 3 * Minutes)]
    public async Task Wrong_answers_from_an_attacker_back_off_only_the_attacker_and_the_log_names_each_address()
    {
        using var factory = Server(trustedProxy: Proxy);
        using var nginx = await Nginx.StartAsync(factory.StartOnLoopback());
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var attacker = LoopbackClients.From("127.0.0.2", nginx.Address);
        using var owner = LoopbackClients.From("127.0.0.3", nginx.Address);

        var attackerPage = "";
        for (var attempt = 0; attempt < 15 && !attackerPage.Contains("Too many wrong answers from here", StringComparison.Ordinal); attempt++)
        {
            var question = await Journeys.StartSignInAsync(attacker, "ann@example.com");
            attackerPage = await (await question.AnswerAsync("00000000")).Content.ReadAsStringAsync();
        }
        var ownerQuestion = await Journeys.StartSignInAsync(owner, "ann@example.com");
        var ownerResponse = await ownerQuestion.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, ownerQuestion.Question));

        Assert.Contains("Too many wrong answers from here", attackerPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, ownerResponse.StatusCode);
        var logins = await LoginLogAsync(factory);
        Assert.Equal("127.0.0.3", Assert.Single(logins, entry => entry.Result == "success").Ip);
        Assert.All(logins.Where(entry => entry.Result != "success"), entry => Assert.Equal("127.0.0.2", entry.Ip));
        Assert.Contains(logins, entry => entry.Result == "throttled");
    }

    [Fact(Timeout = 3 * Minutes)]
    public async Task A_spoofed_forwarded_address_is_ignored_straight_to_the_server_and_cannot_replace_the_address_nginx_saw()
    {
        using var factory = Server(trustedProxy: Proxy);
        var server = factory.StartOnLoopback();
        using var nginx = await Nginx.StartAsync(server);
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var straight = LoopbackClients.From("127.0.0.5", server);
        using var throughNginx = LoopbackClients.From("127.0.0.6", nginx.Address);
        foreach (var client in new[] { straight, throughNginx })
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
            client.DefaultRequestHeaders.Add("Forwarded", "for=203.0.113.9;proto=https");
        }

        await WrongSignInAnswerAsync(straight);
        await WrongSignInAnswerAsync(throughNginx);

        Assert.Equal(["127.0.0.5", "127.0.0.6"], (await LoginLogAsync(factory)).Select(entry => entry.Ip));
    }

    [Fact(Timeout = 2 * Minutes)]
    public async Task A_proxy_that_sends_only_the_standard_forwarded_header_is_understood()
    {
        using var factory = Server(trustedProxy: Proxy);
        using var nginx = await Nginx.StartAsync(factory.StartOnLoopback(),
            proxyHeaders: "proxy_set_header Forwarded \"$http_forwarded, for=\\\"$remote_addr:$remote_port\\\";proto=$scheme\";");
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var client = LoopbackClients.From("127.0.0.7", nginx.Address);
        client.DefaultRequestHeaders.Add("Forwarded", "for=203.0.113.9");

        await WrongSignInAnswerAsync(client);

        Assert.Equal("127.0.0.7", Assert.Single(await LoginLogAsync(factory)).Ip);
    }

    [Fact(Timeout = 3 * Minutes)]
    public async Task Behind_an_nginx_tls_listener_the_sign_in_cookie_is_secure_and_over_plain_http_it_is_not()
    {
        using var factory = Server(trustedProxy: Proxy);
        var server = factory.StartOnLoopback();
        using var nginx = await Nginx.StartAsync(server, tls: true);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var overTls = LoopbackClients.From("127.0.0.8", nginx.Address, nginx.Certificate);
        using var plain = LoopbackClients.From("127.0.0.9", server);

        var tlsCookie = await SignInCookieAsync(factory, overTls, pad);
        var plainCookie = await SignInCookieAsync(factory, plain, pad);

        Assert.Matches(SecureAttribute(), tlsCookie);
        Assert.DoesNotMatch(SecureAttribute(), plainCookie);
    }

    /// <summary>
    /// The configuration shipped in deploy/nginx/cipherpad.conf, as an operator copies it: only its ports, certificate and
    /// upstream address are this machine's. A spoofed X-Forwarded-For is replaced, the user's address reaches the log, the
    /// sign-in cookie is Secure, and plain http is sent to https.
    /// </summary>
    [Fact(Timeout = 3 * Minutes)]
    public async Task The_shipped_nginx_configuration_gives_the_server_each_user_s_address_over_tls_and_redirects_plain_http()
    {
        using var factory = Server(trustedProxy: Proxy);
        var server = factory.StartOnLoopback();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var plainPort = Nginx.FreePort();
        var shipped = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "nginx", "cipherpad.conf"));
        using var nginx = await Nginx.StartAsync((listen, _) => ShippedServerBlocks().Replace(shipped, match => match.Groups["directive"].Value switch
        {
            "listen 443 ssl;" => listen,
            "listen 80;" => $"listen 127.0.0.1:{plainPort};",
            "proxy_pass http://127.0.0.1:5080;" => $"proxy_pass {server.GetLeftPart(UriPartial.Authority)};",
            _ => "", // the IPv6 listeners and the certificate paths: the test's listener brings its own certificate
        }), tls: true);
        using var user = LoopbackClients.From("127.0.0.11", nginx.Address, nginx.Certificate);
        user.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.66");
        using var plain = LoopbackClients.From("127.0.0.12", new Uri($"http://127.0.0.1:{plainPort}"));

        await WrongSignInAnswerAsync(user);
        var cookie = await SignInCookieAsync(factory, user, pad);
        using var redirected = await plain.GetAsync(new Uri("/account?tab=log", UriKind.Relative));

        Assert.Equal(["127.0.0.11", "127.0.0.11"], (await LoginLogAsync(factory)).Select(entry => entry.Ip));
        Assert.Matches(SecureAttribute(), cookie);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirected.StatusCode);
        Assert.Equal($"https://127.0.0.1/account?tab=log", redirected.Headers.Location!.ToString());
    }

    /// <summary>The lines of the shipped configuration that name this machine: listeners, certificates, the upstream.</summary>
    [GeneratedRegex(@"(?<directive>listen (?:\[::\]:)?(?:443 ssl|80);|ssl_certificate(?:_key)? [^;]+;|proxy_pass http://127\.0\.0\.1:5080;)")]
    private static partial Regex ShippedServerBlocks();

    internal static CipherpadFactory Server(string? trustedProxy, int? addressPerMinute = null)
    {
        var settings = new Dictionary<string, string>();
        if (trustedProxy is not null)
        {
            settings["Cipherpad:ReverseProxy:TrustedProxies:0"] = trustedProxy;
        }
        if (addressPerMinute is { } limit)
        {
            settings["Cipherpad:RateLimits:AddressPerMinute"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings);
        factory.Time.Stop(); // the request limit's window is aligned on the minute: a test's requests must not straddle one
        return factory;
    }

    private static async Task<List<HttpStatusCode>> GetSignInPageAsync(HttpClient client, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            statuses.Add((await client.GetAsync("/signin")).StatusCode);
        }
        return statuses;
    }

    internal static async Task WrongSignInAnswerAsync(HttpClient client)
    {
        var questionPage = await Journeys.StartSignInAsync(client, "ann@example.com");
        var answered = await (await questionPage.AnswerAsync("00000000")).Content.ReadAsStringAsync();
        Assert.Contains("Wrong answer", answered, StringComparison.Ordinal);
    }

    internal static async Task<string> SignInCookieAsync(CipherpadFactory factory, HttpClient client, byte[] pad)
    {
        var questionPage = await Journeys.StartSignInAsync(client, "ann@example.com");
        var signedIn = await questionPage.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, questionPage.Question));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("cipherpad=", StringComparison.Ordinal));
    }

    /// <summary>The authorization log's sign-in entries (not the activation), oldest first.</summary>
    internal static async Task<List<AuthorizationLogEntry>> LoginLogAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().AuthorizationLog.AsNoTracking()
            .Where(entry => entry.Purpose == "login").OrderBy(entry => entry.Id).ToListAsync();
    }

    [GeneratedRegex(@";\s*secure(;|$)", RegexOptions.IgnoreCase)]
    internal static partial Regex SecureAttribute();
}
