using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Tests.Storage;

public sealed class SqliteConnectionStringTests
{
    private static readonly string DataDirectory = Path.Combine(Path.GetTempPath(), "cipherpad-data");

    private static string For(string? configured) =>
        StorageExtensions.SqliteConnectionString(new CipherpadOptions { DataDirectory = DataDirectory, Database = new() { ConnectionString = configured } });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_a_connection_string_the_database_is_cipherpad_db_in_the_data_directory(string? configured) =>
        Assert.Equal($"Data Source={Path.Combine(DataDirectory, "cipherpad.db")}", For(configured));

    [Fact]
    public void A_bare_absolute_path_is_the_database_file()
    {
        var file = Path.Combine(Path.GetTempPath(), "x", "cipherpad.db");

        Assert.Equal($"Data Source={file}", For(file));
    }

    [Fact]
    public void A_bare_relative_path_is_a_file_in_the_data_directory() =>
        Assert.Equal($"Data Source={Path.Combine(DataDirectory, "prod", "cipherpad.db")}", For(Path.Combine("prod", "cipherpad.db")));

    [Fact]
    public void A_bare_path_with_a_semicolon_stays_one_path() =>
        Assert.Equal("/srv/a;b/cipherpad.db", new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(For("/srv/a;b/cipherpad.db")).DataSource);

    [Theory]
    [InlineData("Data Source=/srv/cipherpad.db")]
    [InlineData("Data Source=cipherpad.db;Cache=Shared")]
    public void A_connection_string_is_used_as_it_is(string configured) =>
        Assert.Equal(configured, For(configured));
}
