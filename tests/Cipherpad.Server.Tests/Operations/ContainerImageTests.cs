using System.Diagnostics;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Tests.Operations;

/// <summary>
/// The container image of deploy/container, built and run with the commands of docs/operations.md ("Deployment in a
/// container", which says what the test leaves out): it refuses a master key it cannot read, runs as its own user on a
/// named volume it owns, serves a pad's logins, keeps them through <c>kill -9</c>, and backs up from inside.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(ContainerBuilds.Name)]
public sealed class ContainerImageTests
{
    private const string Email = "ann@example.com";
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_shipped_image_runs_as_its_own_user_and_keeps_a_pads_logins_through_kill_9_and_a_backup()
    {
        var (sdk, runtime) = await Podman.StandInImagesAsync();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var image = "localhost/cipherpad-test:" + suffix;
        var (fresh, refused, serving, volume) = ("cipherpad-fresh-" + suffix, "cipherpad-refused-" + suffix, "cipherpad-" + suffix, "cipherpad-data-" + suffix);
        var secret = "cipherpad-public-url-" + suffix;
        var keys = Directory.CreateTempSubdirectory("cipherpad-container-key-");
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        try
        {
            await Podman.RunCheckedAsync(TimeSpan.FromMinutes(15), "build", "--file", "deploy/container/Containerfile", "--tag", image,
                "--build-arg", "SDK_IMAGE=" + sdk, "--build-arg", "RUNTIME_IMAGE=" + runtime, Repository.Root);

            // A key file only root can read, as `openssl rand -base64 32 > master.key` leaves it: refused, with what to do.
            var rootOnlyKey = Path.Combine(keys.FullName, "root-only.key");
            await File.WriteAllTextAsync(rootOnlyKey, factory.MasterKey);
            File.SetUnixFileMode(rootOnlyKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (exitCode, _, error) = await Podman.RunAsync(Quick, "run", "--name", refused, "--volume", $"{rootOnlyKey}:/run/secrets/cipherpad-master-key:ro", image);
            Assert.Equal(1, exitCode);
            Assert.Contains("cannot be read by the user the server runs as (app)", error, StringComparison.Ordinal);

            // The guide's key: readable by uid 1654 alone.
            var key = Path.Combine(keys.FullName, "master.key");
            await File.WriteAllTextAsync(key, factory.MasterKey);
            File.SetUnixFileMode(key, UnixFileMode.UserRead);
            await ChangeOwnerAsync(key);

            var environment = Path.Combine(keys.FullName, "cipherpad.env");
            await File.WriteAllTextAsync(environment, "Cipherpad__PublicUrl=https://cipherpad.example.com\n");
            File.SetUnixFileMode(environment, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            // A setting as a podman secret, which wins over the env file's.
            var publicUrl = Path.Combine(keys.FullName, "public-url");
            await File.WriteAllTextAsync(publicUrl, "https://from-a-secret.example.com\n");
            await Podman.RunCheckedAsync(Quick, "secret", "create", secret, publicUrl);

            // A new named volume: the server makes its database there, as uid 1654, in a folder only it can open.
            await Podman.RunCheckedAsync(Quick, "volume", "create", volume);
            var port = Nginx.FreePort();
            await Podman.RunCheckedAsync(Quick, "run", "--detach", "--name", fresh, "--publish", $"127.0.0.1:{port}:8080",
                "--volume", $"{volume}:/var/lib/cipherpad", "--volume", $"{key}:/run/secrets/cipherpad-master-key:ro",
                "--secret", $"{secret},target=Cipherpad__PublicUrl,uid=1654,mode=0400", "--env-file", environment, image);
            await ReadyAsync(fresh, port);
            Assert.Contains("point at https://from-a-secret.example.com", (await Podman.RunAsync(Quick, "logs", fresh)).Output, StringComparison.Ordinal);
            Assert.Equal("1654", await Podman.RunCheckedAsync(Quick, "exec", fresh, "id", "-u"));
            Assert.Equal("700 1654", await Podman.RunCheckedAsync(Quick, "exec", fresh, "stat", "--format", "%a %u", "/var/lib/cipherpad"));
            Assert.Equal("600 1654", await Podman.RunCheckedAsync(Quick, "exec", fresh, "stat", "--format", "%a %u", "/var/lib/cipherpad/cipherpad.db"));
            await Podman.RunCheckedAsync(Quick, "rm", "--force", fresh);

            // A pad activated on a data folder, which the container then serves: its logins at a relying party go through it.
            var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
            using var shopAtFactory = await Journeys.RelyingPartyClientAsync(factory);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await ChangeOwnerAsync(factory.DataDirectory);
            port = Nginx.FreePort();
            await Podman.RunCheckedAsync(Quick, "run", "--detach", "--name", serving, "--publish", $"127.0.0.1:{port}:8080",
                "--volume", $"{factory.DataDirectory}:/var/lib/cipherpad", "--volume", $"{key}:/run/secrets/cipherpad-master-key:ro",
                "--env-file", environment, image);
            await ReadyAsync(serving, port);
            using var shop = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            shop.DefaultRequestHeaders.Authorization = shopAtFactory.DefaultRequestHeaders.Authorization;
            Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, Email, pad.Secret, "198.51.100.40"));

            // kill -9, and the same container started again: the login it reported is still there, and the next one succeeds.
            await Podman.RunCheckedAsync(Quick, "kill", "--signal", "KILL", serving);
            await Podman.RunCheckedAsync(Quick, "start", serving);
            await ReadyAsync(serving, port);
            Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, Email, pad.Secret, "198.51.100.40"));

            // The backup of the guide, taken inside the running container into its volume.
            var backup = await Podman.RunCheckedAsync(Quick, "exec", serving, "dotnet", "/app/cipherpad-server.dll", "backup", "/var/lib/cipherpad/backup.db");
            Assert.Contains("integrity check passed", backup, StringComparison.Ordinal);
            Assert.Equal(2, await BackupRestoreTests.LoginSuccessesAsync(new DbContextOptionsBuilder<SqliteCipherpadDbContext>()
                .UseSqlite($"Data Source={Path.Combine(factory.DataDirectory, "backup.db")};Pooling=False").Options));
        }
        finally
        {
            foreach (var container in new[] { refused, fresh, serving })
            {
                await Podman.RunAsync(Quick, "rm", "--force", container);
            }
            await Podman.RunAsync(Quick, "volume", "rm", "--force", volume);
            await Podman.RunAsync(Quick, "secret", "rm", secret);
            await Podman.RunAsync(Quick, "rmi", "--force", image);
            keys.Delete(recursive: true);
        }
    }

    private static async Task ReadyAsync(string container, int port)
    {
        if (!await Readiness.WaitAsync(new Uri($"http://127.0.0.1:{port}"),
            async () => await Podman.RunCheckedAsync(Quick, "inspect", "--format", "{{.State.Running}}", container) == "true", TimeSpan.FromSeconds(60)))
        {
            var (_, output, error) = await Podman.RunAsync(Quick, "logs", container);
            throw new InvalidOperationException($"{container} is not ready:{Environment.NewLine}{output}{error}");
        }
    }

    // The server in the image runs as uid 1654 (Microsoft's user app): what it must read or write belongs to that user.
    private static async Task ChangeOwnerAsync(string path)
    {
        var (exitCode, _, error) = await ProgramRun.ToEndAsync(new ProcessStartInfo("chown", ["-R", "1654:1654", path]), Quick);
        Assert.True(exitCode == 0, error);
    }
}

/// <summary>
/// Building the image publishes the server inside a container, both cores busy for a minute and more: tests beside it that
/// wait on timers (trace exports, time-outs) would be starved, so it runs with nothing else.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainerBuilds
{
    public const string Name = "Container builds";
}
