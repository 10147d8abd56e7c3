using System.Data.Common;

namespace Cipherpad.Server.Storage;

/// <summary>
/// A read that a request will make later through <see cref="Sql.ListAsync{T}"/> or
/// <see cref="Sql.SingleOrDefaultAsync{T}(CipherpadDbContext, string, object?, CancellationToken)"/>, sent ahead with others
/// (<see cref="Sql.ReadAheadAsync"/>, or after a statement of its own) so that together they cost the database one command (on
/// PostgreSQL one network round trip instead of one each). The later read with the same statement, arguments and row type
/// then takes the rows kept in the request's context, once, instead of asking the database again.
/// </summary>
public abstract class ReadAhead
{
    private ReadAhead(string sql, object? arguments, Type rowType)
    {
        Sql = sql;
        Arguments = arguments;
        Key = new ReadKey(sql, arguments, rowType);
    }

    public string Sql { get; }

    public object? Arguments { get; }

    internal ReadKey Key { get; }

    /// <summary>What <see cref="Sql.ListAsync{T}"/> will read.</summary>
    public static ReadAhead List<T>(string sql, object? arguments) => new ListRead<T>(sql, arguments);

    /// <summary>What <see cref="Sql.SingleOrDefaultAsync{T}(CipherpadDbContext, string, object?, CancellationToken)"/> will read.</summary>
    public static ReadAhead SingleOrDefault<T>(string sql, object? arguments) => new SingleRead<T>(sql, arguments);

    /// <summary>Reads this statement's result set, where <paramref name="reader"/> stands.</summary>
    internal abstract Task<object?> ReadAsync(DbDataReader reader, CancellationToken cancellationToken);

    private sealed class ListRead<T>(string sql, object? arguments) : ReadAhead(sql, arguments, typeof(List<T>))
    {
        internal override async Task<object?> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
            await Storage.Sql.ReadListAsync<T>(Sql, reader, cancellationToken);
    }

    private sealed class SingleRead<T>(string sql, object? arguments) : ReadAhead(sql, arguments, typeof(T))
    {
        internal override async Task<object?> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
            await Storage.Sql.ReadSingleOrDefaultAsync<T>(Sql, reader, cancellationToken);
    }
}

/// <summary>
/// What tells one read from another: the statement, the row type, and each argument's name, type and value, so that one read's
/// rows never answer another. Values are compared by value: times by their instant (a <see cref="DateTime"/> also by its kind),
/// bytes by their content (copied, so that a caller's array changed later does not change the key), any other value by its
/// type and <see cref="object.Equals(object?)"/>.
/// </summary>
internal sealed class ReadKey : IEquatable<ReadKey>
{
    private readonly string _sql;
    private readonly Type _rowType;
    private readonly (string Name, object? Value)[] _arguments;
    private readonly int _hash;

    public ReadKey(string sql, object? arguments, Type rowType)
    {
        _sql = sql;
        _rowType = rowType;
        _arguments = new (string, object?)[Storage.Sql.ArgumentCount(arguments)];
        var hash = new HashCode();
        hash.Add(sql, SqlText.Comparer);
        hash.Add(rowType);
        var position = 0;
        foreach (var argument in Storage.Sql.Arguments(arguments))
        {
            _arguments[position++] = argument.Value is byte[] content ? (argument.Name, content.ToArray()) : argument;
            hash.Add(argument.Name, StringComparer.Ordinal);
            hash.Add(argument.Value switch
            {
                null => 0,
                DateTimeOffset time => time.UtcTicks.GetHashCode(),
                byte[] bytes => bytes.Length,
                var value => value.GetHashCode(),
            });
        }
        if (position != _arguments.Length)
        {
            throw new InvalidOperationException("The arguments changed while they were read.");
        }
        _hash = hash.ToHashCode();
    }

    public bool Equals(ReadKey? other)
    {
        if (other is null || other._hash != _hash || other._rowType != _rowType || other._arguments.Length != _arguments.Length
            || !string.Equals(other._sql, _sql, StringComparison.Ordinal))
        {
            return false;
        }
        for (var position = 0; position < _arguments.Length; position++)
        {
            var (name, value) = _arguments[position];
            var (otherName, otherValue) = other._arguments[position];
            if (!string.Equals(name, otherName, StringComparison.Ordinal) || !SameValue(value, otherValue))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as ReadKey);

    public override int GetHashCode() => _hash;

    private static bool SameValue(object? value, object? other) => (value, other) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (DateTimeOffset time, DateTimeOffset otherTime) => time.UtcTicks == otherTime.UtcTicks,
        (DateTime time, DateTime otherTime) => time.Ticks == otherTime.Ticks && time.Kind == otherTime.Kind,
        (byte[] bytes, byte[] otherBytes) => bytes.AsSpan().SequenceEqual(otherBytes),
        _ => value.GetType() == other.GetType() && value.Equals(other),
    };
}
