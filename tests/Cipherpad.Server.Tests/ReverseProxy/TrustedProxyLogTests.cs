using Cipherpad.Server.ReverseProxy;
using Cipherpad.Testing;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Server.Tests.ReverseProxy;

/// <summary>What the server says about trusted proxies: which at start, and once when an unlisted peer sends forwarded headers.</summary>
public sealed class TrustedProxyLogTests
{
    private static readonly string Category = typeof(TrustedProxies).FullName!;

    [Fact(Timeout = 60_000)]
    public async Task The_trusted_proxies_are_logged_at_start_and_forwarding_from_an_unlisted_peer_is_warned_about_once()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string> { ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "127.0.0.1", ["Cipherpad:ReverseProxy:TrustedProxies:1"] = "fd00::/8" });
        var log = factory.ServerLog;
        var server = factory.StartOnLoopback();
        using var unlisted = LoopbackClients.From("127.0.0.5", server);
        unlisted.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");

        await unlisted.GetAsync("/signin");
        await unlisted.GetAsync("/signin");

        Assert.Contains(log.Messages(Category, LogLevel.Information), m => m.Contains("from the reverse proxies 127.0.0.1, fd00::/8", StringComparison.Ordinal));
        var warning = Assert.Single(log.Messages(Category, LogLevel.Warning), m => m.Contains("Cipherpad:ReverseProxy:TrustedProxies", StringComparison.Ordinal));
        Assert.Contains("A request from 127.0.0.5 carried X-Forwarded-For or Forwarded", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_trusted_proxies_the_server_says_forwarded_headers_are_ignored()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var log = factory.ServerLog;

        using var client = factory.CreateClient();

        Assert.Contains(log.Messages(Category, LogLevel.Information), m => m.StartsWith("No reverse proxy is trusted", StringComparison.Ordinal));
    }
}
