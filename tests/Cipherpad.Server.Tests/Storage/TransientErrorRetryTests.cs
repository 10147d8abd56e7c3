using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Contracts.Vault;
using Cipherpad.Testing;
using Npgsql;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// A login on PostgreSQL meeting a transient error, injected by a trigger on the authorization log or the questions that
/// fails the first time it runs: a deadlock, or the connection killed, before the commit is run again and the login is
/// recorded once; the connection killed during the commit is not run again, since the commit may have been made, and says so.
/// </summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class TransientErrorRetryTests(PostgresServer postgres)
{
    private const string Deadlock = "RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01'";
    private const string KillTheConnection = "PERFORM pg_terminate_backend(pg_backend_pid())";

    [Theory]
    [InlineData(Deadlock)]
    [InlineData(KillTheConnection)]
    public async Task A_verify_that_fails_before_its_commit_is_run_again_and_the_login_is_recorded_once(string failure)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var logged = await LogEntriesAsync(factory);
        await FailTheFirstLogEntryAsync(factory, failure, atCommit: false);

        var result = await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad);

        Assert.Equal("success", result);
        Assert.Equal(2, await TriggerRunsAsync(factory)); // failed once, then ran again
        Assert.Equal(logged + 1, await LogEntriesAsync(factory));
    }

    [Fact]
    public async Task A_pads_signed_request_that_fails_before_its_commit_is_run_again_on_the_body_it_sent_and_stores_once()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await FailTheFirstLogEntryAsync(factory, Deadlock, atCommit: false);
        var keyFile = "wallet key"u8.ToArray();

        using var stored = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items",
            new StoreVaultItemRequest("wallet.kwm", Base64Url.EncodeToString(keyFile)));

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(1, (await stored.Content.ReadFromJsonAsync<VaultVersion>())!.Number);
        Assert.Equal(2, await TriggerRunsAsync(factory)); // failed once, then ran again with the same signed body
        Assert.Equal(1, await ScalarAsync(factory, """SELECT count(*) FROM "VaultItemVersions" """));
    }

    [Fact]
    public async Task A_pads_upload_whose_connection_is_lost_during_its_commit_is_not_run_again_and_says_the_outcome_is_unknown()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await FailTheFirstLogEntryAsync(factory, KillTheConnection, atCommit: true);

        using var stored = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items",
            new StoreVaultItemRequest("wallet.kwm", Base64Url.EncodeToString("wallet key"u8.ToArray())));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stored.StatusCode);
        Assert.Equal(1, await TriggerRunsAsync(factory)); // not run again: a second run would have stored a second version
        Assert.InRange(await ScalarAsync(factory, """SELECT count(*) FROM "VaultItemVersions" """), 0, 1);
    }

    [Fact]
    public async Task A_pad_turning_approval_on_through_a_deadlock_is_not_refused_as_a_replay_of_itself()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await FailTheFirstLogEntryAsync(factory, Deadlock, atCommit: false);

        using var approval = await PadApi.SetApprovalAsync(factory, pad, enabled: true);

        Assert.Equal(HttpStatusCode.OK, approval.StatusCode);
        Assert.Equal(2, await TriggerRunsAsync(factory));
        Assert.Equal(1, await ScalarAsync(factory, """SELECT count(*) FROM "Devices" WHERE "ApprovesSince" IS NOT NULL """));
    }

    [Fact]
    public async Task A_verify_whose_connection_is_lost_during_its_commit_is_not_run_again_and_says_the_outcome_is_unknown()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await FailTheFirstLogEntryAsync(factory, KillTheConnection, atCommit: true);
        var challenge = (await (await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"))).Content
            .ReadFromJsonAsync<ChallengeResponse>())!;

        using var verified = await shop.PostAsJsonAsync($"/api/v1/challenges/{challenge.ChallengeId}/verify",
            new VerifyRequest(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, challenge.Question)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, verified.StatusCode);
        Assert.Contains("Start again with a new question", await verified.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await TriggerRunsAsync(factory));
        // The relying party does as told, and the next login goes through.
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));
    }

    [Fact]
    public async Task A_question_that_fails_before_its_commit_is_made_again_and_stored_once()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await FailTheFirstInsertAsync(factory, "Challenges", Deadlock, atCommit: false);

        using var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));

        Assert.Equal(2, await TriggerRunsAsync(factory));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode); // the first insert failed, and its COMMIT, sent with it, was not run
        Assert.Equal(1, await ScalarAsync(factory, """SELECT count(*) FROM "Challenges" """));
    }

    /// <summary>
    /// The failed attempt's connection goes back to the pool before the retry takes one: with a pool of one connection, the
    /// retry would otherwise wait for the connection its own request holds, until the pool's timeout.
    /// </summary>
    [Fact]
    public async Task A_retry_does_not_wait_for_the_connection_its_failed_attempt_held()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync() + ";Maximum Pool Size=1;Timeout=3");
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await FailTheFirstInsertAsync(factory, "Challenges", Deadlock, atCommit: false);

        var creating = System.Diagnostics.Stopwatch.StartNew();
        using var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, await TriggerRunsAsync(factory));
        Assert.True(creating.Elapsed < TimeSpan.FromSeconds(2.5), $"the question was made after {creating.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>A question's COMMIT goes in the command of its insert: a connection lost there is a commit lost too.</summary>
    [Fact]
    public async Task A_question_whose_connection_is_lost_during_its_commit_is_not_made_again_and_says_the_outcome_is_unknown()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        await FailTheFirstInsertAsync(factory, "Challenges", KillTheConnection, atCommit: true);

        using var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));

        Assert.Equal(1, await TriggerRunsAsync(factory));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, created.StatusCode);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));
    }

    private static Task FailTheFirstLogEntryAsync(CipherpadFactory factory, string failure, bool atCommit) =>
        FailTheFirstInsertAsync(factory, "AuthorizationLog", failure, atCommit);

    /// <summary>
    /// A trigger on new rows of <paramref name="table"/> that does <paramref name="failure"/> the first time it runs — at the
    /// insert, or at the commit (a deferred constraint trigger). A sequence counts its runs: it is not rolled back with them.
    /// </summary>
    private static async Task FailTheFirstInsertAsync(CipherpadFactory factory, string table, string failure, bool atCommit)
    {
        await ExecuteAsync(factory, $$"""
            CREATE SEQUENCE injected_failure_runs;
            CREATE FUNCTION fail_the_first_time() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('injected_failure_runs') = 1 THEN {{failure}}; END IF;
                RETURN NEW;
            END $$;
            CREATE {{(atCommit ? "CONSTRAINT TRIGGER" : "TRIGGER")}} fail_the_first_time AFTER INSERT ON "{{table}}"
                {{(atCommit ? "DEFERRABLE INITIALLY DEFERRED" : "")}} FOR EACH ROW EXECUTE FUNCTION fail_the_first_time();
            """);
    }

    private static async Task<long> TriggerRunsAsync(CipherpadFactory factory) =>
        await ScalarAsync(factory, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM injected_failure_runs");

    private static Task<long> LogEntriesAsync(CipherpadFactory factory) => ScalarAsync(factory, """SELECT count(*) FROM "AuthorizationLog" """);

    private static async Task ExecuteAsync(CipherpadFactory factory, string sql)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(CipherpadFactory factory, string sql)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
