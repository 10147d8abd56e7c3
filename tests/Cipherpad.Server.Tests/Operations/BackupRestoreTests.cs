using System.Diagnostics;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Tests.Operations;

/// <summary>
/// The backup and restore procedures of docs/operations.md, run as written, with the real server: a backup taken while
/// people log in, restored beside the master key, serves the same accounts, pads and relying parties.
/// </summary>
public sealed class BackupRestoreTests
{
    internal const string Email = "ann@example.com";

    [Fact]
    public async Task A_sqlite_backup_taken_while_logins_run_restores_to_a_server_where_the_same_pad_logs_in()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        using var shopAtFactory = await Journeys.RelyingPartyClientAsync(factory);
        var backup = Path.Combine(factory.DataDirectory, "..", $"cipherpad-backup-{Guid.NewGuid():N}.db");
        var restored = Path.Combine(Path.GetTempPath(), "cipherpad-restored-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            int before, during;
            await using (var server = await ServerProcess.StartAsync(factory, Limits))
            {
                using var shop = ShopAt(server, shopAtFactory);
                before = await LogInAsync(factory, shop, pad.Secret, times: 5);
                // Logins go on while the backup is taken.
                using var stop = new CancellationTokenSource();
                var load = Task.Run(async () =>
                {
                    var count = 0;
                    while (!stop.IsCancellationRequested)
                    {
                        count += await LogInAsync(factory, shop, pad.Secret, times: 1);
                    }
                    return count;
                });
                var (exitCode, output, error) = await RunAsync(ServerProcess.Program(factory, null, "backup", backup));
                await stop.CancelAsync();
                during = await load;
                Assert.True(exitCode == 0, error);
                Assert.Contains("integrity check passed", output, StringComparison.Ordinal);
                Assert.Equal(2, (await RunAsync(ServerProcess.Program(factory, null, "backup", backup))).ExitCode); // never overwritten
            }
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
            }

            // Restore as the guide says: the file into an empty data directory, the same master key.
            Directory.CreateDirectory(restored);
            File.Copy(backup, Path.Combine(restored, "cipherpad.db"));
            await using var restoredServer = await ServerProcess.StartAsync(factory,
                new Dictionary<string, string>(Limits) { ["Cipherpad:DataDirectory"] = restored });
            using var restoredShop = ShopAt(restoredServer, shopAtFactory);

            Assert.Equal(1, await LogInAsync(factory, restoredShop, pad.Secret, times: 1));
            var successes = await LoginSuccessesAsync(new DbContextOptionsBuilder<SqliteCipherpadDbContext>()
                .UseSqlite($"Data Source={Path.Combine(restored, "cipherpad.db")};Pooling=False").Options);
            // Everything committed before the backup began, and the one login after the restore; what ran during it may be in or not.
            Assert.InRange(successes, before + 1, before + during + 1);
        }
        finally
        {
            File.Delete(backup);
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }
        }
    }

    internal static readonly Dictionary<string, string> Limits = new() { ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = "100000" };

    internal static HttpClient ShopAt(ServerProcess server, HttpClient shopAtFactory)
    {
        var shop = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        shop.DefaultRequestHeaders.Authorization = shopAtFactory.DefaultRequestHeaders.Authorization;
        return shop;
    }

    internal static async Task<int> LogInAsync(CipherpadFactory factory, HttpClient shop, byte[] pad, int times)
    {
        var succeeded = 0;
        for (var i = 0; i < times; i++)
        {
            if (await Journeys.LogInAtRelyingPartyAsync(factory, shop, Email, pad, "198.51.100.40") == "success")
            {
                succeeded++;
            }
        }
        return succeeded;
    }

    internal static async Task<int> LoginSuccessesAsync<TContext>(DbContextOptions<TContext> options) where TContext : CipherpadDbContext
    {
        await using var db = (TContext)Activator.CreateInstance(typeof(TContext), options)!;
        return await db.AuthorizationLog.CountAsync(e => e.Result == "success" && e.Purpose == "login");
    }

    internal static Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start) =>
        ProgramRun.ToEndAsync(start, TimeSpan.FromSeconds(120));
}

/// <summary>PostgreSQL's backup and restore as docs/operations.md gives them: <c>pg_dump --format=custom</c>, then <c>pg_restore</c> into a new database.</summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresBackupRestoreTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_pg_dump_taken_while_logins_run_restores_to_a_database_where_the_same_pad_logs_in()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await PadApi.RegisterAndActivateAsync(factory, BackupRestoreTests.Email);
        using var shopAtFactory = await Journeys.RelyingPartyClientAsync(factory);
        var dump = Path.Combine(Path.GetTempPath(), $"cipherpad-{Guid.NewGuid():N}.dump");
        var source = new Npgsql.NpgsqlConnectionStringBuilder(factory.ConnectionString);
        var target = new Npgsql.NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        try
        {
            int before;
            await using (var server = await ServerProcess.StartAsync(factory, BackupRestoreTests.Limits))
            {
                using var shop = BackupRestoreTests.ShopAt(server, shopAtFactory);
                before = await BackupRestoreTests.LogInAsync(factory, shop, pad.Secret, times: 5);
                var dumping = BackupRestoreTests.RunAsync(Tool("pg_dump", source, "--format=custom", $"--file={dump}", source.Database!));
                await BackupRestoreTests.LogInAsync(factory, shop, pad.Secret, times: 3);
                var (exitCode, _, error) = await dumping;
                Assert.True(exitCode == 0, error);
            }
            var (restoreCode, _, restoreError) = await BackupRestoreTests.RunAsync(Tool("pg_restore", target, "--no-owner", $"--dbname={target.Database}", dump));
            Assert.True(restoreCode == 0, restoreError);

            await using var restoredServer = await ServerProcess.StartAsync(factory,
                new Dictionary<string, string>(BackupRestoreTests.Limits) { ["Cipherpad:Database:ConnectionString"] = target.ConnectionString });
            using var restoredShop = BackupRestoreTests.ShopAt(restoredServer, shopAtFactory);

            Assert.Equal(1, await BackupRestoreTests.LogInAsync(factory, restoredShop, pad.Secret, times: 1));
            var successes = await BackupRestoreTests.LoginSuccessesAsync(new DbContextOptionsBuilder<PostgresCipherpadDbContext>()
                .UseNpgsql(target.ConnectionString).Options);
            Assert.InRange(successes, before + 1, before + 3 + 1);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    /// <summary>A PostgreSQL client tool run against the database <paramref name="database"/> names, as the guide runs it.</summary>
    private static ProcessStartInfo Tool(string name, Npgsql.NpgsqlConnectionStringBuilder database, params string[] arguments)
    {
        var start = new ProcessStartInfo(name);
        foreach (var argument in (string[])[$"--host={database.Host}", $"--port={database.Port}", $"--username={database.Username}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }
}
