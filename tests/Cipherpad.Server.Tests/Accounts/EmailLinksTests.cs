using Cipherpad.Server.Accounts;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class EmailLinksTests : WithAnAccount
{
    private EmailLinks Links => Service<EmailLinks>();

    private async Task<string> IssueAsync(EmailLinkKind kind, string? address = null)
    {
        var link = Links.Issue(Ann.Id, kind, address);
        await Service<Server.Storage.CipherpadDbContext>().SaveChangesAsync();
        return link;
    }

    private static string TokenOf(string link) => link[(link.IndexOf("?token=", StringComparison.Ordinal) + 7)..];

    [Theory]
    [InlineData(EmailLinkKind.Recovery, "http://localhost/recover/confirm?token=")]
    [InlineData(EmailLinkKind.NewActivationCode, "http://localhost/activation/new-code?token=")]
    [InlineData(EmailLinkKind.AddAlias, "http://localhost/aliases/confirm?token=")]
    public async Task Each_kind_of_link_lands_on_its_own_page(EmailLinkKind kind, string start)
    {
        var link = await IssueAsync(kind);

        Assert.StartsWith(start, link, StringComparison.Ordinal);
        Assert.Equal(Ann.Id, (await Links.AccountForAsync(TokenOf(link), kind, default))?.Id);
    }

    [Fact]
    public async Task A_link_acts_once()
    {
        var token = TokenOf(await IssueAsync(EmailLinkKind.AddAlias, "ann.lee@work.example"));
        var link = await Links.FindAsync(token, EmailLinkKind.AddAlias, default);

        Assert.Equal("ann.lee@work.example", link?.Address);
        Assert.True(await Links.TryClaimAsync(link!, default));
        Assert.False(await Links.TryClaimAsync(link!, default));
        Assert.Null(await Links.FindAsync(token, EmailLinkKind.AddAlias, default));
    }

    [Fact]
    public async Task A_link_works_only_for_its_kind_and_lifetime()
    {
        var token = TokenOf(await IssueAsync(EmailLinkKind.Recovery));

        Assert.Null(await Links.FindAsync(token, EmailLinkKind.NewActivationCode, default));
        Time.Offset = Links.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Null(await Links.FindAsync(token, EmailLinkKind.Recovery, default));
    }

    [Fact]
    public async Task An_unknown_empty_or_overlong_token_finds_nothing()
    {
        foreach (var token in new[] { null, "", "unknown-token", new string('a', 101) })
        {
            Assert.Null(await Links.AccountForAsync(token, EmailLinkKind.Recovery, default));
        }
    }
}
