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

    [Theory]
    [InlineData("Ärger@example.com")]
    [InlineData("ärger@example.com")]
    [InlineData("ÄRGER@Example.com")]
    public async Task An_account_stored_with_every_letter_lowercased_by_an_earlier_version_is_found_as_it_was_before(string login)
    {
        var earlier = await AddAccountAsync("ärger@example.com");

        Assert.Equal(earlier, (await Directory.FindAsync(login, default))?.Id);
        Assert.True(await Directory.InUseAsync(login, default));
    }

    [Fact]
    public async Task Letters_outside_ascii_are_kept_as_typed_so_an_address_stored_since_is_not_found_in_lowercase()
    {
        var current = await AddAccountAsync(AccountRules.NormalizeEmail("Öl@Example.com"));

        Assert.Equal("Öl@example.com", (await Service<CipherpadDbContext>().Accounts.FindAsync(current))!.Email);
        Assert.Equal(current, (await Directory.FindAsync("Öl@EXAMPLE.com", default))?.Id);
        Assert.Null(await Directory.FindAsync("öl@example.com", default));
    }

    [Fact]
    public async Task An_address_stored_both_ways_names_the_account_stored_as_typed()
    {
        var earlier = await AddAccountAsync("ärger@example.com");
        var current = await AddAccountAsync("Ärger@example.com");

        Assert.Equal(current, (await Directory.FindAsync("Ärger@example.com", default))?.Id);
        Assert.Equal(earlier, (await Directory.FindAsync("ärger@example.com", default))?.Id);
    }

    private async Task<Guid> AddAccountAsync(string storedEmail)
    {
        var account = new Account
        {
            FirstName = "Ärger", LastName = "Lee", Email = storedEmail, Phone = "+491701234568", SecurityQuestion = "First pet?", SecurityAnswerHash = "unused",
        };
        var db = Service<CipherpadDbContext>();
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    [Fact]
    public async Task An_address_no_account_uses_is_free()
    {
        Assert.Null(await Directory.FindAsync("bob@example.com", default));
        Assert.False(await Directory.InUseAsync("bob@example.com", default));
    }
}
