using Cipherpad.Server.Web;
using Cipherpad.Testing;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Server.Tests.Web;

/// <summary>At start the server says where its mailed links point, and warns when it listens somewhere else.</summary>
public sealed class PublicUrlCheckTests
{
    private static readonly string Category = typeof(PublicLinks).FullName!;

    [Theory]
    [InlineData("http://localhost:5080", "http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5080", "http://localhost:5080/", true)]
    [InlineData("http://[::1]:5080", "http://localhost:5080", true)]
    [InlineData("http://[::]:5080", "http://pad.example:5080", true)]
    [InlineData("http://0.0.0.0:80", "http://pad.example/pad/", true)]
    [InlineData("https://192.0.2.10:443", "https://pad.example", true)]
    [InlineData("http://unix:/run/cipherpad.sock", "https://pad.example", true)]
    [InlineData("http://127.0.0.1:5090", "http://localhost:5080", false)]
    [InlineData("http://localhost:5080", "https://localhost:5080", false)]
    [InlineData("http://127.0.0.1:443", "https://pad.example", false)]
    [InlineData("http://127.0.0.1:80", "http://pad.example", false)]
    [InlineData("http://192.0.2.10:5080", "http://localhost:5080", false)]
    public void A_listening_address_serves_the_public_url_with_the_same_scheme_port_and_reach(string listening, string publicUrl, bool serves) =>
        Assert.Equal(serves, PublicUrlCheck.Serves(listening, publicUrl));

    [Fact(Timeout = 60_000)]
    public async Task A_server_listening_elsewhere_than_its_public_url_says_so_and_how_to_fix_it()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string> { ["Cipherpad:PublicUrl"] = "http://localhost:5080" });
        var log = factory.ServerLog;

        var server = await Task.Run(factory.StartOnLoopback);

        Assert.Contains("Links in e-mails and SMS point at http://localhost:5080 (Cipherpad:PublicUrl)", log.Messages(Category, LogLevel.Information));
        var warning = Assert.Single(log.Messages(Category, LogLevel.Warning));
        Assert.Contains($"listens on {server.GetLeftPart(UriPartial.Authority)}", warning, StringComparison.Ordinal);
        Assert.Contains("Set Cipherpad:PublicUrl", warning, StringComparison.Ordinal);
        Assert.Contains("Cipherpad:ReverseProxy:TrustedProxies", warning, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Behind_a_trusted_proxy_a_public_url_elsewhere_is_expected_and_not_warned_about()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string>
            {
                ["Cipherpad:PublicUrl"] = "https://pad.example",
                ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "127.0.0.1",
            });
        var log = factory.ServerLog;

        await Task.Run(factory.StartOnLoopback);

        Assert.Contains("Links in e-mails and SMS point at https://pad.example (Cipherpad:PublicUrl)", log.Messages(Category, LogLevel.Information));
        Assert.Contains(log.Messages(Category, LogLevel.Information), m => m.Contains("as expected behind the trusted reverse proxy", StringComparison.Ordinal));
        Assert.Empty(log.Messages(Category, LogLevel.Warning));
    }
}
