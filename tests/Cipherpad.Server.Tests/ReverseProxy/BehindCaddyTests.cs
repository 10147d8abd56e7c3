using System.Net;
using System.Text.RegularExpressions;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.ReverseProxy;

/// <summary>
/// The real server on loopback behind a real Caddy with the configuration shipped in deploy/caddy/Caddyfile. Caddy connects
/// to the server from 127.0.0.1, the only trusted proxy; users come from 127.0.0.11 and .12.
/// </summary>
public sealed partial class BehindCaddyTests
{
    private const string Proxy = "127.0.0.1";
    private const string Host = "cipherpad.example.com";
    private const int Minutes = 60_000;

    /// <summary>
    /// The shipped Caddyfile as an operator copies it: only its upstream address is this machine's, its site gets the test's
    /// certificate, and the ports are the test's. A spoofed X-Forwarded-For is replaced, the user's address reaches the log,
    /// the sign-in cookie is Secure, plain http is sent to https, and a body larger than any request of Cipherpad's is refused.
    /// </summary>
    [Fact(Timeout = 3 * Minutes)]
    public async Task The_shipped_caddyfile_gives_the_server_each_user_s_address_over_tls_and_redirects_plain_http()
    {
        using var factory = BehindNginxTests.Server(trustedProxy: Proxy);
        var server = factory.StartOnLoopback();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var shipped = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "caddy", "Caddyfile"));
        using var caddy = await Caddy.StartAsync(tls => ShippedMachineLines().Replace(shipped, match => match.Groups["line"].Value switch
        {
            "reverse_proxy 127.0.0.1:5080" => $"reverse_proxy {server.Authority}",
            var site => $"{site}\n    {tls}", // Caddy would otherwise ask Let's Encrypt for the certificate
        }), tlsHost: Host);
        using var user = LoopbackClients.From("127.0.0.11", caddy.Address, caddy.Certificate);
        user.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.66");
        user.DefaultRequestHeaders.Add("Forwarded", "for=203.0.113.66;proto=https");
        using var plain = LoopbackClients.From("127.0.0.12", new Uri($"http://{Host}:{caddy.HttpPort}"));

        await BehindNginxTests.WrongSignInAnswerAsync(user);
        var cookie = await BehindNginxTests.SignInCookieAsync(factory, user, pad);
        using var redirected = await plain.GetAsync(new Uri("/account?tab=log", UriKind.Relative));
        // A form, which the server reads whole before it answers (for its antiforgery token): it cannot answer first.
        using var tooLarge = await user.PostAsync(new Uri("/signin", UriKind.Relative),
            new StringContent("filler=" + new string('a', 300 * 1024), System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.Equal(["127.0.0.11", "127.0.0.11"], (await BehindNginxTests.LoginLogAsync(factory)).Select(entry => entry.Ip));
        Assert.Matches(BehindNginxTests.SecureAttribute(), cookie);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal($"https://{Host}/account?tab=log", redirected.Headers.Location!.ToString());
        // Caddy 2.6 cuts the body off on the way and says 502; later versions say 413.
        Assert.Contains(tooLarge.StatusCode, new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadGateway });
    }

    /// <summary>The lines of the shipped Caddyfile that name this machine: the site (whose certificate is the test's) and the upstream.</summary>
    [GeneratedRegex(@"(?<line>^cipherpad\.example\.com \{|reverse_proxy 127\.0\.0\.1:5080)", RegexOptions.Multiline)]
    private static partial Regex ShippedMachineLines();
}
