using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Oidc;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Vault;
using Cipherpad.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Security;

/// <summary>
/// A master key rotation to its end: the new key made current with the old one in Previous, every secret at rest moved by
/// <c>master-key reencrypt</c> (stopped half-way and run again), and then the new key alone serves the pads, the sign-in
/// sessions, the OpenID Connect keys and everything else made under the old one.
/// </summary>
public abstract class MasterKeyRotationScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    /// <summary>A second server on the first one's database, with other settings (another master key).</summary>
    protected abstract CipherpadFactory OnSameDatabase(CipherpadFactory first, IReadOnlyDictionary<string, string> settings);

    [Fact]
    public async Task After_reencrypt_the_new_key_alone_serves_every_pad_session_and_key_made_under_the_old_one()
    {
        using var first = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(first, "ann@example.com");
        var cookies = new CookieContainer();
        using (var browser = Browser(first, cookies))
        {
            await Journeys.SignInAsync(first, browser, "ann@example.com", pad);
        }
        using var shop = await Journeys.RelyingPartyClientAsync(first, "Shop");
        var clientId = Journeys.CredentialsOf(shop).ClientId;
        string vapidKey;
        var vaultItem = RandomNumberGenerator.GetBytes(64);
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            Assert.True((await services.GetRequiredService<RelyingPartyService>().SetWebhookAsync(clientId, "https://shop.example.com/hooks"))!.Value.Succeeded);
            vapidKey = (await services.GetRequiredService<VapidKeys>().GetAsync(CancellationToken.None)).PublicKey;
            await services.GetRequiredService<OidcKeys>().LoadAsync();
            var accountId = await services.GetRequiredService<CipherpadDbContext>().Accounts.Select(a => a.Id).SingleAsync();
            await services.GetRequiredService<VaultService>().StoreAsync(accountId, "wallet", vaultItem, "test", null, CancellationToken.None);
            services.GetRequiredService<Outbox>().Email("ann@example.com", "Unsent", "Still waiting to be sent");
            await services.GetRequiredService<CipherpadDbContext>().SaveChangesAsync();
        }
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var moved = new Dictionary<string, int>();
        IReadOnlyList<(string Name, Reencrypted Result)> rest;
        using (var rotating = OnSameDatabase(first, new Dictionary<string, string>
        {
            ["Cipherpad:MasterKey:Value"] = newKey,
            ["Cipherpad:MasterKey:Previous:0"] = first.MasterKey,
        }))
        {
            // Stopped after three secrets, as a killed process would be: each one is moved by one statement or not at all.
            using var stop = new CancellationTokenSource();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotating.Services.GetRequiredService<MasterKeyRotation>().ReencryptAsync(kind =>
            {
                moved[kind] = moved.GetValueOrDefault(kind) + 1;
                if (moved.Values.Sum() == 3)
                {
                    stop.Cancel();
                }
            }, stop.Token));
            rest = await rotating.Services.GetRequiredService<MasterKeyRotation>().ReencryptAsync(null, CancellationToken.None);
        }

        // Each kind made above moved (the new key alone did not open it), some before the stop and the rest after.
        Assert.All(rest, kind => Assert.Equal(0, kind.Result.Unreadable));
        foreach (var (kind, result) in rest)
        {
            moved[kind] = moved.GetValueOrDefault(kind) + result.Moved;
        }
        foreach (var kind in new[] { "device secrets", "server keys", "data-protection keys", "webhook secrets", "OpenID Connect signing keys",
            "key vault data keys", "unsent messages" })
        {
            Assert.True(moved.GetValueOrDefault(kind) > 0, $"{kind}: {string.Join(", ", moved)}");
        }

        using var newKeyOnly = OnSameDatabase(first, new Dictionary<string, string> { ["Cipherpad:MasterKey:Value"] = newKey });
        // Every secret at rest opens with the new key alone: nothing moves, nothing is unreadable.
        var again = await newKeyOnly.Services.GetRequiredService<MasterKeyRotation>().ReencryptAsync(null, CancellationToken.None);
        Assert.All(again, kind => Assert.True(kind.Result == default, $"{kind.Name}: {kind.Result}"));
        // And the server serves what was made under the old key: the pad, the sign-in session, the Web Push and OpenID Connect keys.
        using var shopAfterwards = newKeyOnly.CreateClient();
        shopAfterwards.DefaultRequestHeaders.Authorization = shop.DefaultRequestHeaders.Authorization;
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(newKeyOnly, shopAfterwards, "ann@example.com", pad));
        using (var browser = Browser(newKeyOnly, cookies))
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        }
        using (var stranger = Browser(newKeyOnly, new CookieContainer()))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await stranger.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        }
        Assert.Equal(vapidKey, (await newKeyOnly.Services.GetRequiredService<VapidKeys>().GetAsync(CancellationToken.None)).PublicKey);
        Assert.Equal(HttpStatusCode.OK, (await newKeyOnly.CreateClient().GetAsync(new Uri("/.well-known/jwks", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_server_writing_a_secret_while_it_is_reencrypted_keeps_what_it_wrote()
    {
        using var first = await CreateFactoryAsync();
        await using (var scope = first.Services.CreateAsyncScope())
        {
            for (var i = 0; i < 3; i++)
            {
                scope.ServiceProvider.GetRequiredService<Outbox>().Email($"user{i}@example.com", "Subject", "as first written");
            }
            await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().SaveChangesAsync();
        }
        using var rotating = OnSameDatabase(first, new Dictionary<string, string>
        {
            ["Cipherpad:MasterKey:Value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Cipherpad:MasterKey:Previous:0"] = first.MasterKey,
        });
        var protector = rotating.Services.GetRequiredService<SecretProtector>();
        var rewritten = false;

        var results = await rotating.Services.GetRequiredService<MasterKeyRotation>().ReencryptAsync(kind =>
        {
            if (kind == "unsent messages" && !rewritten)
            {
                // Another server rewrites every message after the first one moved, while the others wait their turn.
                rewritten = true;
                using var scope = rotating.Services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
                foreach (var message in db.OutboxMessages.ToList())
                {
                    message.BodyProtected = protector.Protect("as rewritten"u8, $"{Outbox.BodyPurpose}:{message.Id}");
                }
                db.SaveChanges();
            }
        }, CancellationToken.None);

        Assert.Equal(new Reencrypted(1, 0), results.Single(kind => kind.Name == "unsent messages").Result);
        await using (var scope = rotating.Services.CreateAsyncScope())
        {
            var bodies = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().OutboxMessages.AsNoTracking().ToListAsync();
            Assert.Equal(3, bodies.Count);
            Assert.All(bodies, message => Assert.Equal("as rewritten", Encoding.UTF8.GetString(protector.Unprotect(message.BodyProtected, $"{Outbox.BodyPurpose}:{message.Id}"))));
        }
    }

    [Fact]
    public async Task The_command_reports_secrets_under_a_key_that_is_not_configured_and_exits_1_until_it_is()
    {
        using var first = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(first, "ann@example.com");
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var (forgotten, forgottenOutput) = await ReencryptCommandAsync(first, newKey, previous: null);
        var (rotated, rotatedOutput) = await ReencryptCommandAsync(first, newKey, previous: first.MasterKey);
        var (done, doneOutput) = await ReencryptCommandAsync(first, newKey, previous: null);

        Assert.Equal(1, forgotten);
        Assert.Contains("device secrets: 0 re-encrypted, 1 under a key that is not configured", forgottenOutput, StringComparison.Ordinal);
        Assert.Contains("add it to Cipherpad:MasterKey:Previous", forgottenOutput, StringComparison.Ordinal);
        Assert.Equal(0, rotated);
        Assert.Contains("device secrets: 1 re-encrypted", rotatedOutput, StringComparison.Ordinal);
        Assert.Equal(0, done);
        Assert.Contains("Re-encrypted 0 secret(s) under master key", doneOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("not configured", doneOutput, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> ReencryptCommandAsync(CipherpadFactory factory, string masterKey, string? previous)
    {
        var start = ServerProcess.Program(factory, previous is null ? null : new Dictionary<string, string> { ["Cipherpad:MasterKey:Previous:0"] = previous },
            "master-key", "reencrypt");
        start.Environment[MasterKey.EnvironmentVariable] = masterKey;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>A browser whose cookies live in <paramref name="cookies"/>, so a second server on the same database gets them.</summary>
    private static HttpClient Browser(CipherpadFactory factory, CookieContainer cookies) =>
        factory.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
}

/// <summary>The model's secret columns are each moved by a rotation: one added without registering it would stay under the old key.</summary>
public sealed class SecretsAtRestTests
{
    [Fact]
    public void Every_protected_column_of_the_model_is_reencrypted_by_a_rotation()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var scope = factory.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Model;
        var columns = model.GetEntityTypes().SelectMany(entity => entity.GetProperties())
            .Where(property => property.ClrType == typeof(byte[]) && property.Name.EndsWith("Protected", StringComparison.Ordinal))
            .Select(property => $"{property.DeclaringType.ClrType.Name}.{property.Name}").Order().ToList();

        var registered = scope.ServiceProvider.GetServices<SecretsAtRest>().OfType<ProtectedColumn>()
            .Select(column => $"{column.EntityType.Name}.{column.PropertyName}").Order().ToList();

        Assert.NotEmpty(columns);
        Assert.Equal(columns, registered);
    }
}

public sealed class SqliteMasterKeyRotationScenarios : MasterKeyRotationScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));

    protected override CipherpadFactory OnSameDatabase(CipherpadFactory first, IReadOnlyDictionary<string, string> settings) =>
        new(DatabaseProvider.Sqlite, Path.Combine(first.DataDirectory, "cipherpad.db"), settings: settings);
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresMasterKeyRotationScenarios(PostgresServer postgres) : MasterKeyRotationScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());

    protected override CipherpadFactory OnSameDatabase(CipherpadFactory first, IReadOnlyDictionary<string, string> settings) =>
        new(DatabaseProvider.PostgreSql, first.ConnectionString, settings: settings);
}
