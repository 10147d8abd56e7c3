using Npgsql;

namespace Cipherpad.Server.Storage;

/// <summary>
/// Which database errors a request may simply run again: PostgreSQL rolled the whole transaction back (a serialization
/// failure, a deadlock), or the connection was lost (a failover, a restart) before the commit was asked for. A connection
/// lost during the commit is not among them: the commit may have been made (<see cref="CommitOutcomeUnknownException"/>).
/// Nor is a statement whose command carried the commit (<see cref="WriteTransactions.ExecuteLastAsync"/>) and ended
/// without the server saying that the statement failed: a lost connection, a fatal error, a timeout.
/// </summary>
public static class TransientDatabaseErrors
{
    // 40001 serialization_failure, 40P01 deadlock_detected: the server says the transaction was rolled back. 57P01–57P03:
    // the server is shutting down or starting; 08…: the connection failed.
    private static readonly string[] RolledBack = ["40001", "40P01"];
    private static readonly string[] ConnectionLostPrefixes = ["57P01", "57P02", "57P03", "08"];

    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case CommitOutcomeUnknownException:
                    return false;
                case PostgresException postgres:
                    return RolledBack.Contains(postgres.SqlState)
                        || ConnectionLostPrefixes.Any(prefix => postgres.SqlState.StartsWith(prefix, StringComparison.Ordinal));
                case NpgsqlException npgsql:
                    return npgsql.IsTransient;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> says the connection was lost or the server went away, rather than that a statement
    /// failed: sent along with a COMMIT, the statements may then have been committed.
    /// </summary>
    internal static bool IsConnectionLost(NpgsqlException exception) =>
        exception is not PostgresException postgres
        || postgres.InvariantSeverity is "FATAL" or "PANIC"
        || ConnectionLostPrefixes.Any(prefix => postgres.SqlState.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Whether the database answered a commit with an error, which means the transaction was rolled back.</summary>
    internal static bool IsAnsweredByServer(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres)
            {
                return RolledBack.Contains(postgres.SqlState);
            }
        }
        return false;
    }
}

/// <summary>
/// The connection was lost while a commit was under way: the transaction may have been committed or not, and running the
/// request again could report a question as already answered when its answer was accepted. The request fails with 503 and
/// says so; the caller starts again with a new question.
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The connection to the database was lost during a commit: whether it was made is unknown.", inner);
