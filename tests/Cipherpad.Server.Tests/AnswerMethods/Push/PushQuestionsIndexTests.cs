using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.AnswerMethods.Push;

/// <summary>
/// The index of an account's questions holds only the push method's, so that a question of another method writes nothing
/// to it; and both queries that read an account's push questions (the pause after denials, a pad's waiting requests)
/// still use it, on each database.
/// </summary>
public abstract class PushQuestionsIndexTests
{
    private const string Index = "IX_Challenges_Push_AccountId_CreatedAt";

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    /// <summary>The index's definition as the database keeps it.</summary>
    protected abstract string DefinitionSql { get; }

    /// <summary>The plan of <paramref name="query"/>, one line per row, on <paramref name="db"/>'s connection.</summary>
    protected abstract Task<string> PlanAsync(CipherpadDbContext db, IQueryable query);

    [Fact]
    public async Task The_index_of_an_accounts_questions_holds_only_push_questions()
    {
        using var factory = await CreateFactoryAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var definition = await db.Database.SqlQueryRaw<string>(DefinitionSql, Index).SingleAsync();

        Assert.Contains("WHERE", definition, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"'{PushMethod.MethodName}'", definition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pause_after_denials_reads_the_accounts_push_questions_from_the_index()
    {
        using var factory = await CreateFactoryAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var plan = await PlanAsync(db, PushMethod.Denials(db, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(-1)));

        Assert.Contains(Index, plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pads_waiting_requests_are_read_from_the_index()
    {
        using var factory = await CreateFactoryAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var plan = await PlanAsync(db, PadApprovals.Waiting(db, Guid.NewGuid(), DateTimeOffset.UtcNow));

        Assert.Contains(Index, plan, StringComparison.Ordinal);
    }

    protected static async Task<string> ReadPlanAsync(CipherpadDbContext db, IQueryable query, string explain, int column)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var command = query.CreateDbCommand();
        command.CommandText = explain + command.CommandText;
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(column));
            }
            return string.Join('\n', lines);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

public sealed class SqlitePushQuestionsIndexTests : PushQuestionsIndexTests
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));

    protected override string DefinitionSql => """SELECT "sql" AS "Value" FROM sqlite_master WHERE "type" = 'index' AND "name" = {0}""";

    protected override Task<string> PlanAsync(CipherpadDbContext db, IQueryable query) =>
        ReadPlanAsync(db, query, "EXPLAIN QUERY PLAN ", column: 3);
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresPushQuestionsIndexTests(PostgresServer postgres) : PushQuestionsIndexTests
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());

    protected override string DefinitionSql => """SELECT indexdef AS "Value" FROM pg_indexes WHERE indexname = {0}""";

    /// <summary>With sequential scans priced out, as they would be in a table of many questions.</summary>
    protected override async Task<string> PlanAsync(CipherpadDbContext db, IQueryable query)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan TO off");
        var plan = await ReadPlanAsync(db, query, "EXPLAIN ", column: 0);
        await transaction.RollbackAsync();
        return plan;
    }
}
