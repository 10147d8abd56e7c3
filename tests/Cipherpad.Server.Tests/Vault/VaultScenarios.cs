using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Cipherpad.Contracts.Vault;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Vault;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cipherpad.Server.Tests.Vault;

/// <summary>
/// The key vault through the pad's API, as a program asks for an item: only the right answer to that item's release
/// question yields a ticket, which works once; nothing crosses accounts; altered data is refused; a master key rotation,
/// stopped half-way and run again, leaves every item readable.
/// </summary>
public abstract class VaultScenarios
{
    private static readonly byte[] WalletKey = RandomNumberGenerator.GetBytes(1500);

    protected abstract Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null);

    /// <summary>A second server on the first one's database, with other settings (another master key).</summary>
    protected abstract CipherpadFactory OnSameDatabase(CipherpadFactory first, IReadOnlyDictionary<string, string> settings);

    private static async Task StoreAsync(CipherpadFactory factory, ActivatedPad pad, string name, byte[] content, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items",
            new StoreVaultItemRequest(name, Base64Url.EncodeToString(content)));
        Assert.True(response.StatusCode == expected, await response.Content.ReadAsStringAsync());
    }

    private static async Task<VaultReleaseResponse> AskAsync(CipherpadFactory factory, ActivatedPad pad, string name, int? version = null)
    {
        using var response = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/releases", new VaultItemReference(name, version));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<VaultReleaseResponse>())!;
    }

    private static async Task<HttpResponseMessage> AnswerAsync(CipherpadFactory factory, ActivatedPad pad, Guid releaseId, string answer) =>
        await PadApi.SendAsync(factory, pad, HttpMethod.Post, $"/api/v1/pad/vault/releases/{releaseId}/answer", new VaultReleaseAnswer(answer));

    private static async Task<HttpResponseMessage> FetchAsync(CipherpadFactory factory, string ticket)
    {
        using var client = factory.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/vault/tickets", new VaultTicketRequest(ticket));
    }

    /// <summary>Asks for <paramref name="name"/>, answers as the pad does after checking what it shows, and fetches it.</summary>
    private static async Task<byte[]> ReleaseAsync(CipherpadFactory factory, ActivatedPad pad, string name)
    {
        var release = await AskAsync(factory, pad, name);
        using var answered = await AnswerAsync(factory, pad, release.ReleaseId, PadApi.AnswerPayload(factory, pad, release.QrPayload));
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync());
        var ticket = (await answered.Content.ReadFromJsonAsync<VaultTicketResponse>())!.Ticket;
        using var fetched = await FetchAsync(factory, ticket);
        Assert.True(fetched.IsSuccessStatusCode, await fetched.Content.ReadAsStringAsync());
        return Base64Url.DecodeFromChars((await fetched.Content.ReadFromJsonAsync<ReleasedVaultItem>())!.Content);
    }

    private static string Answer(CipherpadFactory factory, ActivatedPad pad, Purpose purpose, string question)
    {
        using var keys = new DeviceKeys(pad.Secret);
        return Core.Answers.Answer.Compute(keys, purpose, question, factory.Time.GetUtcNow());
    }

    [Fact]
    public async Task A_stored_file_comes_back_only_through_its_own_release_answered_and_its_ticket_works_once()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await StoreAsync(factory, pad, "wallet.kwm", WalletKey);
        await StoreAsync(factory, pad, "ssh key", [1, 2, 3]);

        var release = await AskAsync(factory, pad, "wallet.kwm");
        Assert.Equal("Release the key file \"wallet.kwm\", version 1", release.Description);
        var other = await AskAsync(factory, pad, "ssh key");
        // A login answer to the same question, and the answer to the other item's question, release nothing.
        using (var login = await AnswerAsync(factory, pad, release.ReleaseId, Answer(factory, pad, Purpose.Login, release.Question)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        }
        using (var crossed = await AnswerAsync(factory, pad, release.ReleaseId, Answer(factory, pad, Purpose.Action, other.Question)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, crossed.StatusCode);
        }
        using var answered = await AnswerAsync(factory, pad, release.ReleaseId, PadApi.AnswerPayload(factory, pad, release.QrPayload));
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync());
        var ticket = (await answered.Content.ReadFromJsonAsync<VaultTicketResponse>())!.Ticket;

        var fetches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => FetchAsync(factory, ticket)));
        Assert.Single(fetches, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(fetches.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Gone, r.StatusCode));
        var released = await fetches.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<ReleasedVaultItem>();
        Assert.Equal(WalletKey, Base64Url.DecodeFromChars(released!.Content));
        using (var again = await AnswerAsync(factory, pad, release.ReleaseId, PadApi.AnswerPayload(factory, pad, release.QrPayload)))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        Assert.Contains("was released from your key vault", Journeys.LatestEmailTo(factory, "ann@example.com").Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relying_party_gets_an_item_only_when_its_owner_lets_sites_ask_and_only_for_the_answer_to_its_own_question()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await StoreAsync(factory, pad, "wallet.kwm", WalletKey);
        using var wallet = await Journeys.RelyingPartyClientAsync(factory, "Demo Wallet");
        using var other = await Journeys.RelyingPartyClientAsync(factory, "Other Shop");
        // Not allowed, no such item, no such account: the same answer, so nothing is learnt.
        foreach (var (login, name) in new[] { ("ann@example.com", "wallet.kwm"), ("ann@example.com", "nothing"), ("nobody@example.com", "wallet.kwm") })
        {
            using var refused = await wallet.PostAsJsonAsync("/api/v1/vault/releases", new RelyingPartyVaultReleaseRequest(login, name));
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Contains("unknown-vault-item", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var accountId = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.Select(a => a.Id).SingleAsync();
            await scope.ServiceProvider.GetRequiredService<VaultService>().LetRelyingPartiesAskAsync(accountId, "wallet.kwm", true, CancellationToken.None);
        }

        using var asked = await wallet.PostAsJsonAsync("/api/v1/vault/releases", new RelyingPartyVaultReleaseRequest("ann@example.com", "wallet.kwm"));
        Assert.True(asked.IsSuccessStatusCode, await asked.Content.ReadAsStringAsync());
        var release = (await asked.Content.ReadFromJsonAsync<VaultReleaseResponse>())!;
        Assert.Equal("Release the key file \"wallet.kwm\", version 1, to Demo Wallet", release.Description);
        using (var qr = await wallet.GetAsync(release.QrImage))
        {
            Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
        }
        using (var othersQr = await other.GetAsync(release.QrImage))
        {
            Assert.Equal(HttpStatusCode.NotFound, othersQr.StatusCode);
        }
        var answer = PadApi.AnswerPayload(factory, pad, release.QrPayload);
        using (var stolen = await other.PostAsJsonAsync($"/api/v1/vault/releases/{release.ReleaseId}/answer", new VaultReleaseAnswer(answer)))
        {
            Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        }
        using (var byThePad = await AnswerAsync(factory, pad, release.ReleaseId, answer))
        {
            Assert.Equal(HttpStatusCode.NotFound, byThePad.StatusCode);
        }
        using (var unsigned = await factory.CreateClient().PostAsJsonAsync($"/api/v1/vault/releases/{release.ReleaseId}/answer", new VaultReleaseAnswer(answer)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }
        using var answered = await wallet.PostAsJsonAsync($"/api/v1/vault/releases/{release.ReleaseId}/answer", new VaultReleaseAnswer(answer));
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync());
        using var fetched = await FetchAsync(factory, (await answered.Content.ReadFromJsonAsync<VaultTicketResponse>())!.Ticket);
        Assert.Equal(WalletKey, Base64Url.DecodeFromChars((await fetched.Content.ReadFromJsonAsync<ReleasedVaultItem>())!.Content));
    }

    [Fact]
    public async Task Nobody_reaches_another_accounts_items_or_releases()
    {
        using var factory = await CreateFactoryAsync();
        var ann = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        var bob = await PadApi.RegisterAndActivateAsync(factory, "bob@example.com");
        await StoreAsync(factory, ann, "wallet.kwm", WalletKey);
        var annsRelease = await AskAsync(factory, ann, "wallet.kwm");

        using (var asked = await PadApi.SendAsync(factory, bob, HttpMethod.Post, "/api/v1/pad/vault/releases", new VaultItemReference("wallet.kwm")))
        {
            Assert.Equal(HttpStatusCode.NotFound, asked.StatusCode);
        }
        using (var answered = await AnswerAsync(factory, bob, annsRelease.ReleaseId, Answer(factory, bob, Purpose.Action, annsRelease.Question)))
        {
            Assert.Equal(HttpStatusCode.NotFound, answered.StatusCode);
        }
        using (var listed = await PadApi.SendAsync(factory, bob, HttpMethod.Get, "/api/v1/pad/vault/items"))
        {
            Assert.Empty((await listed.Content.ReadFromJsonAsync<VaultItemsResponse>())!.Items);
        }
        using (var deleted = await PadApi.SendAsync(factory, bob, HttpMethod.Post, "/api/v1/pad/vault/items/delete", new VaultItemReference("wallet.kwm")))
        {
            Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        }
        using (var unsigned = await factory.CreateClient().PostAsJsonAsync("/api/v1/pad/vault/releases", new VaultItemReference("wallet.kwm")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }
        Assert.Equal(WalletKey, await ReleaseAsync(factory, ann, "wallet.kwm"));
    }

    [Fact]
    public async Task Versions_are_kept_to_the_limit_and_deleting_is_final()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Vault:MaxVersions"] = "2", ["Cipherpad:Vault:MaxItemBytes"] = "2000" });
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await StoreAsync(factory, pad, "wallet.kwm", [1]);
        await StoreAsync(factory, pad, "wallet.kwm", [2]);
        await StoreAsync(factory, pad, "wallet.kwm", WalletKey);
        await StoreAsync(factory, pad, "too big", new byte[2001], HttpStatusCode.RequestEntityTooLarge);

        using (var listed = await PadApi.SendAsync(factory, pad, HttpMethod.Get, "/api/v1/pad/vault/items"))
        {
            var item = Assert.Single((await listed.Content.ReadFromJsonAsync<VaultItemsResponse>())!.Items);
            Assert.Equal([3, 2], item.Versions.Select(v => v.Number));
        }
        Assert.Equal(WalletKey, await ReleaseAsync(factory, pad, "wallet.kwm"));
        var older = await AskAsync(factory, pad, "wallet.kwm", 2);
        Assert.Equal(2, older.Version);

        using (var deleted = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items/delete", new VaultItemReference("wallet.kwm")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var asked = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/releases", new VaultItemReference("wallet.kwm")))
        {
            Assert.Equal(HttpStatusCode.NotFound, asked.StatusCode);
        }
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        Assert.False(await db.VaultItemVersions.AnyAsync(), "no ciphertext or wrapped key is left behind");
        Assert.False(await db.VaultReleases.AnyAsync(), "the pending release went with its version");
    }

    [Fact]
    public async Task A_burst_of_stores_keeps_the_item_limit_and_one_item_per_name()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Vault:MaxItems"] = "3" });
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        // Six new names, each sent four times at once: the same first store of a name races itself, and the limit races new items.
        var names = Enumerable.Range(0, 24).Select(i => $"key {i % 6}").ToList();

        var statuses = await Task.WhenAll(names.Select(async name =>
        {
            using var response = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items",
                new StoreVaultItemRequest(name, Base64Url.EncodeToString(WalletKey)));
            return (name, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(statuses, s => Assert.True(s.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{s.StatusCode}: {s.Body}"));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var items = await db.VaultItems.Select(i => new { i.Name, Versions = db.VaultItemVersions.Count(v => v.ItemId == i.Id) }).ToListAsync();
        Assert.Equal(3, items.Count);
        Assert.Equal(items.Count, items.Select(i => i.Name).Distinct().Count());
        // Every store that was accepted is a version of an item that was kept, and every refusal is of a name that was not.
        Assert.Equal(statuses.Count(s => s.StatusCode == HttpStatusCode.OK), items.Sum(i => i.Versions));
        Assert.All(statuses.Where(s => s.StatusCode == HttpStatusCode.Conflict), s => Assert.DoesNotContain(s.name, items.Select(i => i.Name)));
    }

    [Fact]
    public async Task Altered_ciphertext_or_wrapped_key_is_refused_and_never_returned()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        await StoreAsync(factory, pad, "wallet.kwm", WalletKey);
        await StoreAsync(factory, pad, "ssh key", WalletKey);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            foreach (var version in await db.VaultItemVersions.ToListAsync())
            {
                var name = await db.VaultItems.Where(i => i.Id == version.ItemId).Select(i => i.Name).SingleAsync();
                var altered = (name == "wallet.kwm" ? version.Content : version.WrappedDataKey).ToArray();
                altered[^1] ^= 1;
                if (name == "wallet.kwm")
                {
                    version.Content = altered;
                }
                else
                {
                    version.WrappedDataKey = altered;
                }
            }
            await db.SaveChangesAsync();
        }

        foreach (var name in new[] { "wallet.kwm", "ssh key" })
        {
            var release = await AskAsync(factory, pad, name);
            using var answered = await AnswerAsync(factory, pad, release.ReleaseId, PadApi.AnswerPayload(factory, pad, release.QrPayload));
            var ticket = (await answered.Content.ReadFromJsonAsync<VaultTicketResponse>())!.Ticket;
            using var fetched = await FetchAsync(factory, ticket);
            Assert.Equal(HttpStatusCode.InternalServerError, fetched.StatusCode);
            var body = await fetched.Content.ReadAsStringAsync();
            Assert.Contains("vault-item-unreadable", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"content\"", body, StringComparison.Ordinal);
        }
    }

    private static async Task<List<(string Name, VaultItemVersion Version)>> VersionsAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        return [.. (await (from v in db.VaultItemVersions join i in db.VaultItems on v.ItemId equals i.Id select new { i.Name, Version = v })
            .AsNoTracking().ToListAsync()).Select(row => (row.Name, row.Version))];
    }

    [Fact]
    public async Task A_master_key_rotation_stopped_half_way_and_run_again_leaves_every_item_readable()
    {
        using var first = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(first, "ann@example.com");
        var contents = Enumerable.Range(0, 6).Select(i => RandomNumberGenerator.GetBytes(100 + i)).ToList();
        for (var i = 0; i < contents.Count; i++)
        {
            await StoreAsync(first, pad, $"key {i}", contents[i]);
        }
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var newKeyOnly = new KeyWrapping(MasterKey.Load(new CipherpadOptions { MasterKey = { Value = newKey } },
            first.Services.GetRequiredService<IHostEnvironment>(), NullLogger.Instance));
        // Before: the new key alone opens nothing.
        Assert.All(await VersionsAsync(first), row => Assert.Throws<CryptographicException>(() => VaultService.Open(newKeyOnly, row.Version)));

        using (var rotating = OnSameDatabase(first, new Dictionary<string, string>
        {
            ["Cipherpad:MasterKey:Value"] = newKey,
            ["Cipherpad:MasterKey:Previous:0"] = first.MasterKey,
        }))
        {
            // Stopped after two rows, as a killed process would be: each row is moved by one statement or not at all.
            using var stop = new CancellationTokenSource();
            await using (var scope = rotating.Services.CreateAsyncScope())
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scope.ServiceProvider.GetRequiredService<VaultService>()
                    .RewrapAsync(moved => { if (moved == 2) { stop.Cancel(); } }, stop.Token));
            }
            Assert.Equal(2, (await VersionsAsync(rotating)).Count(row => row.Version.DataKeyId == newKeyOnly.CurrentKeyId));
            for (var i = 0; i < contents.Count; i++)
            {
                Assert.Equal(contents[i], await ReleaseAsync(rotating, pad, $"key {i}"));
            }
            await using (var scope = rotating.Services.CreateAsyncScope())
            {
                var (moved, unreadable) = await scope.ServiceProvider.GetRequiredService<VaultService>().RewrapAsync(null, CancellationToken.None);
                Assert.Equal((contents.Count - 2, 0), (moved, unreadable));
            }
            // After: every data key is under the new master key, which alone opens every item.
            var versions = await VersionsAsync(rotating);
            Assert.Equal(contents.Count, versions.Count);
            Assert.All(versions, row => Assert.Equal(newKeyOnly.CurrentKeyId, row.Version.DataKeyId));
            Assert.All(versions, row => Assert.Equal(contents[int.Parse(row.Name["key ".Length..], CultureInfo.InvariantCulture)],
                VaultService.Open(newKeyOnly, row.Version)));
            for (var i = 0; i < contents.Count; i++)
            {
                Assert.Equal(contents[i], await ReleaseAsync(rotating, pad, $"key {i}"));
            }
        }
    }

    /// <summary>
    /// The real <c>vault rewrap</c> command over 600 versions, held by a lock on the 300th row (in the order it works)
    /// and killed with SIGKILL there: every version still opens, and running it again finishes the rest.
    /// </summary>
    protected async Task KillTheRewrapCommandMidRunAsync(Func<CipherpadFactory, Guid, Task<IAsyncDisposable>> holdRow)
    {
        ArgumentNullException.ThrowIfNull(holdRow);
        using var first = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Vault:MaxVersions"] = "100" });
        await PadApi.RegisterAndActivateAsync(first, "ann@example.com");
        var contents = new Dictionary<(string Name, int Version), byte[]>();
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            var accountId = await db.Accounts.Select(a => a.Id).SingleAsync();
            var vault = scope.ServiceProvider.GetRequiredService<VaultService>();
            for (var i = 0; i < 600; i++)
            {
                var content = RandomNumberGenerator.GetBytes(32);
                var stored = await vault.StoreAsync(accountId, $"key {i % 6}", content, "test", null, CancellationToken.None);
                contents[($"key {i % 6}", stored.Value.Number)] = content;
            }
        }
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var environment = first.Services.GetRequiredService<IHostEnvironment>();
        var newKeyOnly = new KeyWrapping(MasterKey.Load(new CipherpadOptions { MasterKey = { Value = newKey } }, environment, NullLogger.Instance));
        var bothKeys = new KeyWrapping(MasterKey.Load(new CipherpadOptions { MasterKey = { Value = newKey, Previous = [first.MasterKey] } }, environment, NullLogger.Instance));
        ProcessStartInfo Rewrap()
        {
            var start = ServerProcess.Program(first, new Dictionary<string, string> { ["Cipherpad:MasterKey:Previous:0"] = first.MasterKey }, "vault", "rewrap");
            start.Environment[MasterKey.EnvironmentVariable] = newKey;
            return start;
        }
        async Task<int> MovedAsync() => (await VersionsAsync(first)).Count(row => row.Version.DataKeyId == newKeyOnly.CurrentKeyId);

        var held = (await VersionsAsync(first)).Select(row => row.Version.Id).Order().ElementAt(299);
        await using (var hold = await holdRow(first, held))
        {
            using var killed = Process.Start(Rewrap())!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await MovedAsync() < 299)
            {
                await Task.Delay(50, timeout.Token);
            }
            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync(timeout.Token);
        }
        // The killed process's last statement, waiting on the lock, may still run in its database session once the lock
        // goes (the hold waits for it to end): it moves its row whole or not at all.
        var moved = await MovedAsync();
        Assert.InRange(moved, 299, 300);
        Assert.All(await VersionsAsync(first), row => Assert.Equal(contents[(row.Name, row.Version.Number)], VaultService.Open(bothKeys, row.Version)));

        using (var again = Process.Start(Rewrap())!)
        {
            var output = again.StandardOutput.ReadToEndAsync();
            var errors = again.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await again.WaitForExitAsync(timeout.Token);
            Assert.True(again.ExitCode == 0, await errors);
            Assert.StartsWith($"Re-wrapped {contents.Count - moved} data key(s)", (await output).Trim(), StringComparison.Ordinal);
        }
        var rotated = await VersionsAsync(first);
        Assert.Equal(contents.Count, rotated.Count);
        Assert.All(rotated, row => Assert.Equal(contents[(row.Name, row.Version.Number)], VaultService.Open(newKeyOnly, row.Version)));
    }
}

public sealed class SqliteVaultScenarios : VaultScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings));

    protected override CipherpadFactory OnSameDatabase(CipherpadFactory first, IReadOnlyDictionary<string, string> settings) =>
        new(DatabaseProvider.Sqlite, Path.Combine(first.DataDirectory, "cipherpad.db"), settings: settings);
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresVaultScenarios(PostgresServer postgres) : VaultScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: settings);

    protected override CipherpadFactory OnSameDatabase(CipherpadFactory first, IReadOnlyDictionary<string, string> settings) =>
        new(DatabaseProvider.PostgreSql, first.ConnectionString, settings: settings);

    // PostgreSQL locks one row, so the command runs up to it and waits there; SQLite locks the whole file, and the
    // in-process rotation test stops a run half-way on both.
    [Fact]
    public Task Killing_the_rewrap_command_mid_run_loses_nothing_and_running_it_again_finishes() =>
        KillTheRewrapCommandMidRunAsync(async (factory, versionId) =>
        {
            var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var command = new Npgsql.NpgsqlCommand("""SELECT 1 FROM "VaultItemVersions" WHERE "Id" = @id FOR UPDATE""", connection, transaction))
            {
                command.Parameters.AddWithValue("id", versionId);
                await command.ExecuteScalarAsync();
            }
            return new HeldRow(connection, factory.ConnectionString!);
        });

    /// <summary>
    /// Lets the row go, then waits until no other session of the database is still running a statement: the killed
    /// command's last one, which was waiting on the lock, finishes in its session after its client is gone.
    /// </summary>
    private sealed class HeldRow(Npgsql.NpgsqlConnection holding, string connectionString) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await holding.DisposeAsync();
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'",
                connection);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while ((long)(await command.ExecuteScalarAsync(timeout.Token))! > 0)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }
}
