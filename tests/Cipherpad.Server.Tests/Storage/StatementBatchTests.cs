using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// Statements sent as one command: each keeps its own arguments although they have the same names, they run in the order
/// they were added, inside the write transaction, and a rolled-back transaction keeps none of them.
/// </summary>
public abstract class StatementBatchTests
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private const string AddRisk = """INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, @day, @spent)""";

    [Fact]
    public async Task Statements_with_the_same_parameter_names_keep_their_own_values_and_their_order()
    {
        using var factory = await CreateFactoryAsync();
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var batch = scope.ServiceProvider.GetRequiredService<StatementBatch>();
            await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
            {
                batch.Add(AddRisk, new { accountId = first, day = 20261205, spent = 0.25 });
                batch.Add(AddRisk, new { accountId = second, day = 20261206, spent = 0.5 });
                // Runs after the insert of the same row, so it finds it.
                batch.Add("""UPDATE "GuessRisks" SET "Spent" = "Spent" + @spent WHERE "AccountId" = @accountId""", new { accountId = first, spent = 1.0 });
                await batch.ExecuteAsync(default);
            }, default);
        }

        await using var check = factory.Services.CreateAsyncScope();
        var rows = await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.AsNoTracking().OrderBy(r => r.Day).ToListAsync();
        Assert.Equal([(first, 20261205, 1.25), (second, 20261206, 0.5)], rows.Select(r => (r.AccountId, r.Day, r.Spent)));
    }

    [Fact]
    public async Task A_batch_sent_after_a_guard_says_whether_the_guard_changed_a_row_and_a_transaction_failed_for_it_keeps_nothing()
    {
        using var factory = await CreateFactoryAsync();
        var (account, other) = (Guid.NewGuid(), Guid.NewGuid());
        const string Raise = """UPDATE "GuessRisks" SET "Spent" = "Spent" + 1 WHERE "AccountId" = @accountId RETURNING "Spent" """;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var batch = scope.ServiceProvider.GetRequiredService<StatementBatch>();
            var writes = scope.ServiceProvider.GetRequiredService<WriteTransactions>();
            await writes.RunAsync(async () =>
            {
                batch.Add(AddRisk, new { accountId = account, day = 20261205, spent = 0.25 });
                await batch.ExecuteAsync(default);
                batch.Add(AddRisk, new { accountId = account, day = 20261206, spent = 0.5 });
                Assert.True(await batch.ExecuteAfterAsync(Raise, new { accountId = account }, default));
            }, default);
            await Assert.ThrowsAsync<InvalidOperationException>(() => writes.RunAsync<bool>(async () =>
            {
                batch.Add(AddRisk, new { accountId = other, day = 20261205, spent = 0.25 });
                return await batch.ExecuteAfterAsync(Raise, new { accountId = Guid.NewGuid() }, default)
                    ? true : throw new InvalidOperationException("the guard changed no row");
            }, default));
        }

        await using var check = factory.Services.CreateAsyncScope();
        var rows = await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.AsNoTracking().OrderBy(r => r.Day).ToListAsync();
        Assert.Equal([(account, 20261205, 1.25), (account, 20261206, 0.5)], rows.Select(r => (r.AccountId, r.Day, r.Spent)));
    }

    [Fact]
    public async Task A_transaction_that_fails_after_the_batch_keeps_none_of_it()
    {
        using var factory = await CreateFactoryAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var batch = scope.ServiceProvider.GetRequiredService<StatementBatch>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync<bool>(async () =>
            {
                batch.Add(AddRisk, new { accountId = Guid.NewGuid(), day = 20261205, spent = 0.25 });
                batch.Add(AddRisk, new { accountId = Guid.NewGuid(), day = 20261205, spent = 0.5 });
                await batch.ExecuteAsync(default);
                throw new InvalidOperationException("the request failed after its batch");
            }, default));
        }

        await using var check = factory.Services.CreateAsyncScope();
        Assert.Equal(0, await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.CountAsync());
    }
}

public sealed class SqliteStatementBatchTests : StatementBatchTests
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresStatementBatchTests(PostgresServer postgres) : StatementBatchTests
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
