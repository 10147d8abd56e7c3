using System.Net;
using Cipherpad.Server.ReverseProxy;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.ReverseProxy;

/// <summary>The trusted proxies setting: addresses and CIDR networks, IPv4 and IPv6, checked at start.</summary>
public sealed class TrustedProxiesTests
{
    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData(" 10.0.0.5 ")]
    [InlineData("::1")]
    [InlineData("10.0.0.0/8")]
    [InlineData("192.168.1.0/24")]
    [InlineData("192.168.1.7/32")]
    [InlineData("fd00::/8")]
    [InlineData("2001:db8::/32")]
    public void Addresses_and_networks_are_accepted(string entry)
    {
        Assert.Null(TrustedProxies.Problem(entry));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("10.0.0.256", "is not an IP address")]
    [InlineData("10.1", "is not an IP address")]
    [InlineData("proxy.example.com", "is not an IP address")]
    [InlineData("fe80::1%eth0", "interface zone")]
    [InlineData("10.0.0.0/x", "is not a network")]
    [InlineData("10.0.0.0/-1", "is not a network")]
    [InlineData("10.0/8", "is not a network")]
    [InlineData("10.0.0.0/33", "longer than the address's 32 bits")]
    [InlineData("fd00::/129", "longer than the address's 128 bits")]
    [InlineData("10.0.0.1/8", "did you mean 10.0.0.0/8?")]
    [InlineData("fd00::1/8", "did you mean fd00::/8?")]
    [InlineData("0.0.0.0/0", "trusts every address")]
    [InlineData("::/0", "trusts every address")]
    public void A_bad_entry_is_refused_saying_why(string entry, string reason)
    {
        Assert.Contains(reason, TrustedProxies.Problem(entry), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("192.168.1.7", true)]
    [InlineData("::1", true)]
    [InlineData("2001:db8:1::5", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("192.168.1.8", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("2001:db9::1", false)]
    public void Only_listed_addresses_and_members_of_listed_networks_are_trusted(string peer, bool trusted)
    {
        var proxies = TrustedProxies.From(["10.0.0.0/8", "::ffff:192.168.1.7", "::1", "2001:db8::/32"]);

        Assert.Equal(trusted, proxies.Trusts(IPAddress.Parse(peer)));
    }

    [Fact]
    public void No_entries_trust_nobody()
    {
        var proxies = TrustedProxies.From([]);

        Assert.True(proxies.IsEmpty);
        Assert.False(proxies.Trusts(IPAddress.Loopback));
        Assert.False(proxies.Trusts(null));
    }

    [Fact]
    public void A_bad_entry_stops_the_server_naming_its_setting()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "10.0.0.5",
            ["Cipherpad:ReverseProxy:TrustedProxies:1"] = "10.0.0.1/8",
        });

        var exception = Assert.ThrowsAny<Exception>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        Assert.Contains("Cipherpad:ReverseProxy:TrustedProxies:1 = '10.0.0.1/8' has bits set after the first 8: did you mean 10.0.0.0/8?",
            exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TrustedProxies:0", exception.ToString(), StringComparison.Ordinal);
    }
}
