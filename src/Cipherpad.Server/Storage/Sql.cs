using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cipherpad.Server.Storage;

/// <summary>
/// Hand-written SQL for the requests that run most often (a relying party's create and verify), inside the request
/// context's open transaction when it has one, so that it commits with whatever the context saves. The same
/// statements run on SQLite and PostgreSQL: quoted identifiers, <c>ON CONFLICT</c> and <c>RETURNING</c>. Arguments are an
/// object whose properties name the <c>@parameters</c>, stored as the model stores them (<see cref="CipherpadDbContext"/>):
/// times as UTC ticks, a <see cref="Guid"/> as SQLite's upper-case text or PostgreSQL's uuid; pass enums as the text or
/// number their column holds; or a dictionary of names and values. Rows are read into objects by Dapper.
/// On PostgreSQL, Npgsql prepares each statement once per connection (see <see cref="StorageExtensions"/>); on SQLite the
/// writes share one connection and the reads outside a write transaction a few read-only ones, on each of which a
/// statement is compiled once (<see cref="SqliteGroupCommit"/>).
/// </summary>
public static partial class Sql
{
    private static readonly ConcurrentDictionary<Type, Property[]> ArgumentProperties = new();
    private static readonly ConcurrentDictionary<StatementTexts, string> CombinedTexts = new();
    private const int MaxCombinedTexts = 4096;
    // A parameter's new name by its statement's position, then by its name: a string key hashes faster than a tuple's.
    private static readonly ConcurrentDictionary<string, string>[] RenamedParameters =
        [.. Enumerable.Range(0, 32).Select(_ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal))];
    private static readonly ConcurrentDictionary<string, string> ParameterNames = new(StringComparer.Ordinal);

    // Dapper finds a statement's row parser at each call by the names and types of its columns, which it asks the provider for
    // (Microsoft.Data.Sqlite builds a small query for the type of each NULL). The parser is kept here by statement instead,
    // with the column types it was built for, up to a bound in case some caller builds its statements' texts.
    private static readonly ConcurrentDictionary<(string Statement, Type Row), RowReader> RowReaders = new(StatementAndRow.Comparer);
    private const int MaxRowReaders = 4096;

    static Sql()
    {
        // Dapper would read these as the provider sees fit; they must be read as Entity Framework stores them.
        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new GuidColumn());
        SqlMapper.AddTypeHandler(new UtcTicksColumn());
    }

    /// <summary>The one row the statement returns, or the default when it returns none.</summary>
    /// <exception cref="InvalidOperationException">The statement returned more than one row.</exception>
    public static Task<T?> SingleOrDefaultAsync<T>(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.TakeReadAhead(sql, arguments, typeof(T), out var kept)
            ? Task.FromResult((T?)kept)
            : RunAsync(db, sql, arguments, async command =>
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await ReadSingleOrDefaultAsync<T>(sql, reader, cancellationToken);
            }, cancellationToken);
    }

    public static Task<List<T>> ListAsync<T>(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.TakeReadAhead(sql, arguments, typeof(List<T>), out var kept)
            ? Task.FromResult((List<T>)kept!)
            : RunAsync(db, sql, arguments, async command =>
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await ReadListAsync<T>(sql, reader, cancellationToken);
            }, cancellationToken);
    }

    /// <summary>
    /// What <paramref name="write"/>, a statement that changes rows, returned when it was sent along with an earlier command of
    /// this request (as a <see cref="ReadAhead"/>). It is never run again here: a write run twice would count twice.
    /// </summary>
    /// <exception cref="InvalidOperationException">It was not sent in this request, or its rows were taken already.</exception>
    public static T? SentAhead<T>(this CipherpadDbContext db, ReadAhead write)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(write);
        return db.TakeReadAhead(write.Sql, write.Arguments, typeof(T), out var rows)
            ? (T?)rows
            : throw new InvalidOperationException($"Not sent in this request, or taken already: {write.Sql}");
    }

    /// <summary>
    /// Sends <paramref name="reads"/> to the database as one command and keeps their rows in the request's context for the
    /// reads that will ask for them (<see cref="ReadAhead"/>), until <see cref="CipherpadDbContext.ForgetReadsAhead"/>.
    /// </summary>
    public static async Task ReadAheadAsync(this CipherpadDbContext db, IReadOnlyList<ReadAhead> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reads);
        if (reads.Count > 0)
        {
            await WithReadsAheadAsync<bool>(db, null, null, reads, cancellationToken);
        }
    }

    /// <summary>
    /// <see cref="SingleOrDefaultAsync{T}(CipherpadDbContext, string, object?, CancellationToken)"/>, with <paramref name="reads"/>
    /// sent in the same command and kept as <see cref="ReadAheadAsync"/> keeps them.
    /// </summary>
    public static Task<T?> SingleOrDefaultAsync<T>(this CipherpadDbContext db, string sql, object? arguments, IReadOnlyList<ReadAhead> reads,
        CancellationToken cancellationToken) =>
        reads is { Count: 0 }
            ? db.SingleOrDefaultAsync<T>(sql, arguments, cancellationToken)
            : WithReadsAheadAsync(db, (sql, arguments), reader => ReadSingleOrDefaultAsync<T>(sql, reader, cancellationToken), reads, cancellationToken);

    private static async Task<T?> WithReadsAheadAsync<T>(CipherpadDbContext db, (string Sql, object? Arguments)? first, Func<DbDataReader, Task<T?>>? readFirst,
        IReadOnlyList<ReadAhead> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reads);
        var statements = new List<(string Sql, object? Arguments)>(reads.Count + 1);
        if (first is { } statement)
        {
            statements.Add(statement);
        }
        foreach (var read in reads)
        {
            statements.Add((read.Sql, read.Arguments));
        }
        var (text, arguments) = Combine(statements);
        var (result, rows) = await RunAsync(db, text, arguments, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var firstResult = readFirst is null ? default : await readFirst(reader);
            var results = new object?[reads.Count];
            for (var position = 0; position < reads.Count; position++)
            {
                if ((position > 0 || readFirst is not null) && !await reader.NextResultAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"Reads ahead returned fewer result sets than the {reads.Count} statements.");
                }
                results[position] = await reads[position].ReadAsync(reader, cancellationToken);
            }
            return (firstResult, results);
        }, cancellationToken);
        for (var position = 0; position < reads.Count; position++)
        {
            db.KeepReadAhead(reads[position].Key, rows[position]);
        }
        return result;
    }

    /// <summary>
    /// Several statements as the text of one command: each statement's <c>@parameters</c> are renamed with its position, so
    /// that the statements cannot see one another's arguments. Every <c>@word</c> is renamed, so a statement combined here
    /// has no <c>@</c> in a literal or a comment. The same statements in the same order give the same text, kept once (up to a
    /// bound, in case some caller builds its statements' texts), so that it is not built again for every request.
    /// </summary>
    internal static (string Text, Dictionary<string, object?> Arguments) Combine(IReadOnlyList<(string Sql, object? Arguments)> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var texts = new string[statements.Count];
        var count = 0;
        for (var position = 0; position < texts.Length; position++)
        {
            texts[position] = statements[position].Sql;
            count += ArgumentCount(statements[position].Arguments);
        }
        var key = new StatementTexts(texts);
        if (!CombinedTexts.TryGetValue(key, out var text))
        {
            text = string.Concat(texts.Select((sql, position) => Parameter().Replace(sql, $"@$1_{position}") + ";\n"));
            if (CombinedTexts.Count < MaxCombinedTexts)
            {
                CombinedTexts.TryAdd(key, text);
            }
        }
        var arguments = new Dictionary<string, object?>(count, StringComparer.Ordinal);
        for (var position = 0; position < texts.Length; position++)
        {
            foreach (var (name, value) in Arguments(statements[position].Arguments))
            {
                arguments[Renamed(name, position)] = value;
            }
        }
        return (text, arguments);
    }

    private static string Renamed(string name, int position) => position < RenamedParameters.Length
        ? RenamedParameters[position].GetOrAdd(name, static (name, position) => $"{name}_{position}", position)
        : $"{name}_{position}";

    /// <summary>The texts of statements to combine, compared text by text (hashed as <see cref="SqlText"/> does).</summary>
    private readonly struct StatementTexts(string[] texts) : IEquatable<StatementTexts>
    {
        private readonly string[] _texts = texts;

        public bool Equals(StatementTexts other) => _texts.AsSpan().SequenceEqual(other._texts, StringComparer.Ordinal);

        public override bool Equals(object? obj) => obj is StatementTexts other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var text in _texts)
            {
                hash.Add(text, SqlText.Comparer);
            }
            return hash.ToHashCode();
        }
    }

    internal static async Task<T?> ReadSingleOrDefaultAsync<T>(string statement, DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            return default;
        }
        var row = RowParser<T>(statement, reader)(reader);
        return await reader.ReadAsync(cancellationToken) ? throw new InvalidOperationException("The statement returned more than one row.") : row;
    }

    internal static async Task<List<T>> ReadListAsync<T>(string statement, DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        if (await reader.ReadAsync(cancellationToken))
        {
            var parse = RowParser<T>(statement, reader);
            do
            {
                rows.Add(parse(reader));
            }
            while (await reader.ReadAsync(cancellationToken));
        }
        return rows;
    }

    /// <summary>Runs the statements of <paramref name="sql"/>, every one of them; returns whether the first returned a row.</summary>
    internal static Task<bool> FirstStatementReturnsRowsAsync(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken) =>
        RunAsync(db, sql, arguments, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var returned = await reader.ReadAsync(cancellationToken);
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
            return returned;
        }, cancellationToken);

    /// <summary>Runs a statement; returns the number of rows it changed.</summary>
    public static Task<int> ExecuteAsync(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken) =>
        RunAsync(db, sql, arguments, command => command.ExecuteNonQueryAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Runs a statement on PostgreSQL with the open transaction's <c>COMMIT</c> in the same command (see
    /// <see cref="WriteTransactions.ExecuteLastAsync"/>); returns the number of rows it changed.
    /// </summary>
    internal static Task<int> ExecuteAndCommitAsync(this CipherpadDbContext db, string sql, object? arguments, CancellationToken cancellationToken) =>
        RunAsync(db, sql, arguments, command => command.ExecuteNonQueryAsync(cancellationToken), cancellationToken, commit: true);

    /// <summary>
    /// Reads the rows of <paramref name="statement"/>, the reader on its first, into <typeparamref name="T"/>: an object by its
    /// columns' names, a number or a text from the one column.
    /// </summary>
    private static Func<DbDataReader, T> RowParser<T>(string statement, DbDataReader reader)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (type.IsPrimitive || type == typeof(string))
        {
            return row => row.GetValue(0) is var value and not DBNull ? (T)Convert.ChangeType(value, type, CultureInfo.InvariantCulture) : default!;
        }
        if (RowReaders.TryGetValue((statement, typeof(T)), out var known) && known.Fits(reader))
        {
            return (Func<DbDataReader, T>)known.Parse;
        }
        var parse = reader.GetRowParser<T>();
        if (RowReaders.Count < MaxRowReaders)
        {
            RowReaders[(statement, typeof(T))] = new RowReader(ColumnTypes(reader), parse);
        }
        return parse;
    }

    private static Type[] ColumnTypes(DbDataReader reader)
    {
        var types = new Type[reader.FieldCount];
        for (var column = 0; column < types.Length; column++)
        {
            types[column] = reader.GetFieldType(column);
        }
        return types;
    }

    /// <summary>A statement's row parser, and the types of the columns it was built for.</summary>
    private sealed class RowReader(Type[] columnTypes, Delegate parse)
    {
        public Delegate Parse { get; } = parse;

        /// <summary>
        /// Whether the reader's current row has the columns the parser was built for: as many, and each that holds a value of
        /// the same type. A NULL fits any column; a column that SQLite computes may change type from one row to the next.
        /// </summary>
        public bool Fits(DbDataReader reader)
        {
            if (reader.FieldCount != columnTypes.Length)
            {
                return false;
            }
            for (var column = 0; column < columnTypes.Length; column++)
            {
                if (!reader.IsDBNull(column) && reader.GetFieldType(column) != columnTypes[column])
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with the arguments bound: on SQLite on the hot path's connections (<see cref="SqliteGroupCommit"/>),
    /// inside the request's write transaction when it has one; otherwise on the context's connection, in its open transaction.
    /// </summary>
    private static async Task<T> RunAsync<T>(CipherpadDbContext db, string sql, object? arguments, Func<DbCommand, Task<T>> execute,
        CancellationToken cancellationToken, bool commit = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (commit && (transaction is null || db.OnSqlite))
        {
            throw new InvalidOperationException("A statement can carry the COMMIT only of an open PostgreSQL transaction.");
        }
        if (db.SqliteHotPath is { } hotPath)
        {
            if (transaction is null)
            {
                return await hotPath.StatementAsync(db, sql, command =>
                {
                    Bind(command, arguments);
                    return execute(command);
                }, cancellationToken);
            }
            if (hotPath.CompiledOn(db.Database.GetDbConnection(), sql) is { } compiled)
            {
                compiled.Transaction = (SqliteTransaction)transaction;
                Bind(compiled, arguments);
                return await execute(compiled);
            }
        }
        // PostgreSQL, or a transaction the request opened on its context's own connection: a command for this one use.
        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            db.OpenedForStatements = true; // closed when the context is given back
        }
        await using var command = connection.CreateCommand();
        command.CommandText = db.TakeStatementPrefix() is { } prefix ? prefix + ";\n" + sql : sql;
        command.Transaction = transaction;
        Bind(command, arguments);
        if (!commit)
        {
            return await execute(command);
        }
        // One command, one Sync: PostgreSQL skips the COMMIT if the statement fails, and the transaction is then rolled back.
        command.CommandText += ";\nCOMMIT";
        try
        {
            return await execute(command);
        }
        catch (Npgsql.NpgsqlException exception) when (TransientDatabaseErrors.IsConnectionLost(exception))
        {
            throw new CommitOutcomeUnknownException(exception);
        }
    }

    /// <summary>
    /// Binds <paramref name="arguments"/> to <paramref name="command"/>'s parameters, reusing those it kept from its last
    /// run (a statement compiled once runs with the same names each time) and making the others.
    /// </summary>
    private static void Bind(DbCommand command, object? arguments)
    {
        var parameters = command.Parameters;
        var position = 0;
        foreach (var (name, value) in Arguments(arguments))
        {
            var parameterName = ParameterNames.GetOrAdd(name, static name => "@" + name);
            var stored = Stored(value, command is SqliteCommand);
            if (position < parameters.Count && string.Equals(parameters[position].ParameterName, parameterName, StringComparison.Ordinal))
            {
                parameters[position].Value = stored;
            }
            else
            {
                RemoveFrom(position);
                var parameter = command.CreateParameter();
                parameter.ParameterName = parameterName;
                parameter.Value = stored;
                parameters.Add(parameter);
            }
            position++;
        }
        RemoveFrom(position);

        void RemoveFrom(int first)
        {
            while (parameters.Count > first)
            {
                parameters.RemoveAt(parameters.Count - 1);
            }
        }
    }

    /// <summary>The named values of <paramref name="arguments"/>: an object's properties, or a dictionary's entries.</summary>
    internal static NamedValues Arguments(object? arguments) => new(arguments);

    /// <summary>How many values <see cref="Arguments"/> gives for <paramref name="arguments"/>.</summary>
    internal static int ArgumentCount(object? arguments) => arguments switch
    {
        null => 0,
        IReadOnlyDictionary<string, object?> entries => entries.Count,
        _ => PropertiesOf(arguments.GetType()).Length,
    };

    /// <summary>
    /// <see cref="Arguments"/>, enumerated without allocating an enumerator: each statement's arguments are enumerated a few
    /// times (to bind them, and to key a read sent ahead), on every request. An object's properties are read by getters
    /// compiled once per type (a value of a value type is boxed, as reflection boxed it).
    /// </summary>
    internal readonly struct NamedValues(object? arguments)
    {
        public Enumerator GetEnumerator() => new(arguments);

        internal struct Enumerator : IDisposable
        {
            private readonly object? _arguments;
            private readonly Property[]? _properties;
            private readonly bool _isDictionary;
            private Dictionary<string, object?>.Enumerator _entries;
            private readonly IEnumerator<KeyValuePair<string, object?>>? _otherEntries;
            private int _next;

            internal Enumerator(object? arguments)
            {
                _arguments = arguments;
                switch (arguments)
                {
                    case null:
                        break;
                    case Dictionary<string, object?> entries:
                        _isDictionary = true;
                        _entries = entries.GetEnumerator();
                        break;
                    case IReadOnlyDictionary<string, object?> entries:
                        _otherEntries = entries.GetEnumerator();
                        break;
                    default:
                        _properties = PropertiesOf(arguments.GetType());
                        break;
                }
            }

            public (string Name, object? Value) Current { get; private set; }

            public bool MoveNext()
            {
                if (_properties is not null)
                {
                    if (_next == _properties.Length)
                    {
                        return false;
                    }
                    var property = _properties[_next++];
                    Current = (property.Name, property.Get(_arguments!));
                    return true;
                }
                if (_isDictionary)
                {
                    if (!_entries.MoveNext())
                    {
                        return false;
                    }
                    Current = (_entries.Current.Key, _entries.Current.Value);
                    return true;
                }
                if (_otherEntries is not null && _otherEntries.MoveNext())
                {
                    Current = (_otherEntries.Current.Key, _otherEntries.Current.Value);
                    return true;
                }
                return false;
            }

            public readonly void Dispose() => _otherEntries?.Dispose();
        }
    }

    /// <summary>A property of an arguments object: its name, and a getter compiled for its type.</summary>
    internal sealed record Property(string Name, Func<object, object?> Get);

    private static Property[] PropertiesOf(Type type) => ArgumentProperties.GetOrAdd(type, static type =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.GetIndexParameters().Length == 0).Select(property =>
        {
            var instance = Expression.Parameter(typeof(object));
            var value = Expression.Convert(Expression.Property(Expression.Convert(instance, type), property), typeof(object));
            return new Property(property.Name, Expression.Lambda<Func<object, object?>>(value, instance).Compile());
        }),
    ]);

    private static object Stored(object? value, bool sqlite) => value switch
    {
        null => DBNull.Value,
        Guid guid => sqlite ? UpperCaseText(guid) : guid,
        DateTimeOffset time => time.UtcTicks,
        Enum => throw new ArgumentException("Pass an enum as the text or the number its column stores."),
        _ => value,
    };

    /// <summary>A GUID as EF Core's SQLite provider stores it: upper-case text, made in one string.</summary>
    private static string UpperCaseText(Guid guid) => string.Create(36, guid, static (text, value) =>
    {
        value.TryFormat(text, out _, "D");
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = char.ToUpperInvariant(text[i]);
        }
    });

    private sealed class GuidColumn : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value) => throw new NotSupportedException("Arguments are bound by Sql.");

        public override Guid Parse(object value) => value switch
        {
            Guid guid => guid,
            string text => Guid.Parse(text),
            _ => throw new DataException($"A {value?.GetType().Name} is not a stored Guid."),
        };
    }

    private sealed class UtcTicksColumn : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => throw new NotSupportedException("Arguments are bound by Sql.");

        public override DateTimeOffset Parse(object value) => new(Convert.ToInt64(value, CultureInfo.InvariantCulture), TimeSpan.Zero);
    }

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex Parameter();
}

/// <summary>A statement and the type of its rows, the statement compared as <see cref="SqlText"/> does.</summary>
internal sealed class StatementAndRow : IEqualityComparer<(string Statement, Type Row)>
{
    public static readonly StatementAndRow Comparer = new();

    public bool Equals((string Statement, Type Row) x, (string Statement, Type Row) y) =>
        x.Row == y.Row && SqlText.Comparer.Equals(x.Statement, y.Statement);

    public int GetHashCode((string Statement, Type Row) obj) => HashCode.Combine(SqlText.Hash(obj.Statement), obj.Row);
}
