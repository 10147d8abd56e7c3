namespace Cipherpad.Server.Storage;

/// <summary>
/// Statements of a write transaction that nothing after them in the transaction reads (a log entry, a budget given back,
/// a count reset), gathered from the capabilities that own them and sent as one command when the caller says: on
/// PostgreSQL one network round trip instead of one each, on SQLite one compiled command. Each statement's
/// <c>@parameters</c> are renamed with its position, so the statements cannot see one another's arguments.
/// </summary>
public sealed class StatementBatch(CipherpadDbContext db)
{
    private readonly List<(string Sql, object? Arguments)> _statements = [];

    /// <summary>Adds a statement (with arguments as <see cref="Sql"/> takes them) to be run by <see cref="ExecuteAsync"/>.</summary>
    public void Add(string sql, object? arguments) => _statements.Add((sql, arguments));

    /// <summary>Runs the statements added since the last call, in the order they were added, inside the context's transaction if it has one.</summary>
    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        if (_statements.Count == 0)
        {
            return;
        }
        if (_statements.Count == 1)
        {
            var (only, onlyArguments) = _statements[0];
            _statements.Clear();
            await db.ExecuteAsync(only, onlyArguments, cancellationToken);
            return;
        }
        var (text, arguments) = Sql.Combine(_statements);
        _statements.Clear();
        await db.ExecuteAsync(text, arguments, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, a statement that returns a row for each row it changes, and then the statements added since
    /// the last call, all in one command; returns whether <paramref name="sql"/> changed a row. When it did not, the batch's
    /// statements ran all the same: the caller must then fail its transaction, so that none of them stands.
    /// </summary>
    public async Task<bool> ExecuteAfterAsync(string sql, object? arguments, CancellationToken cancellationToken)
    {
        (string Sql, object? Arguments)[] statements = [(sql, arguments), .. _statements];
        _statements.Clear();
        var (text, combined) = Sql.Combine(statements);
        return await db.FirstStatementReturnsRowsAsync(text, combined, cancellationToken);
    }
}
