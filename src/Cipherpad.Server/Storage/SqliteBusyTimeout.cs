using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cipherpad.Server.Storage;

/// <summary>
/// Lets SQLite itself wait (with its own short back-off) for a concurrent writer, instead of failing at once with
/// SQLITE_BUSY, which the ADO.NET provider would retry only after a long sleep.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000;";
        command.ExecuteNonQuery();
    }
}
