using Cipherpad.Server.Accounts;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class LastFoundAccountsTests
{
    [Fact]
    public void An_address_guesses_the_account_it_was_last_found_to_be_until_it_is_not_found()
    {
        var lastFound = new LastFoundAccounts();
        var shop = Guid.NewGuid();
        var (ann, bob) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.Null(lastFound.Guess(shop, "ann@example.com"));

        lastFound.Found(shop, "ann@example.com", ann);
        lastFound.Found(shop, "ann@example.com", bob);
        Assert.Equal(bob, lastFound.Guess(shop, "ann@example.com"));
        Assert.Null(lastFound.Guess(shop, "Ann@example.com")); // stored forms, compared as they are

        lastFound.NotFound(shop, "ann@example.com");
        Assert.Null(lastFound.Guess(shop, "ann@example.com"));
    }

    [Fact]
    public void What_one_relying_party_looked_up_is_no_guess_for_another()
    {
        var lastFound = new LastFoundAccounts();
        var (shop, bank, ann) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        lastFound.Found(shop, "ann@example.com", ann);

        Assert.Equal(ann, lastFound.Guess(shop, "ann@example.com"));
        Assert.Null(lastFound.Guess(bank, "ann@example.com"));
        lastFound.NotFound(bank, "ann@example.com");
        Assert.Equal(ann, lastFound.Guess(shop, "ann@example.com"));
    }

    [Fact]
    public void However_many_addresses_are_looked_up_it_remembers_at_most_its_capacity()
    {
        var lastFound = new LastFoundAccounts();
        var shop = Guid.NewGuid();
        for (var address = 0; address < LastFoundAccounts.Capacity * 2 + 10; address++)
        {
            lastFound.Found(shop, $"{address}@example.com", Guid.NewGuid());
            Assert.True(lastFound.Count <= LastFoundAccounts.Capacity, $"{lastFound.Count} addresses remembered");
        }
        Assert.NotEqual(0, lastFound.Count);
    }

    [Fact]
    public void The_same_address_found_again_takes_no_more_room()
    {
        var lastFound = new LastFoundAccounts();
        var shop = Guid.NewGuid();
        var ann = Guid.NewGuid();
        lastFound.Found(shop, "ann@example.com", ann);
        for (var again = 0; again < LastFoundAccounts.Capacity + 10; again++)
        {
            lastFound.Found(shop, "ann@example.com", ann);
        }
        lastFound.Found(shop, "bob@example.com", Guid.NewGuid());
        Assert.Equal(ann, lastFound.Guess(shop, "ann@example.com")); // not cleared by addresses found again
        Assert.Equal(2, lastFound.Count);
    }
}
