using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cipherpad.Server.Tests;

/// <summary>Upgrading a database keeps what its accounts had chosen, on each provider.</summary>
public abstract class MigrationScenarios
{
    private const string Initial = "Initial";

    protected abstract Task<CipherpadDbContext> CreateContextAsync();

    protected abstract string TrueLiteral { get; }

    [Fact]
    public async Task The_methods_an_account_had_on_become_method_rows()
    {
        await using var db = await CreateContextAsync();
        var migrator = db.GetService<IMigrator>();
        var initial = db.Database.GetMigrations().Single(m => m.EndsWith(Initial, StringComparison.Ordinal));
        await migrator.MigrateAsync(initial);
        var (both, padOnly, unchosen) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var accounts = new[]
        {
            (both, TrueLiteral, TrueLiteral, "638000000000000000"),
            (padOnly, TrueLiteral, FalseLiteral, "638000000000000000"),
            (unchosen, FalseLiteral, FalseLiteral, "NULL"),
        };
        foreach (var (id, app, sms, chosen) in accounts)
        {
            var idText = db.Database.IsNpgsql() ? $"'{id}'" : $"'{id.ToString().ToUpperInvariant()}'";
#pragma warning disable EF1002 // Test data from constants only.
            await db.Database.ExecuteSqlRawAsync($"""
                INSERT INTO "Accounts" ("Id", "FirstName", "LastName", "Email", "Phone", "SecurityQuestion", "SecurityAnswerHash", "CreatedAt",
                    "AppMethodEnabled", "SmsMethodEnabled", "ConfirmAllOperations", "Notifications", "MethodsChosenAt")
                VALUES ({idText}, 'A', 'B', '{id}@example.com', '+491701234567', 'Q?', 'hash', 637000000000000000, {app}, {sms}, {FalseLiteral}, 0, {chosen})
                """);
#pragma warning restore EF1002
        }

        await migrator.MigrateAsync();

        var rows = await db.AccountMethods.AsNoTracking().ToListAsync();
        Assert.Equal(["app", "sms"], rows.Where(r => r.AccountId == both).Select(r => r.Method).Order(StringComparer.Ordinal));
        Assert.Equal(["app"], rows.Where(r => r.AccountId == padOnly).Select(r => r.Method));
        Assert.DoesNotContain(rows, r => r.AccountId == unchosen);
        Assert.All(rows, r => Assert.Equal((AccountMethodState.On, 638000000000000000L), (r.State, r.ChangedAt.UtcTicks)));
    }

    [Fact]
    public async Task Questions_asked_before_the_upgrade_are_in_the_phone_pads_index_when_they_are_approvals()
    {
        await using var db = await CreateContextAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_PushQuestionsIndex", StringComparison.Ordinal)) - 1];
        await migrator.MigrateAsync(before);
        var account = Guid.NewGuid();
        foreach (var method in new[] { "push", "app", "push" })
        {
            var id = Guid.NewGuid();
            (string Id, string Account) text = db.Database.IsNpgsql()
                ? ($"'{id}'", $"'{account}'")
                : ($"'{id.ToString().ToUpperInvariant()}'", $"'{account.ToString().ToUpperInvariant()}'");
#pragma warning disable EF1002 // Test data from constants only.
            await db.Database.ExecuteSqlRawAsync($"""
                INSERT INTO "Challenges" ("Id", "RelyingPartyId", "AccountId", "Purpose", "Question", "CreatedAt", "ExpiresAt", "WrongAnswers",
                    "Status", "Method", "QrPayload")
                VALUES ({text.Id}, {text.Account}, {text.Account}, 'Login', '12345678', 638000000000000000, 638000000000000000, 0,
                    'Pending', '{method}', '')
                """);
#pragma warning restore EF1002
        }

        await migrator.MigrateAsync();

        Assert.Equal(["push", "push"], await PushMethod.AccountQuestions(db, account).Select(c => c.Method).ToListAsync());
        Assert.Equal(3, await db.Challenges.CountAsync(c => c.AccountId == account));
        var indexes = await db.Database.SqlQueryRaw<string>(db.Database.IsNpgsql()
            ? """SELECT indexname AS "Value" FROM pg_indexes WHERE tablename = 'Challenges'"""
            : """SELECT name AS "Value" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Challenges'""").ToListAsync();
        Assert.Contains("IX_Challenges_Push_AccountId_CreatedAt", indexes);
        Assert.DoesNotContain("IX_Challenges_AccountId_CreatedAt", indexes);
    }

    private string FalseLiteral => TrueLiteral == "TRUE" ? "FALSE" : "0";
}

public sealed class SqliteMigrationScenarios : MigrationScenarios, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"cipherpad-migration-{Guid.NewGuid():N}.db");

    protected override string TrueLiteral => "1";

    protected override Task<CipherpadDbContext> CreateContextAsync() => Task.FromResult<CipherpadDbContext>(
        new SqliteCipherpadDbContext(new DbContextOptionsBuilder<SqliteCipherpadDbContext>().UseSqlite($"Data Source={_file}").Options));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresMigrationScenarios(PostgresServer postgres) : MigrationScenarios
{
    protected override string TrueLiteral => "TRUE";

    protected override async Task<CipherpadDbContext> CreateContextAsync() =>
        new PostgresCipherpadDbContext(new DbContextOptionsBuilder<PostgresCipherpadDbContext>().UseNpgsql(await postgres.CreateDatabaseAsync()).Options);
}
