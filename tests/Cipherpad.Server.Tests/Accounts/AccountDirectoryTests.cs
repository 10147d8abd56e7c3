using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class AccountDirectoryTests : IAsyncLifetime
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);
    private AsyncServiceScope _scope;
    private AccountDirectory _directory = null!;
    private Account _ann = null!;

    public async Task InitializeAsync()
    {
        _scope = _factory.Services.CreateAsyncScope();
        var db = _scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        _ann = new Account
        {
            FirstName = "Ann", LastName = "Lee", Email = "ann@example.com", Phone = "+491701234567",
            SecurityQuestion = "First pet?", SecurityAnswerHash = "unused",
        };
        db.Accounts.Add(_ann);
        db.AccountAliases.Add(new AccountAlias { AccountId = _ann.Id, Email = "ann.lee@work.example" });
        await db.SaveChangesAsync();
        _directory = _scope.ServiceProvider.GetRequiredService<AccountDirectory>();
    }

    public async Task DisposeAsync()
    {
        await _scope.DisposeAsync();
        _factory.Dispose();
    }

    [Theory]
    [InlineData("ann@example.com")]
    [InlineData("  Ann@Example.COM ")]
    [InlineData("ann.lee@work.example")]
    [InlineData("ANN.LEE@work.example")]
    public async Task An_account_is_found_by_its_e_mail_or_alias_as_typed(string login)
    {
        Assert.Equal(_ann.Id, (await _directory.FindAsync(login, default))?.Id);
        Assert.True(await _directory.InUseAsync(login, default));
    }

    [Fact]
    public async Task An_address_no_account_uses_is_free()
    {
        Assert.Null(await _directory.FindAsync("bob@example.com", default));
        Assert.False(await _directory.InUseAsync("bob@example.com", default));
    }
}
