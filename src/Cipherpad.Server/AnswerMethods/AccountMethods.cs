using Cipherpad.Server.Problems;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.AnswerMethods;

/// <summary>The registered answer methods, and which of them each account has on (one <see cref="AccountMethod"/> row per method).</summary>
public sealed class AccountMethods(CipherpadDbContext db, IEnumerable<IAnswerMethod> registered, TimeProvider time)
{
    private readonly IReadOnlyList<IAnswerMethod> _registered = [.. registered];

    /// <summary>Every method this server offers, in registration order (the cipher pad first).</summary>
    public IReadOnlyList<IAnswerMethod> Registered => _registered;

    public IAnswerMethod? Find(string? name) => _registered.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    /// <summary>The names of the methods the account has on.</summary>
    public Task<List<string>> OnAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.AccountMethods.AsNoTracking().Where(m => m.AccountId == accountId && m.State == AccountMethodState.On).Select(m => m.Method)
            .ToListAsync(cancellationToken);

    public async Task<bool> IsOnAsync(Guid accountId, string method, CancellationToken cancellationToken) =>
        await db.SingleOrDefaultAsync<int>(IsOnSql, IsOnArguments(accountId, method), cancellationToken) > 0;

    /// <summary><see cref="IsOnAsync"/>'s read, to send ahead.</summary>
    public static ReadAhead IsOnRead(Guid accountId, string method) => ReadAhead.SingleOrDefault<int>(IsOnSql, IsOnArguments(accountId, method));

    private const string IsOnSql = """SELECT COUNT(*) FROM "AccountMethods" WHERE "AccountId" = @accountId AND "Method" = @method AND "State" = @on""";

    private static object IsOnArguments(Guid accountId, string method) => new { accountId, method, on = nameof(AccountMethodState.On) };

    /// <summary>Turns exactly <paramref name="on"/> on and every other registered method off. Saved with the context's other changes.</summary>
    public async Task SetAsync(Guid accountId, IReadOnlyCollection<string> on, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(on);
        var now = time.GetUtcNow();
        var rows = await db.AccountMethods.Where(m => m.AccountId == accountId).ToDictionaryAsync(m => m.Method, StringComparer.Ordinal, cancellationToken);
        foreach (var method in _registered.Select(m => m.Name).Union(rows.Keys, StringComparer.Ordinal))
        {
            var state = on.Contains(method) ? AccountMethodState.On : AccountMethodState.Off;
            if (!rows.TryGetValue(method, out var row))
            {
                if (state == AccountMethodState.On)
                {
                    db.AccountMethods.Add(new AccountMethod { AccountId = accountId, Method = method, State = state, ChangedAt = now });
                }
            }
            else if (row.State != state)
            {
                (row.State, row.ChangedAt) = (state, now);
            }
        }
    }

    /// <summary>The methods named in a form post or a stored change, keeping only registered ones, in registration order.</summary>
    public List<string> Known(IEnumerable<string> names) =>
        [.. _registered.Select(m => m.Name).Where(name => names.Contains(name, StringComparer.OrdinalIgnoreCase))];

    /// <summary>
    /// Why a first choice of methods (at registration or recovery) cannot stand: there must be one, and a cipher pad
    /// must be among them because the account is activated with one.
    /// </summary>
    public static CipherpadError? FirstChoiceProblem(IReadOnlyCollection<string> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        return chosen.Count == 0 ? Errors.NoMethodChosen()
            : !chosen.Contains(CipherPad.CipherPadMethod.MethodName) ? Errors.CipherPadNeeded()
            : null;
    }

    /// <summary>"the cipher pad and answers by SMS".</summary>
    public string Describe(IEnumerable<string> names) => string.Join(" and ", Known(names).Select(name => Find(name)!.DisplayName));
}
