using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// The hot path's write transactions on SQLite: they commit without a flush of their own, so each must wait for a shared
/// flush of the write-ahead log before it answers (unless it is a new question, which may be lost to a power cut), and must
/// leave its connection as durable as it found it for every other write.
/// </summary>
public sealed class WriteTransactionsTests : IDisposable
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    [Fact]
    public async Task A_verify_answers_only_after_the_log_was_flushed_to_disk_and_a_new_question_does_not_wait_for_it()
    {
        var pad = await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var commits = _factory.Services.GetRequiredService<SqliteGroupCommit>();
        var flushesBefore = commits.Flushes;

        var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));
        var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var flushesForTheQuestion = commits.Flushes - flushesBefore;
        await using (var other = new SqliteConnection(ReadOnly(_factory)))
        {
            // Committed all the same: another connection sees it.
            await other.OpenAsync();
            await using var read = other.CreateCommand();
            read.CommandText = """SELECT COUNT(*) FROM "Challenges" WHERE "Id" = $id""";
            read.Parameters.AddWithValue("$id", challenge.ChallengeId.ToString().ToUpperInvariant());
            Assert.Equal(1L, await read.ExecuteScalarAsync());
        }
        var answer = Journeys.AnswerWith(_factory, pad, Core.Answers.Purpose.Login, challenge.Question);
        var verified = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(0, flushesForTheQuestion);
        Assert.Equal("success", verified.Result);
        // The verify waited for a flush that began after its commit, which also made the question durable.
        Assert.True(commits.Flushes >= flushesBefore + 1, $"{commits.Flushes - flushesBefore} flushes for a verify");
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
    public async Task Requests_that_wait_for_the_connection_share_one_commit_and_a_failed_one_takes_back_only_its_own_writes()
    {
        const int Transactions = 40;
        const int Failing = 7;
        using var factory = SharingByWaitersOnly();
        var commits = factory.Services.GetRequiredService<SqliteGroupCommit>();
        await using (var warm = factory.Services.CreateAsyncScope())
        {
            await warm.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(() => Task.CompletedTask, default);
        }
        var commitsBefore = commits.Commits;
        var othersWaiting = new TaskCompletionSource();
        var accounts = Enumerable.Range(0, Transactions).Select(_ => Guid.NewGuid()).ToArray();

        async Task<bool> Insert(int i)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            try
            {
                await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
                {
                    await db.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261206, 0.5)""",
                        new { accountId = accounts[i] }, default);
                    if (i == 0)
                    {
                        await othersWaiting.Task; // the first holds the connection until every other one waits for it
                    }
                    if (i == Failing)
                    {
                        throw new InvalidOperationException("this request failed after its insert");
                    }
                }, default);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        var first = Insert(0);
        var others = Enumerable.Range(1, Transactions - 1).Select(i => Task.Run(() => Insert(i))).ToList();
        await WaitersAsync(commits, Transactions - 1);
        othersWaiting.SetResult();
        var succeeded = await Task.WhenAll(others.Prepend(first)).WaitAsync(TimeSpan.FromSeconds(30));

        await using var check = factory.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.Where(r => r.Day == 20261206)
            .Select(r => r.AccountId).ToListAsync();
        Assert.Equal(Enumerable.Range(0, Transactions).Select(i => i != Failing), succeeded);
        Assert.Equal(accounts.Where((_, i) => i != Failing).Order(), stored.Order());
        Assert.Equal(1, commits.Commits - commitsBefore);
    }

    [Fact]
    public async Task When_an_error_ends_a_shared_transaction_no_request_in_it_is_told_it_committed()
    {
        using var factory = SharingByWaitersOnly();
        var commits = factory.Services.GetRequiredService<SqliteGroupCommit>();
        var (earlier, failing, later) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var secondWaits = new TaskCompletionSource();

        async Task Insert(Guid accountId, bool endTheTransaction = false, Task? holdUntil = null)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
            {
                await db.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261207, 0.5)""", new { accountId }, default);
                if (holdUntil is not null)
                {
                    await holdUntil;
                }
                if (endTheTransaction)
                {
                    // As SQLite does itself on a full disk or an I/O error: the whole transaction is rolled back.
                    await db.ExecuteAsync("ROLLBACK", null, default);
                    throw new InvalidOperationException("the disk is full");
                }
            }, default);
        }

        var first = Insert(earlier, holdUntil: secondWaits.Task);
        var second = Task.Run(() => Insert(failing, endTheTransaction: true));
        await WaitersAsync(commits, 1);
        secondWaits.SetResult();

        // The first request's work was done, but the transaction it was in never committed: it fails too.
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("the disk is full", refused.Message);
        await Insert(later).WaitAsync(TimeSpan.FromSeconds(30));
        await using var check = factory.Services.CreateAsyncScope();
        Assert.Equal([later], await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.Where(r => r.Day == 20261207)
            .Select(r => r.AccountId).ToListAsync());
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

    /// <summary>
    /// One pool holds the requests' contexts and those made for work that commits on its own (the outbox's, a push's). A
    /// context that ran a statement on its own connection must not hand the next user of it a connection that stays open
    /// after each query, which the hot path refuses to lend its own beside.
    /// </summary>
    [Fact]
    public async Task A_context_that_ran_a_statement_on_its_own_connection_leaves_the_request_that_gets_it_next_free_to_write()
    {
        // The provider's own factory, which hands out contexts without the hot path: their statements open their own connection.
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<SqliteCipherpadDbContext>>();
        var background = new List<CipherpadDbContext>();
        for (var i = 0; i < 8; i++)
        {
            background.Add(await contexts.CreateDbContextAsync()); // eight at once: the pool makes new ones too
        }
        foreach (var db in background)
        {
            await db.ExecuteAsync(AddRisk, new { accountId = Guid.NewGuid() }, default);
            Assert.True(db.OpenedForStatements);
            await db.DisposeAsync();
        }

        // Every context the pool holds, in turn.
        for (var request = 0; request < 32; request++)
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            _ = await db.Accounts.AnyAsync(); // a read of EF Core's, which opens and closes the context's own connection
            await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(
                () => db.ExecuteAsync(AddRisk, new { accountId = Guid.NewGuid() }, default), default);
        }
    }

    [Fact]
    public async Task Every_context_the_server_hands_out_runs_its_statements_on_the_hot_path_whoever_had_it_before()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<CipherpadDbContext>>();
        var made = new List<CipherpadDbContext>();
        for (var i = 0; i < 8; i++)
        {
            made.Add(await contexts.CreateDbContextAsync());
        }
        await using var scope = _factory.Services.CreateAsyncScope();

        Assert.All(made, db => Assert.Same(_factory.Services.GetRequiredService<SqliteGroupCommit>(), db.SqliteHotPath));
        Assert.Same(_factory.Services.GetRequiredService<SqliteGroupCommit>(), scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().SqliteHotPath);
        foreach (var db in made)
        {
            await db.DisposeAsync();
        }
    }

    private const string AddRisk = """INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261207, 0.5)""";

    [Fact]
    public async Task A_read_outside_a_write_transaction_neither_waits_for_the_hot_connection_nor_sees_what_it_has_not_committed()
    {
        const string Count = """SELECT COUNT(*) FROM "GuessRisks" WHERE "Day" = 20261207""";
        await using (var warm = _factory.Services.CreateAsyncScope())
        {
            await warm.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(() => Task.CompletedTask, default);
        }
        var inserted = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var writerScope = _factory.Services.CreateAsyncScope();
        var writerDb = writerScope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var writer = writerScope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
        {
            await writerDb.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261207, 0.5)""",
                new { accountId = Guid.NewGuid() }, default);
            inserted.SetResult();
            await release.Task; // holds the hot path's connection, its insert not committed
        }, default);
        await inserted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await using var readerScope = _factory.Services.CreateAsyncScope();
        var readerDb = readerScope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var whileHeld = await readerDb.SingleOrDefaultAsync<long>(Count, null, default).WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        var afterCommit = await readerDb.SingleOrDefaultAsync<long>(Count, null, default);

        Assert.Equal(0, whileHeld);
        Assert.Equal(1, afterCommit);
    }

    [Fact]
    public async Task A_write_outside_a_write_transaction_runs_on_the_hot_connection_and_answers_once_it_is_on_disk()
    {
        const string Insert = """INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261208, 0.5) RETURNING "Spent" """;
        var commits = _factory.Services.GetRequiredService<SqliteGroupCommit>();
        await using (var warm = _factory.Services.CreateAsyncScope())
        {
            await warm.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(() => Task.CompletedTask, default);
        }
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var flushesBefore = commits.Flushes;
        var first = await db.SingleOrDefaultAsync<double>(Insert, new { accountId = Guid.NewGuid() }, default);
        var flushesAfterFirst = commits.Flushes;
        var second = await db.SingleOrDefaultAsync<double>(Insert, new { accountId = Guid.NewGuid() }, default);

        Assert.Equal([0.5, 0.5], [first, second]);
        Assert.True(flushesAfterFirst > flushesBefore, "the first write answered before a flush of the log");
        Assert.True(commits.Flushes > flushesAfterFirst, "the second write answered before a flush of the log");
        Assert.Equal(2, await db.GuessRisks.CountAsync(r => r.Day == 20261208));
    }

    [Fact]
    public async Task A_write_that_changed_nothing_in_a_shared_transaction_returns_only_once_that_transaction_committed()
    {
        using var factory = SharingByWaitersOnly();
        var commits = factory.Services.GetRequiredService<SqliteGroupCommit>();
        await using (var warm = factory.Services.CreateAsyncScope())
        {
            await warm.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(() => Task.CompletedTask, default);
        }
        var firstStarted = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var lastStarted = new TaskCompletionSource();
        var releaseLast = new TaskCompletionSource();

        async Task Hold(TaskCompletionSource started, TaskCompletionSource release)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(async () =>
            {
                await db.ExecuteAsync("""INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261209, 0.5)""",
                    new { accountId = Guid.NewGuid() }, default);
                started.SetResult();
                await release.Task;
            }, default);
        }

        var first = Hold(firstStarted, releaseFirst);
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10)); // it holds the connection, its insert not committed
        await using var scope = factory.Services.CreateAsyncScope();
        var noChange = Task.Run(() => scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().ExecuteAsync(
            """UPDATE "GuessRisks" SET "Spent" = "Spent" WHERE "Day" = 19700101""", null, default));
        await WaitersAsync(commits, 1);
        var last = Task.Run(() => Hold(lastStarted, releaseLast));
        await WaitersAsync(commits, 2);
        releaseFirst.SetResult(); // the shared transaction stays open for the two waiting, the no-op first
        await lastStarted.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the no-op has run, and the last holds the connection

        var returnedBeforeCommit = noChange.IsCompleted;
        releaseLast.SetResult();
        await Task.WhenAll(first, last, noChange).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(returnedBeforeCommit, "the write that changed nothing returned while the shared transaction it ran in was open");
        Assert.Equal(0, await noChange);
    }

    /// <summary>A server whose shared transactions are never closed for their age, so whether one is shared depends only on who waits.</summary>
    private static CipherpadFactory SharingByWaitersOnly() => new(DatabaseProvider.Sqlite, null, services: services =>
    {
        services.RemoveAll<SqliteGroupCommit>();
        services.AddSingleton(new SqliteGroupCommit(TimeSpan.FromMinutes(10)));
    });

    private static async Task WaitersAsync(SqliteGroupCommit commits, int count)
    {
        var waited = Stopwatch.StartNew();
        while (commits.Waiting < count && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5);
        }
    }

    private static string ReadOnly(CipherpadFactory factory) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(factory.DataDirectory, "cipherpad.db"), Mode = SqliteOpenMode.ReadOnly }.ToString();

    public void Dispose() => _factory.Dispose();
}

/// <summary>On PostgreSQL a write transaction commits durably, and only one that may be lost to a power cut turns that off, for itself alone.</summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresWriteTransactionsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Only_a_transaction_run_without_waiting_for_the_disk_commits_without_flushing_and_only_that_transaction()
    {
        var database = await postgres.CreateDatabaseAsync();
        // The tests' cluster flushes nothing; this database flushes as in production.
        await using (var owner = new Npgsql.NpgsqlConnection(database))
        {
            await owner.OpenAsync();
            await using var flushing = owner.CreateCommand();
            flushing.CommandText = "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', current_database()); END $$";
            await flushing.ExecuteNonQueryAsync();
            Npgsql.NpgsqlConnection.ClearPool(owner); // sessions opened from now on take the setting
        }
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, database);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var writes = scope.ServiceProvider.GetRequiredService<WriteTransactions>();
        Task<string?> Setting() => db.SingleOrDefaultAsync<string>("SHOW synchronous_commit", null, default);

        var durable = await writes.RunAsync(Setting, default);
        var losable = await writes.RunWithoutWaitingForDiskAsync(Setting, default);
        var joined = await writes.RunAsync(async () => await writes.RunWithoutWaitingForDiskAsync(Setting, default), default);
        var after = await writes.RunAsync(Setting, default);

        Assert.Equal<string?[]>(["on", "off", "on", "on"], [durable, losable, joined, after]);
    }
}
