using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>
/// A connection string that lists several PostgreSQL hosts, as for a cluster that fails over (Patroni and the like):
/// Npgsql tries them in turn and takes only the one that is the primary, so the server reaches the database past a host
/// that is down.
/// </summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresFailoverTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_connection_string_with_several_hosts_reaches_the_primary_past_one_that_is_down()
    {
        var single = new Npgsql.NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        var down = Nginx.FreePort();
        var several = new Npgsql.NpgsqlConnectionStringBuilder(single.ConnectionString)
        {
            Host = $"127.0.0.1:{down},{single.Host}:{single.Port}",
            TargetSessionAttributes = "primary",
            Timeout = 5,
        };
        several.Remove("Port");

        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, several.ConnectionString);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad));
        using var ready = await factory.CreateClient().GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public void The_request_settings_keep_every_host_and_the_target_session()
    {
        var written = Server.Storage.StorageExtensions.ForRequests("Host=db1:5432,db2:5432,db3:5432;Target Session Attributes=primary;Database=cipherpad");
        var read = new Npgsql.NpgsqlConnectionStringBuilder(written);

        Assert.Equal(("db1:5432,db2:5432,db3:5432", "primary"), (read.Host, read.TargetSessionAttributes));
    }
}
