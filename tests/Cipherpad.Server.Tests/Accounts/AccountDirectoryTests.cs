using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class AccountDirectoryTests : WithAnAccount
{
    private AccountDirectory Directory => Service<AccountDirectory>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var db = Service<CipherpadDbContext>();
        db.AccountAliases.Add(new AccountAlias { AccountId = Ann.Id, Email = "ann.lee@work.example" });
        await db.SaveChangesAsync();
    }

    [Theory]
    [InlineData("ann@example.com")]
    [InlineData("  Ann@Example.COM ")]
    [InlineData("ann.lee@work.example")]
    [InlineData("ANN.LEE@work.example")]
    public async Task An_account_is_found_by_its_e_mail_or_alias_as_typed(string login)
    {
        Assert.Equal(Ann.Id, (await Directory.FindAsync(login, default))?.Id);
        Assert.True(await Directory.InUseAsync(login, default));
    }

    [Fact]
    public async Task An_address_no_account_uses_is_free()
    {
        Assert.Null(await Directory.FindAsync("bob@example.com", default));
        Assert.False(await Directory.InUseAsync("bob@example.com", default));
    }
}
