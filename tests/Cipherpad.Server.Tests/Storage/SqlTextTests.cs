using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>Statement texts as cache keys: hashed from a few characters, still compared by every character.</summary>
public sealed class SqlTextTests
{
    [Fact]
    public void The_same_text_in_another_string_is_the_same_key()
    {
        const string Statement = """SELECT "Id" FROM "Devices" WHERE "AccountId" = @accountId""";
        var built = string.Concat("""SELECT "Id" FROM "Devices" """, """WHERE "AccountId" = @accountId""");

        Assert.NotSame(Statement, built);
        Assert.Equal(SqlText.Hash(Statement), SqlText.Hash(built));
        Assert.True(SqlText.Comparer.Equals(Statement, built));
    }

    [Fact]
    public void Statements_that_share_a_hash_are_still_two_keys()
    {
        // The same length, and the same characters at a third, half and the end: only the characters in between differ.
        const string Reads = "SELECT @a FROM \"Pads\"  WHERE 1";
        const string Other = "DELETE @b FROM \"Pads\"  WHERE 1";
        Assert.Equal(SqlText.Hash(Reads), SqlText.Hash(Other));
        var cache = new Dictionary<string, string>(SqlText.Comparer) { [Reads] = "reads", [Other] = "other" };

        Assert.False(SqlText.Comparer.Equals(Reads, Other));
        Assert.Equal("reads", cache[Reads]);
        Assert.Equal("other", cache[Other]);
        Assert.False(cache.ContainsKey(Reads + " "));
    }

    [Fact]
    public void An_empty_text_has_a_hash_too() => Assert.Equal(0, SqlText.Hash(""));
}
