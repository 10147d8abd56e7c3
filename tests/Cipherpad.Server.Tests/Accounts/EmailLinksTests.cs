using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class EmailLinksTests : IAsyncLifetime
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);
    private AsyncServiceScope _scope;
    private EmailLinks _links = null!;
    private Guid _accountId;

    public async Task InitializeAsync()
    {
        _scope = _factory.Services.CreateAsyncScope();
        var db = _scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var account = new Account
        {
            FirstName = "Ann", LastName = "Lee", Email = "ann@example.com", Phone = "+491701234567",
            SecurityQuestion = "First pet?", SecurityAnswerHash = "unused",
        };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        _accountId = account.Id;
        _links = _scope.ServiceProvider.GetRequiredService<EmailLinks>();
    }

    public async Task DisposeAsync()
    {
        await _scope.DisposeAsync();
        _factory.Dispose();
    }

    private static string TokenOf(string link) => link[(link.IndexOf("?token=", StringComparison.Ordinal) + 7)..];

    [Theory]
    [InlineData(EmailLinkKind.Recovery, "http://localhost/recover/confirm?token=")]
    [InlineData(EmailLinkKind.NewActivationCode, "http://localhost/activation/new-code?token=")]
    [InlineData(EmailLinkKind.AddAlias, "http://localhost/aliases/confirm?token=")]
    public async Task Each_kind_of_link_lands_on_its_own_page(EmailLinkKind kind, string start)
    {
        var link = await _links.IssueAsync(_accountId, kind, default);

        Assert.StartsWith(start, link, StringComparison.Ordinal);
        Assert.Equal(_accountId, (await _links.AccountForAsync(TokenOf(link), kind, default))?.Id);
    }

    [Fact]
    public async Task A_link_acts_once()
    {
        var token = TokenOf(await _links.IssueAsync(_accountId, EmailLinkKind.AddAlias, default, "ann.lee@work.example"));
        var link = await _links.FindAsync(token, EmailLinkKind.AddAlias, default);

        Assert.Equal("ann.lee@work.example", link?.Address);
        Assert.True(await _links.TryClaimAsync(link!, default));
        Assert.False(await _links.TryClaimAsync(link!, default));
        Assert.Null(await _links.FindAsync(token, EmailLinkKind.AddAlias, default));
    }

    [Fact]
    public async Task A_link_works_only_for_its_kind_and_lifetime()
    {
        var token = TokenOf(await _links.IssueAsync(_accountId, EmailLinkKind.Recovery, default));

        Assert.Null(await _links.FindAsync(token, EmailLinkKind.NewActivationCode, default));
        _factory.Time.Offset = _links.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Null(await _links.FindAsync(token, EmailLinkKind.Recovery, default));
    }

    [Fact]
    public async Task An_unknown_empty_or_overlong_token_finds_nothing()
    {
        foreach (var token in new[] { null, "", "unknown-token", new string('a', 101) })
        {
            Assert.Null(await _links.AccountForAsync(token, EmailLinkKind.Recovery, default));
        }
    }
}
