using Cipherpad.Server.ReverseProxy;
using Microsoft.Extensions.Primitives;

namespace Cipherpad.Server.Tests.ReverseProxy;

/// <summary>The <c>Forwarded</c> header of RFC 7239, read into hops for the forwarded-headers middleware.</summary>
public sealed class ForwardedHeaderTests
{
    [Fact]
    public void A_hop_gives_its_address_and_scheme()
    {
        Assert.Equal([new ForwardedHop("192.0.2.60", "http")], ForwardedHeader.Parse("for=192.0.2.60;proto=http;by=203.0.113.43"));
    }

    [Fact]
    public void Hops_keep_the_order_the_proxies_appended_them_in_across_header_lines()
    {
        var hops = ForwardedHeader.Parse(new StringValues(["for=192.0.2.43, for=198.51.100.17;proto=https", "for=203.0.113.9"]));

        Assert.Equal(["192.0.2.43", "198.51.100.17", "203.0.113.9"], hops.Select(h => h.For));
        Assert.Equal([null, "https", null], hops.Select(h => h.Proto));
    }

    [Theory]
    [InlineData("for=192.0.2.43", "192.0.2.43")]
    [InlineData("for=\"192.0.2.43:47011\"", "192.0.2.43")]
    [InlineData("for=192.0.2.43:47011", "192.0.2.43")] // unquoted ':' breaks the RFC, but proxies send it
    [InlineData("for=\"192.0.2.43:_port7\"", "192.0.2.43")]
    [InlineData("For=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17")]
    [InlineData("for=\"[2001:db8:cafe::17]\"", "2001:db8:cafe::17")]
    [InlineData("for=\"[2001:DB8:0:0::17]:_x\"", "2001:db8::17")]
    [InlineData("for=\"2001:db8::17\"", "2001:db8::17")]
    [InlineData("FOR=\"\\192.0.2.43\"", "192.0.2.43")]
    public void An_address_is_read_with_or_without_port_and_written_as_the_address_alone(string header, string address)
    {
        Assert.Equal(address, Assert.Single(ForwardedHeader.Parse(header)).For);
    }

    [Theory]
    [InlineData("for=unknown")]
    [InlineData("for=\"_gazonk\"")]
    [InlineData("for=_hidden")]
    [InlineData("for=\"[192.0.2.43]\"")]
    [InlineData("for=\"[2001:db8::17\"")]
    [InlineData("for=\"[2001:db8::17]4711\"")]
    [InlineData("for=\"192.0.2.43:99999\"")]
    [InlineData("for=\"192.0.2.43:\"")]
    [InlineData("for=\"192.0.2.43:_\"")]
    [InlineData("for=10.1")]
    [InlineData("for=\"fe80::1%eth0\"")]
    [InlineData("for=\"[fe80::1%eth0]\"")]
    [InlineData("for=example.com")]
    [InlineData("for=")]
    [InlineData("for=\"\"")]
    [InlineData("for=\"192.0.2.43\" x")]
    [InlineData("for=\"19\"2.0.2.43\"")]
    [InlineData("for=192.0.2.43;for=198.51.100.17")]
    [InlineData("for=192.0.2.43;=x")]
    [InlineData("for=192.0.2.43;proto")]
    [InlineData("for=192.0.2.43;pro to=https")]
    [InlineData("proto=https")]
    [InlineData("for=\"192.0.2.43")]
    public void A_hidden_missing_or_malformed_address_is_unknown(string header)
    {
        Assert.Equal(ForwardedHeader.Unknown, Assert.Single(ForwardedHeader.Parse(header)).For);
    }

    [Fact]
    public void A_malformed_hop_on_the_left_does_not_hide_the_hops_to_its_right()
    {
        var hops = ForwardedHeader.Parse("for=\"a,b\";for=1.2.3.4, for=198.51.100.17;proto=https");

        Assert.Equal([new ForwardedHop(ForwardedHeader.Unknown, null), new ForwardedHop("198.51.100.17", "https")], hops);
    }

    [Fact]
    public void A_quoted_comma_or_semicolon_does_not_split_a_hop()
    {
        var hops = ForwardedHeader.Parse("for=192.0.2.43;ext=\"a,b;c\";proto=https, for=198.51.100.17");

        Assert.Equal([new ForwardedHop("192.0.2.43", "https"), new ForwardedHop("198.51.100.17", null)], hops);
    }

    [Fact]
    public void An_unclosed_quote_swallows_everything_after_it_into_one_unknown_hop()
    {
        Assert.Equal([new ForwardedHop(ForwardedHeader.Unknown, null)], ForwardedHeader.Parse("for=\"192.0.2.43, for=198.51.100.17"));
    }

    [Theory]
    [InlineData("for=192.0.2.43;proto=HTTPS", "https")]
    [InlineData("for=192.0.2.43;Proto=\"http\"", "http")]
    [InlineData("for=192.0.2.43;proto=ftp", null)]
    [InlineData("for=192.0.2.43", null)]
    public void Only_http_and_https_are_taken_as_the_scheme(string header, string? scheme)
    {
        Assert.Equal(scheme, Assert.Single(ForwardedHeader.Parse(header)).Proto);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ,")]
    public void Empty_elements_are_no_hops(string header)
    {
        Assert.Empty(ForwardedHeader.Parse(header));
    }
}
