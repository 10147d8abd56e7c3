using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Data.Sqlite;

namespace Cipherpad.Server.Tests.Storage;

/// <summary>SQLite's settings for the whole process (<see cref="SqliteProcessSettings"/>), which only a fresh process can show.</summary>
public sealed class SqliteProcessSettingsTests
{
    private const string Off = "SQLite's memory statistics are off";
    private const string On = "SQLite's memory statistics are on";

    [Fact]
    public async Task The_server_turns_SQLites_memory_statistics_off_before_it_opens_the_database()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        await using var server = await ServerProcess.StartAsync(factory, new Dictionary<string, string> { ["Logging:LogLevel:Cipherpad"] = "Information" });
        // Said once the server has started, after it migrated the database: one line or the other.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!server.RecentOutput.Contains(Off, StringComparison.Ordinal) && !server.RecentOutput.Contains(On, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The server did not say how SQLite counts its memory:{Environment.NewLine}{server.RecentOutput}");
            await Task.Delay(50);
        }
        Assert.Contains(Off, server.RecentOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(On, server.RecentOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_change_nothing_once_SQLite_has_opened_a_connection()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Assert.False(SqliteProcessSettings.Apply());
    }
}
