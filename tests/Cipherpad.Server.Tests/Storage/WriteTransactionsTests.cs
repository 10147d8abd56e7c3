using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// The hot path's write transactions on SQLite: they commit without a flush of their own, so each must wait for a shared
/// flush of the write-ahead log before it answers, and must leave its connection as durable as it found it for every
/// other write.
/// </summary>
public sealed class WriteTransactionsTests : IDisposable
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    [Fact]
    public async Task A_login_at_a_relying_party_answers_only_after_the_log_was_flushed_to_disk()
    {
        var pad = await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var commits = _factory.Services.GetRequiredService<SqliteGroupCommit>();
        var flushesBefore = commits.Flushes;

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(_factory, shop, "ann@example.com", pad));

        // The create and the verify each waited for a flush that began after their commit.
        Assert.True(commits.Flushes >= flushesBefore + 2, $"{commits.Flushes - flushesBefore} flushes for a create and a verify");
    }

    [Fact]
    public async Task Concurrent_transactions_all_commit_and_share_flushes_without_leaving_a_connection_unflushed()
    {
        const int Transactions = 40;
        var commits = _factory.Services.GetRequiredService<SqliteGroupCommit>();
        var flushesBefore = commits.Flushes;

        await Task.WhenAll(Enumerable.Range(0, Transactions).Select(async i =>
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
            {
                await db.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261205, 0.5)""",
                    new { accountId = Guid.NewGuid() }, default);
                await Task.Delay(1); // another transaction queues meanwhile
            }, default);
            // The context has its own connection back, on which every other write flushes itself.
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(2L, await command.ExecuteScalarAsync()); // FULL
            await db.Database.CloseConnectionAsync();
        }));

        await using var check = _factory.Services.CreateAsyncScope();
        Assert.Equal(Transactions, await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.CountAsync(r => r.Day == 20261205));
        var flushes = commits.Flushes - flushesBefore;
        Assert.InRange(flushes, 1, Transactions);
    }

    [Fact]
    public async Task A_transaction_that_fails_leaves_nothing_and_frees_the_writer_for_the_next()
    {
        var accountId = Guid.NewGuid();
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
            {
                await db.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 1, 0.5)""", new { accountId }, default);
                throw new InvalidOperationException("the request failed half-way");
            }, default));
        }
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(
                () => db.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 2, 0.5)""", new { accountId }, default),
                default).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal([2], await db.GuessRisks.Where(r => r.AccountId == accountId).Select(r => r.Day).ToListAsync());
        }
    }

    [Theory]
    [InlineData("Host=db;Database=cipherpad", "Max Auto Prepare=64", "No Reset On Close=True")]
    [InlineData("Host=db;Database=cipherpad;Max Auto Prepare=0", "Max Auto Prepare=0", "No Reset On Close=True")]
    [InlineData("Host=db;Database=cipherpad;NoResetOnClose=false", "Max Auto Prepare=64", "No Reset On Close=False")]
    [InlineData("Host=db;Database=cipherpad;Password=\"x;Max Auto Prepare=0\"", "Max Auto Prepare=64", "No Reset On Close=True")]
    public void PostgreSql_connections_prepare_and_keep_their_session_unless_the_operator_said_otherwise(string configured, string prepare, string reset)
    {
        var effective = StorageExtensions.ForRequests(configured);

        Assert.Contains(prepare, effective, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(reset, effective, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Host=db", effective, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _factory.Dispose();
}
