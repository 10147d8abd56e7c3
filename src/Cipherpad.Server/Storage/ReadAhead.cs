using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;

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
    // Statements are named in keys by a number of their own, so that a key is not as long as its statement; texts beyond the
    // bound (a caller that builds them) are named by themselves. A number starts with '#', a text with its length.
    private static readonly ConcurrentDictionary<string, long> StatementNumbers = new(StringComparer.Ordinal);
    private const int MaxStatementNumbers = 4096;
    private static long _lastStatementNumber;

    private ReadAhead(string sql, object? arguments, Type rowType)
    {
        Sql = sql;
        Arguments = arguments;
        Key = KeyOf(sql, arguments, rowType);
    }

    public string Sql { get; }

    public object? Arguments { get; }

    internal string Key { get; }

    /// <summary>What <see cref="Sql.ListAsync{T}"/> will read.</summary>
    public static ReadAhead List<T>(string sql, object? arguments) => new ListRead<T>(sql, arguments);

    /// <summary>What <see cref="Sql.SingleOrDefaultAsync{T}(CipherpadDbContext, string, object?, CancellationToken)"/> will read.</summary>
    public static ReadAhead SingleOrDefault<T>(string sql, object? arguments) => new SingleRead<T>(sql, arguments);

    /// <summary>Reads this statement's result set, where <paramref name="reader"/> stands.</summary>
    internal abstract Task<object?> ReadAsync(DbDataReader reader, CancellationToken cancellationToken);

    /// <summary>
    /// The statement, the row type and each argument's name, type and value in a form that tells every two values apart
    /// (times by their ticks, bytes in base64, texts with their length), so that one read's rows never answer another.
    /// </summary>
    internal static string KeyOf(string sql, object? arguments, Type rowType)
    {
        var key = new StringBuilder(128);
        if (!StatementNumbers.TryGetValue(sql, out var number) && StatementNumbers.Count < MaxStatementNumbers)
        {
            number = StatementNumbers.GetOrAdd(sql, _ => Interlocked.Increment(ref _lastStatementNumber));
        }
        if (number > 0)
        {
            // A type's handle names it uniquely for as long as the process runs, as a number.
            key.Append('#').Append(number).Append(':').Append((long)rowType.TypeHandle.Value);
        }
        else
        {
            key.Append(sql.Length).Append(':').Append(sql).Append(rowType.FullName);
        }
        foreach (var (name, value) in Storage.Sql.Arguments(arguments))
        {
            var text = value switch
            {
                null => "",
                DateTimeOffset time => time.UtcTicks.ToString(CultureInfo.InvariantCulture),
                byte[] bytes => Convert.ToBase64String(bytes),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            key.Append('|').Append(name).Append(':').Append(value?.GetType().FullName ?? "null").Append(':').Append(text.Length).Append(':').Append(text);
        }
        return key.ToString();
    }

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
