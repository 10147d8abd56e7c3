using Cipherpad.Server.Web;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Tests.Web;

public sealed class PublicLinksTests
{
    private static PublicLinks For(string publicUrl) => new(Options.Create(new CipherpadOptions { PublicUrl = publicUrl }));

    [Theory]
    [InlineData("https://pad.example")]
    [InlineData("https://pad.example/")]
    public void Links_have_one_slash_whether_or_not_the_public_url_ends_with_one(string publicUrl)
    {
        var links = For(publicUrl);

        Assert.Equal("https://pad.example", links.Server);
        Assert.Equal("https://pad.example/signin", links.To("/signin"));
        Assert.Equal("https://pad.example/recover/confirm?token=abc-_9", links.To("/recover/confirm", "abc-_9"));
    }

    [Fact]
    public void A_public_url_under_a_path_keeps_the_path()
    {
        Assert.Equal("https://example.com/pad/aliases/confirm?token=t", For("https://example.com/pad/").To("/aliases/confirm", "t"));
    }

    [Fact]
    public void A_token_is_escaped_so_it_cannot_add_query_parameters()
    {
        Assert.Equal("https://pad.example/confirm-email?token=a%26next%3Dx", For("https://pad.example").To("/confirm-email", "a&next=x"));
    }

    [Fact]
    public void A_relative_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => For("https://pad.example").To("signin"));
    }

    [Fact]
    public void The_activate_command_names_this_server_and_the_account()
    {
        Assert.Equal("cipherpad activate --server https://pad.example --email ann@example.com",
            For("https://pad.example/").ActivateCommand("ann@example.com"));
    }
}
