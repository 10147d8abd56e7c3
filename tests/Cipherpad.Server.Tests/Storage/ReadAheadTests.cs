using System.Net.Http.Json;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// Reads sent ahead in one command: the later read with the same statement and arguments takes their rows once, from the
/// request's context (so a change made in between is not seen by that one read, and is by the next); another read goes to
/// the database; forgotten rows are read again; and reads sent with a statement that writes come back with its own rows.
/// </summary>
public abstract class ReadAheadTests
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private const string Spent = """SELECT "Spent" FROM "GuessRisks" WHERE "AccountId" = @accountId AND "Day" = @day""";
    private const string Days = """SELECT "Day" FROM "GuessRisks" WHERE "AccountId" = @accountId ORDER BY "Day" """;

    [Fact]
    public async Task A_read_sent_ahead_is_answered_once_from_the_request_and_then_by_the_database()
    {
        using var factory = await CreateFactoryAsync();
        var account = Guid.NewGuid();
        await SetSpentAsync(factory, account, 20261206, 0.25);
        await SetSpentAsync(factory, account, 20261207, 0.5);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        await db.ReadAheadAsync([ReadAhead.SingleOrDefault<double?>(Spent, new { accountId = account, day = 20261206 }),
            ReadAhead.List<int>(Days, new { accountId = account })], default);
        await SetSpentAsync(factory, account, 20261206, 0.75);
        await SetSpentAsync(factory, account, 20261208, 1);

        Assert.Equal(0.25, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
        Assert.Equal(0.75, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
        Assert.Equal(0.5, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261207 }, default)); // not read ahead
        Assert.Equal([20261206, 20261207], await db.ListAsync<int>(Days, new { accountId = account }, default));
        Assert.Equal([20261206, 20261207, 20261208], await db.ListAsync<int>(Days, new { accountId = account }, default));
    }

    [Fact]
    public async Task Reads_ahead_forgotten_are_read_again()
    {
        using var factory = await CreateFactoryAsync();
        var account = Guid.NewGuid();
        await SetSpentAsync(factory, account, 20261206, 0.25);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        await db.ReadAheadAsync([ReadAhead.SingleOrDefault<double?>(Spent, new { accountId = account, day = 20261206 })], default);
        await SetSpentAsync(factory, account, 20261206, 0.75);
        db.ForgetReadsAhead();

        Assert.Equal(0.75, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
    }

    [Fact]
    public async Task Reads_sent_with_a_write_come_back_with_its_own_row_and_answer_the_later_reads_once()
    {
        using var factory = await CreateFactoryAsync();
        var account = Guid.NewGuid();
        await SetSpentAsync(factory, account, 20261206, 0.25);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var spent = await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(() => db.SingleOrDefaultAsync<double?>(
            """UPDATE "GuessRisks" SET "Spent" = "Spent" + @more WHERE "AccountId" = @accountId AND "Day" = @day RETURNING "Spent" """,
            new { accountId = account, day = 20261206, more = 0.5 },
            [ReadAhead.List<int>(Days, new { accountId = account }), ReadAhead.SingleOrDefault<double?>(Spent, new { accountId = account, day = 20261206 })],
            default), default);
        await SetSpentAsync(factory, account, 20261206, 2);
        await SetSpentAsync(factory, account, 20261207, 1);

        Assert.Equal(0.75, spent);
        // Read in the same command, after the update, and kept.
        Assert.Equal(0.75, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
        Assert.Equal([20261206], await db.ListAsync<int>(Days, new { accountId = account }, default));
        Assert.Equal(2, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
        Assert.Equal([20261206, 20261207], await db.ListAsync<int>(Days, new { accountId = account }, default));
    }

    [Fact]
    public async Task A_write_sent_along_runs_once_and_its_result_is_taken_once()
    {
        using var factory = await CreateFactoryAsync();
        var account = Guid.NewGuid();
        await SetSpentAsync(factory, account, 20261206, 0.25);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var more = ReadAhead.SingleOrDefault<double?>(
            """UPDATE "GuessRisks" SET "Spent" = "Spent" + @more WHERE "AccountId" = @accountId AND "Day" = @day RETURNING "Spent" """,
            new { accountId = account, day = 20261206, more = 0.5 });

        await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunAsync(
            () => db.SingleOrDefaultAsync<int?>("SELECT 1", null, [more], default), default);

        Assert.Equal(0.75, db.SentAhead<double?>(more));
        Assert.Throws<InvalidOperationException>(() => db.SentAhead<double?>(more)); // never run a second time
        Assert.Equal(0.75, await db.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
    }

    [Fact]
    public async Task A_pooled_context_hands_nothing_read_ahead_to_its_next_request()
    {
        using var factory = await CreateFactoryAsync();
        var account = Guid.NewGuid();
        await SetSpentAsync(factory, account, 20261206, 0.25);
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<CipherpadDbContext>>();
        var first = contexts.CreateDbContext();
        await first.ReadAheadAsync([ReadAhead.SingleOrDefault<double?>(Spent, new { accountId = account, day = 20261206 })], default);
        await first.DisposeAsync(); // back to the pool, its read ahead not asked for
        await SetSpentAsync(factory, account, 20261206, 0.75);

        // The pool hands contexts out again; hold the others until the same one comes back.
        var held = new List<CipherpadDbContext>();
        try
        {
            while (held.Count < 100 && (held.Count == 0 || !ReferenceEquals(held[^1], first)))
            {
                held.Add(contexts.CreateDbContext());
            }
            Assert.Same(first, held[^1]);
            Assert.Equal(0.75, await first.SingleOrDefaultAsync<double?>(Spent, new { accountId = account, day = 20261206 }, default));
        }
        finally
        {
            foreach (var context in held)
            {
                await context.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Reads_of_other_statements_or_row_types_or_with_arguments_that_print_alike_are_told_apart()
    {
        var when = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        ReadKey Key(object? arguments) => ReadAhead.SingleOrDefault<int>(Spent, arguments).Key;
        Assert.NotEqual(Key(new { at = when }), Key(new { at = when.AddTicks(1) }));
        Assert.NotEqual(Key(new { data = new byte[] { 1 } }), Key(new { data = new byte[] { 2 } }));
        Assert.NotEqual(Key(new { text = (string?)null }), Key(new { text = "" }));
        Assert.NotEqual(Key(new { a = "1|b:System.String:1:2" }), Key(new { a = "1", b = "2" }));
        Assert.NotEqual(Key(new { n = 1 }), Key(new { n = "1" }));
        Assert.Equal(Key(new { n = 1, at = when }), Key(new { n = 1, at = when }));
        Assert.NotEqual(Key(new { n = 1 }), ReadAhead.SingleOrDefault<long>(Spent, new { n = 1 }).Key);
        Assert.NotEqual(Key(new { n = 1 }), ReadAhead.SingleOrDefault<int>(Days, new { n = 1 }).Key);
        Assert.NotEqual(ReadAhead.List<int>(Days, null).Key, ReadAhead.SingleOrDefault<int>(Days, null).Key);
        Assert.NotEqual(Key(new { n = 1 }), Key(new { m = 1 }));
        Assert.NotEqual(Key(new { n = 1 }), Key(new { n = 1L }));
        Assert.NotEqual(Key(new { n = 1, m = 2 }), Key(new { m = 2, n = 1 }));
        Assert.NotEqual(Key(new { at = new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc) }),
            Key(new { at = new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Local) }));
        var data = new byte[] { 1 };
        var before = Key(new { data });
        data[0] = 2;
        Assert.NotEqual(before, Key(new { data }));
    }

    [Fact]
    public void Reads_of_the_same_statement_and_values_are_one_however_the_values_are_held()
    {
        var when = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        ReadKey Key(object? arguments) => ReadAhead.SingleOrDefault<int>(Spent, arguments).Key;
        var id = Guid.NewGuid();
        Assert.Equal(Key(new { data = new byte[] { 1, 2 } }), Key(new { data = new byte[] { 1, 2 } }));
        Assert.Equal(Key(new { at = when }), Key(new { at = when.ToOffset(TimeSpan.FromHours(3)) }));
        Assert.Equal(Key(new { id, n = 1 }), Key(new Dictionary<string, object?> { ["id"] = id, ["n"] = 1 }));
        Assert.Equal(Key(new { id }).GetHashCode(), Key(new { id = new Guid(id.ToString()) }).GetHashCode());
        Assert.Equal(Key(null), ReadAhead.SingleOrDefault<int>(string.Concat(Spent.AsSpan(0, 10), Spent.AsSpan(10)), null).Key);
    }

    /// <summary>
    /// The account a login's address was last found to belong to is only a guess: when the address belongs to another account
    /// now, the question is that account's, and is answered with its pads, whatever was read with the lookup for the guess.
    /// </summary>
    [Fact]
    public async Task A_login_whose_address_is_guessed_to_be_another_accounts_is_still_the_right_accounts()
    {
        using var factory = await CreateFactoryAsync();
        var annsPad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        await Journeys.RegisterAndActivateAsync(factory, "bob@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var (ann, bob) = (await AccountIdAsync(factory, "ann@example.com"), await AccountIdAsync(factory, "bob@example.com"));
        var lastFound = factory.Services.GetRequiredService<LastFoundAccounts>();
        var askedBy = await RelyingPartyIdAsync(factory, shop);
        lastFound.Found(askedBy, "ann@example.com", bob);
        var (annsBefore, bobsBefore) = (await QuestionsOfAsync(factory, ann), await QuestionsOfAsync(factory, bob));

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", annsPad));
        Assert.Equal(ann, lastFound.Guess(askedBy, "ann@example.com"));
        Assert.Equal(annsBefore + 1, await QuestionsOfAsync(factory, ann));
        Assert.Equal(bobsBefore, await QuestionsOfAsync(factory, bob));
    }

    private static async Task<int> QuestionsOfAsync(CipherpadFactory factory, Guid accountId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.CountAsync(c => c.AccountId == accountId);
    }

    protected static async Task<Guid> AccountIdAsync(CipherpadFactory factory, string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AccountDirectory>().FindAsync(email, default))!.Id;
    }

    /// <summary>The id of the relying party <paramref name="client"/> authenticates as.</summary>
    protected static async Task<Guid> RelyingPartyIdAsync(CipherpadFactory factory, HttpClient client)
    {
        var clientId = Journeys.CredentialsOf(client).ClientId;
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().RelyingParties.Where(p => p.ClientId == clientId).Select(p => p.Id).SingleAsync();
    }

    protected static async Task SetSpentAsync(CipherpadFactory factory, Guid accountId, int day, double spent)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        if (await db.GuessRisks.SingleOrDefaultAsync(r => r.AccountId == accountId && r.Day == day) is { } row)
        {
            row.Spent = spent;
        }
        else
        {
            db.GuessRisks.Add(new GuessRisk { AccountId = accountId, Day = day, Spent = spent });
        }
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteReadAheadTests : ReadAheadTests
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresReadAheadTests(PostgresServer postgres) : ReadAheadTests
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());

    [Fact]
    public async Task A_question_that_need_not_wait_for_the_disk_says_so_in_the_command_of_its_first_statement_even_one_that_returns_rows()
    {
        using var factory = await CreateFactoryAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        await db.Database.OpenConnectionAsync(); // one connection for the context, durable by default (the tests' clusters are not)
        await db.Database.ExecuteSqlRawAsync("SET synchronous_commit TO on");
        var statements = new List<string>();
        using var listener = NpgsqlCommands.Record(factory, statements);

        var setting = await scope.ServiceProvider.GetRequiredService<WriteTransactions>().RunWithoutWaitingForDiskAsync(
            () => db.SingleOrDefaultAsync<string>("SELECT current_setting('synchronous_commit')", null, default), default);

        Assert.Equal("off", setting);
        Assert.StartsWith("SET LOCAL synchronous_commit TO OFF;", Assert.Single(statements), StringComparison.Ordinal);
        Assert.Equal("on", await db.SingleOrDefaultAsync<string>("SELECT current_setting('synchronous_commit')", null, default)); // only that transaction
    }

    /// <summary>
    /// What a relying party's login costs PostgreSQL, in commands (network round trips; the verify's COMMIT is one more):
    /// the create reads the relying party, then the account with, in the same command, whether the method is on, the pads
    /// and the guess budget (the address still being the account's it was at the last login), and inserts the question in
    /// the command that commits it; the verify reads the relying party and the question in one command, reserves the
    /// source's and the question's attempts in one command (with the pads and the owner's notices read in it too), takes the
    /// guess budget, and marks the question answered in the same command as what it records. Request-limit leases come and
    /// go, and are not counted.
    /// </summary>
    [Fact]
    public async Task A_login_costs_three_commands_to_create_and_four_to_verify()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad); // the first leases, prepared statements, the account found
        var statements = new List<string>();
        using var listener = NpgsqlCommands.Record(factory, statements, byRequest: true);

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));

        var byRequest = NpgsqlCommands.ByRequest(statements);
        Assert.Equal([3, 4], byRequest.Select(request => request.Count())); // the create, then the verify
        var lookup = byRequest[0].ElementAt(1);
        Assert.Contains("\"AccountAliases\"", lookup, StringComparison.Ordinal);
        Assert.Contains("\"AccountMethods\"", lookup, StringComparison.Ordinal);
        Assert.Contains("\"GuessRisks\"", lookup, StringComparison.Ordinal);
        Assert.EndsWith(";\nCOMMIT", byRequest[0].Last(), StringComparison.Ordinal); // the create's commit went with its insert
    }

    /// <summary>
    /// When the address has moved to another account since it was last looked up, what was read with the lookup belongs to
    /// the account it was guessed to be, and the account's own reads cost one command more: the question is the right
    /// account's, checked against that account's own pads and budget.
    /// </summary>
    [Fact]
    public async Task A_wrong_guess_of_the_account_costs_one_command_more_and_nothing_else()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        await Journeys.RegisterAndActivateAsync(factory, "bob@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad);
        factory.Services.GetRequiredService<LastFoundAccounts>()
            .Found(await RelyingPartyIdAsync(factory, shop), "ann@example.com", await AccountIdAsync(factory, "bob@example.com"));
        var statements = new List<string>();
        using var listener = NpgsqlCommands.Record(factory, statements, byRequest: true);

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));

        Assert.Equal([4, 4], NpgsqlCommands.ByRequest(statements).Select(request => request.Count()));
    }

    /// <summary>
    /// Each relying party has its own memory of which account an address was last found to be: after another relying party's
    /// login, this one's first create for the address makes the account's reads a command of their own, so how long it took
    /// tells this relying party nothing of who else asked for the address.
    /// </summary>
    [Fact]
    public async Task Another_relying_partys_logins_are_no_guess_for_this_ones()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var bank = await Journeys.RelyingPartyClientAsync(factory, "Bank");
        using var shop = await Journeys.RelyingPartyClientAsync(factory, "Shop");
        await Journeys.LogInAtRelyingPartyAsync(factory, bank, "ann@example.com", pad);
        using (await shop.PostAsJsonAsync("/api/v1/challenges", new Contracts.Challenges.CreateChallengeRequest("nobody@example.com")))
        {
            // the shop's first leases and its authentication's statements, without looking ann up
        }
        var statements = new List<string>();
        using (NpgsqlCommands.Record(factory, statements, byRequest: true))
        {
            Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));
        }
        var again = new List<string>();
        using (NpgsqlCommands.Record(factory, again, byRequest: true))
        {
            Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));
        }

        Assert.Equal([4, 4], NpgsqlCommands.ByRequest(statements).Select(request => request.Count()));
        Assert.Equal([3, 4], NpgsqlCommands.ByRequest(again).Select(request => request.Count()));
    }

    /// <summary>A question saved with something else (here the webhook event that reports it expired) is committed on its own.</summary>
    [Fact]
    public async Task A_question_saved_with_something_else_sends_its_commit_on_its_own_and_keeps_both()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var set = await scope.ServiceProvider.GetRequiredService<Cipherpad.Server.RelyingParties.RelyingPartyService>()
                .SetWebhookAsync(Journeys.CredentialsOf(shop).ClientId, "https://shop.example.com/cipherpad");
            Assert.True(set!.Value.Succeeded, set.Value.Error?.Description);
        }
        await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad); // the first leases, prepared statements
        var webhookEvents = await WebhookEventsAsync(factory);
        var statements = new List<string>();
        using var listener = NpgsqlCommands.Record(factory, statements);

        using var created = await shop.PostAsJsonAsync("/api/v1/challenges", new Contracts.Challenges.CreateChallengeRequest("ann@example.com"));

        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Contracts.Challenges.ChallengeResponse>())!.ChallengeId;
        Assert.NotEmpty(statements);
        Assert.DoesNotContain(statements, statement => statement.EndsWith("COMMIT", StringComparison.Ordinal));
        await using var check = factory.Services.CreateAsyncScope();
        Assert.True(await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.AnyAsync(c => c.Id == id));
        Assert.Equal(webhookEvents + 1, await WebhookEventsAsync(factory)); // the one that will report it expired
    }

    private static async Task<int> WebhookEventsAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().OutboxMessages
            .CountAsync(m => m.Channel == Cipherpad.Server.Notifications.OutboxChannel.Webhook);
    }

    [Fact]
    public async Task Nothing_is_sent_after_the_statement_that_committed_its_transaction()
    {
        using var factory = await CreateFactoryAsync();
        const string AddRisk = """INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") VALUES (@accountId, 20261207, 0.5)""";
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var statements = new List<string>();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            var writes = scope.ServiceProvider.GetRequiredService<WriteTransactions>();
            using var listener = NpgsqlCommands.Record(factory, statements);

            await Assert.ThrowsAsync<InvalidOperationException>(() => writes.RunAsync(async () =>
            {
                await writes.ExecuteLastAsync(AddRisk, new { accountId = first }, default);
                await db.ExecuteAsync(AddRisk, new { accountId = second }, default);
            }, default));
        }

        Assert.EndsWith(";\nCOMMIT", Assert.Single(statements), StringComparison.Ordinal);
        await using var check = factory.Services.CreateAsyncScope();
        Assert.Equal([first], await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.Select(r => r.AccountId).ToListAsync());
    }
}
