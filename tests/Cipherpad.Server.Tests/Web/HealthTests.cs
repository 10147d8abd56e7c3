using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Web;

/// <summary>
/// What an orchestrator asks: <c>/health/live</c> while the process answers, <c>/health/ready</c> only while the database
/// is reachable, this version's migrations are applied and the outbox worker keeps sending.
/// </summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> AskAsync(CipherpadFactory factory, string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string CheckStatus(JsonElement body, string check) => body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    [Fact]
    public async Task A_server_that_can_serve_is_live_and_ready_and_says_why()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);

        var (liveStatus, live) = await AskAsync(factory, "/health/live");
        var (readyStatus, ready) = await AskAsync(factory, "/health/ready");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (liveStatus, live.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal(["Healthy", "Healthy", "Healthy"], new[] { "database", "migrations", "outbox-worker" }.Select(check => CheckStatus(ready, check)));
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(factory, "/health")).Status);
    }

    [Fact]
    public async Task A_server_on_a_database_without_its_latest_migration_is_live_but_not_ready()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(factory, "/health/ready")).Status);
        // The schema of the version before: the latest migration not recorded as applied, as after starting a new version
        // with Cipherpad:MigrateAtStart false and before running migrate.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            var latest = db.Database.GetMigrations().Last();
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = {latest}""");
        }

        var (liveStatus, _) = await AskAsync(factory, "/health/live");
        var (readyStatus, ready) = await AskAsync(factory, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("Unhealthy", CheckStatus(ready, "migrations"));
        Assert.Equal("1 database migration(s) of this version are not applied: run cipherpad-server migrate.",
            ready.GetProperty("checks").GetProperty("migrations").GetProperty("description").GetString());
    }

    [Fact]
    public async Task An_outbox_worker_that_finishes_no_pass_takes_the_server_out_of_rotation_until_it_does()
    {
        // Ten minutes between passes, and nothing to wake the worker: the clock moving two hours on is a worker stuck that long.
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:Outbox:SendInBackground"] = "true", ["Cipherpad:Outbox:PollInterval"] = "00:10:00",
        });
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(factory, "/health/ready")).Status);

        factory.Time.Offset += TimeSpan.FromHours(2);
        var (readyStatus, ready) = await AskAsync(factory, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("Unhealthy", CheckStatus(ready, "outbox-worker"));
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(factory, "/health/live")).Status);

        factory.Services.GetRequiredService<OutboxSignal>().Wake();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await AskAsync(factory, "/health/ready")).Status != HttpStatusCode.OK)
        {
            await Task.Delay(100, deadline.Token);
        }
    }

    [Fact]
    public async Task A_process_that_does_not_send_has_no_outbox_worker_to_wait_for()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string> { ["Cipherpad:Outbox:SendInBackground"] = "false" });
        factory.Time.Offset += TimeSpan.FromHours(2);

        var (readyStatus, ready) = await AskAsync(factory, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal("This process does not send the outbox.", ready.GetProperty("checks").GetProperty("outbox-worker").GetProperty("description").GetString());
    }
}
