using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cipherpad.Server.Storage;

/// <summary>
/// Hand-written SQL for the requests that run most often (a relying party's create and verify), through Dapper on the
/// request context's own connection and inside its open transaction, so that it commits with whatever the context
/// saves. The same statements run on SQLite and PostgreSQL: quoted identifiers, <c>ON CONFLICT</c> and
/// <c>RETURNING</c>. Values are stored as the model stores them (<see cref="CipherpadDbContext"/>): times as UTC ticks, a
/// <see cref="Guid"/> as SQLite's upper-case text or PostgreSQL's uuid, enums as their names (pass <c>.ToString()</c>).
/// </summary>
public static class Sql
{
    static Sql()
    {
        // Dapper would pass these itself, as SQLite's provider sees fit; they must be what Entity Framework stores.
        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new GuidColumn());
        SqlMapper.AddTypeHandler(new UtcTicksColumn());
    }

    public static async Task<T?> SingleOrDefaultAsync<T>(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await OpenAsync(db, cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, arguments, transaction, cancellationToken: cancellationToken));
    }

    public static async Task<List<T>> ListAsync<T>(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await OpenAsync(db, cancellationToken);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, arguments, transaction, cancellationToken: cancellationToken))];
    }

    /// <summary>Runs a statement; returns the number of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await OpenAsync(db, cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, arguments, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The context's connection, opened for the rest of its request (the context closes it), and its open transaction.</summary>
    private static async ValueTask<(DbConnection Connection, DbTransaction? Transaction)> OpenAsync(CipherpadDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        return (connection, db.Database.CurrentTransaction?.GetDbTransaction());
    }

    private sealed class GuidColumn : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString().ToUpperInvariant();
            }
            else
            {
                parameter.DbType = DbType.Guid;
                parameter.Value = value;
            }
        }

        public override Guid Parse(object value) => value switch
        {
            Guid guid => guid,
            string text => Guid.Parse(text),
            byte[] bytes => new Guid(bytes),
            _ => throw new DataException($"A {value?.GetType().Name} is not a stored Guid."),
        };
    }

    private sealed class UtcTicksColumn : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.Int64;
            parameter.Value = value.UtcTicks;
        }

        public override DateTimeOffset Parse(object value) => new(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
    }
}
