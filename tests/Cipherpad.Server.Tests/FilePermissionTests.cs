using Cipherpad.Testing;

namespace Cipherpad.Server.Tests;

/// <summary>What the server writes to disk — database, master key, mails and SMS with their links and codes — only its own user can read.</summary>
public sealed class FilePermissionTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static void AssertMode(UnixFileMode expected, string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(path) == expected, $"{path} is {File.GetUnixFileMode(path)}");
        }
    }

    [Fact]
    public async Task The_database_key_and_outboxes_are_created_for_the_owner_only()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, "Development", new Dictionary<string, string> { ["Cipherpad:MasterKey:Value"] = "" });

        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com"); // mails, an SMS, the database in use

        var data = factory.DataDirectory;
        var outboxes = new[] { Path.Combine(data, "outbox", "email"), Path.Combine(data, "outbox", "sms") };
        foreach (var folder in outboxes.Append(Path.Combine(data, "outbox")))
        {
            AssertMode(OwnerOnlyFolder, folder);
        }
        Assert.All(outboxes, folder => Assert.NotEmpty(Directory.GetFiles(folder))); // the confirmation mail, the activation code's SMS
        var files = new[] { "master.key", "cipherpad.db", "cipherpad.db-wal", "cipherpad.db-shm" }.Select(name => Path.Combine(data, name))
            .Concat(outboxes.SelectMany(Directory.GetFiles));
        foreach (var file in files)
        {
            AssertMode(OwnerOnlyFile, file);
        }
    }

    [Fact]
    public void A_data_directory_the_server_creates_is_for_the_owner_only()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var data = Path.Combine(factory.DataDirectory, "var", "cipherpad");
        using var server = factory.WithWebHostBuilder(host => host.UseSetting("Cipherpad:DataDirectory", data));

        _ = server.Services; // started: the data directory and the database are made

        AssertMode(OwnerOnlyFolder, Path.Combine(factory.DataDirectory, "var"));
        AssertMode(OwnerOnlyFolder, data);
        AssertMode(OwnerOnlyFile, Path.Combine(data, "cipherpad.db"));
    }
}
