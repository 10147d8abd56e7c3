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
        if (raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) != raw.SQLITE_OK)
        {
            return false;
        }
        _memoryStatisticsOff = true;
        return true;
    }

    private static volatile bool _memoryStatisticsOff;

    /// <summary>Whether <see cref="Apply"/> turned SQLite's memory statistics off in this process.</summary>
    public static bool MemoryStatisticsOff => _memoryStatisticsOff;

    /// <summary>
    /// Once the server has started, on SQLite, says that its memory statistics are off, or warns that they are on: something
    /// opened SQLite before <see cref="Apply"/> ran, and every request pays for it.
    /// </summary>
    public static WebApplication LogSqliteSettingsOnStart(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (app.Services.GetRequiredService<IOptions<CipherpadOptions>>().Value.Database.Provider != DatabaseProvider.Sqlite)
            {
                return;
            }
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteProcessSettings).FullName!);
            if (MemoryStatisticsOff)
            {
                logger.LogInformation("SQLite's memory statistics are off");
            }
            else
            {
                logger.LogWarning("SQLite's memory statistics are on: SQLite was opened in this process before Cipherpad could turn them " +
                    "off, so every allocation of SQLite's takes one mutex shared by all its connections");
            }
        });
        return app;
    }
}
