using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Oidc;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Security;

/// <summary>
/// The server's own secrets are read when it starts, before any request: read later, from within a request that holds a
/// database connection, each needs a second one, and a burst that holds every connection of the pool then waits for
/// itself (<c>PostgresEvenTimingTests</c> shows it on the sign-in page).
/// </summary>
public sealed class ServerSecretsTests
{
    [Fact]
    public void Every_secret_the_server_makes_for_itself_is_read_when_it_starts()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);

        _ = factory.Server;

        var secrets = factory.Services.GetRequiredService<ServerSecrets>();
        var registered = factory.Services.GetServices<ServerSecretDefinition>().Select(secret => secret.Name).Order().ToList();
        Assert.Equal(new[] { NobodysPads.Secret.Name, OidcSubjects.Secret.Name, VapidKeys.Secret.Name }.Order(), registered);
        Assert.All(registered, name => Assert.True(secrets.HasRead(name), $"{name} was not read at start"));
    }

    [Fact]
    public async Task A_server_whose_database_has_no_tables_yet_starts_and_reads_its_secrets_once_it_has()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string> { ["Cipherpad:MigrateAtStart"] = "false" });

        _ = factory.Server;

        var warning = Assert.Single(factory.ServerLog.Messages(typeof(ServerSecretsAtStart).FullName!, Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Contains("could not be read at start", warning, StringComparison.Ordinal);
        var secrets = factory.Services.GetRequiredService<ServerSecrets>();
        Assert.False(secrets.HasRead(NobodysPads.Secret.Name));

        await factory.Services.MigrateDatabaseAsync();
        var migrated = System.Diagnostics.Stopwatch.StartNew();
        while (!secrets.HasRead(VapidKeys.Secret.Name) && migrated.Elapsed < 5 * ServerSecretsAtStart.RetryInterval)
        {
            await Task.Delay(50);
        }

        Assert.All(factory.Services.GetServices<ServerSecretDefinition>(), secret => Assert.True(secrets.HasRead(secret.Name), secret.Name));
    }
}
