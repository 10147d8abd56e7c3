using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// What the hot path's statements keep from one run to the next is right for each run: a statement's row parser is built
/// again when a column's type is no longer the one it was built for (SQLite gives a computed column the type of the value
/// it holds in each row), and a compiled statement's parameters take each run's values, of whatever type, in whatever order.
/// </summary>
public sealed class SqlTests
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

    [Fact]
    public async Task A_statement_run_again_binds_each_runs_values_whatever_their_types_and_order()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        const string TypeOf = "SELECT typeof(@value)";
        const string Difference = "SELECT @a - @b";

        Assert.Equal("integer", await db.SingleOrDefaultAsync<string>(TypeOf, new { value = 7 }, default));
        Assert.Equal("null", await db.SingleOrDefaultAsync<string>(TypeOf, new { value = (string?)null }, default));
        Assert.Equal("text", await db.SingleOrDefaultAsync<string>(TypeOf, new { value = "seven" }, default));
        Assert.Equal("blob", await db.SingleOrDefaultAsync<string>(TypeOf, new { value = new byte[] { 7 } }, default));
        Assert.Equal("real", await db.SingleOrDefaultAsync<string>(TypeOf, new { value = 7.5 }, default));
        Assert.Equal(3, await db.SingleOrDefaultAsync<long>(Difference, new { a = 5, b = 2 }, default));
        Assert.Equal(3, await db.SingleOrDefaultAsync<long>(Difference, new { b = 2, a = 5 }, default));
        Assert.Equal(-4, await db.SingleOrDefaultAsync<long>(Difference, new { a = 1, b = 5 }, default));
    }

    [Fact]
    public void Statements_combined_again_in_the_same_order_give_the_text_kept_the_first_time_with_each_runs_arguments()
    {
        const string First = "SELECT @a + @b";
        const string Second = "SELECT @a";
        var (text, arguments) = Sql.Combine([(First, new { a = 1, b = 2 }), (Second, new { a = 3 })]);
        var (again, againArguments) = Sql.Combine([(string.Concat("SELECT @a", " + @b"), new { a = 4, b = 5 }), (Second, new { a = 6 })]);
        var (reversed, _) = Sql.Combine([(Second, new { a = 3 }), (First, new { a = 1, b = 2 })]);

        Assert.Equal("SELECT @a_0 + @b_0;\nSELECT @a_1;\n", text);
        Assert.Same(text, again);
        Assert.Equal(new Dictionary<string, object?> { ["a_0"] = 1, ["b_0"] = 2, ["a_1"] = 3 }, arguments);
        Assert.Equal(new Dictionary<string, object?> { ["a_0"] = 4, ["b_0"] = 5, ["a_1"] = 6 }, againArguments);
        Assert.Equal("SELECT @a_0;\nSELECT @a_1 + @b_1;\n", reversed);
    }

    private sealed class Row
    {
        public long Value { get; set; }

        public string? Name { get; set; }
    }
}
