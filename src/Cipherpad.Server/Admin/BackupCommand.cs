using System.CommandLine;
using Cipherpad.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Admin;

/// <summary>
/// <c>backup FILE</c>: a consistent copy of the SQLite database taken while the server runs (SQLite's online backup), checked
/// before it is reported. PostgreSQL is backed up with its own tools (<c>pg_dump</c>), as docs/operations.md shows.
/// </summary>
public static class BackupCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "The new file to write the copy to; it must not exist.", HelpName = "FILE" };
        var command = new Command("backup",
            "Copy the SQLite database to FILE, consistent and while the server runs, readable by this user only. On PostgreSQL, use pg_dump.") { file };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var target = result.GetValue(file)!;
            var db = services.Get<CipherpadDbContext>();
            if (!db.OnSqlite)
            {
                await Console.Error.WriteLineAsync("The database is PostgreSQL: back it up with pg_dump --format=custom (see docs/operations.md, \"Backup and restore\").");
                return 2;
            }
            if (target.Exists)
            {
                await Console.Error.WriteLineAsync($"{target.FullName} exists: name a new file, so that no backup is overwritten.");
                return 2;
            }
            OwnerOnlyFiles.Create(target.FullName).Dispose();
            await using (var source = new SqliteConnection(db.Database.GetConnectionString()))
            await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target.FullName, Pooling = false }.ToString()))
            {
                await source.OpenAsync(cancellationToken);
                await copy.OpenAsync(cancellationToken);
                source.BackupDatabase(copy);
                await using var check = copy.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                if (await check.ExecuteScalarAsync(cancellationToken) is not "ok")
                {
                    await Console.Error.WriteLineAsync($"The copy in {target.FullName} failed SQLite's integrity check: do not rely on it.");
                    return 1;
                }
            }
            Console.WriteLine($"Backed up the database to {target.FullName} ({new FileInfo(target.FullName).Length:N0} bytes); its integrity check passed.");
            Console.WriteLine("Keep the master key apart from it: the copy's secrets open only with that key.");
            return 0;
        });
        return command;
    }
}
