using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// A statement's row parser is kept from one call to the next, and built again when a column's type is no longer the one
/// it was built for: SQLite gives a computed column the type of the value it holds in each row.
/// </summary>
public sealed class SqlRowParserTests
{
    private const string Computed = """SELECT CASE WHEN @asText THEN '5' ELSE 7 END AS "Value", @name AS "Name" """;

    [Fact]
    public async Task A_computed_column_that_changes_type_between_calls_is_read_by_a_parser_for_its_new_type()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var number = await db.SingleOrDefaultAsync<Row>(Computed, new { asText = false, name = "seven" }, default);
        var text = await db.SingleOrDefaultAsync<Row>(Computed, new { asText = true, name = "five" }, default);
        var nameless = await db.SingleOrDefaultAsync<Row>(Computed, new { asText = false, name = (string?)null }, default);
        var again = await db.SingleOrDefaultAsync<Row>(Computed, new { asText = true, name = "five again" }, default);

        Assert.Equal((7, "seven"), (number!.Value, number.Name));
        Assert.Equal((5, "five"), (text!.Value, text.Name));
        Assert.Equal((7, null), (nameless!.Value, nameless.Name));
        Assert.Equal((5, "five again"), (again!.Value, again.Name));
    }

    private sealed class Row
    {
        public long Value { get; set; }

        public string? Name { get; set; }
    }
}
