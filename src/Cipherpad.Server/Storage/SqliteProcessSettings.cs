using Microsoft.Extensions.Options;
using SQLitePCL;

namespace Cipherpad.Server.Storage;

/// <summary>SQLite's settings for the whole process, which it takes only before it opens its first connection.</summary>
public static class SqliteProcessSettings
{
    /// <summary>
    /// Turns SQLite's memory statistics off. With them on (SQLite's default), every allocation SQLite makes, on any
    /// connection, takes one mutex of the process's, so the hot path's writer and its readers queue for it and wake one
    /// another under load. Nothing in Cipherpad reads the statistics or sets a heap limit, which needs them.
    /// Returns false, and changes nothing, once SQLite has opened a connection in this process.
    /// </summary>
    public static bool Apply()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }

    /// <summary>Whether SQLite has counted the memory it allocated in this process: its statistics are on, and it has opened a connection.</summary>
    public static bool CountedMemory => raw.sqlite3_memory_highwater(0) > 0;

    /// <summary>
    /// Once the server has started (and migrated its database), warns if SQLite counts its memory after all: something opened
    /// SQLite before <see cref="Apply"/> ran, and every request pays for it.
    /// </summary>
    public static WebApplication WarnOnStartIfSqliteCountsMemory(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (app.Services.GetRequiredService<IOptions<CipherpadOptions>>().Value.Database.Provider == DatabaseProvider.Sqlite && CountedMemory)
            {
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteProcessSettings).FullName!).LogWarning(
                    "SQLite keeps memory statistics: it was opened in this process before Cipherpad turned them off, so every allocation " +
                    "of SQLite's takes one mutex shared by all its connections");
            }
        });
        return app;
    }
}
