using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Finds accounts by id, and which account an address belongs to. An address belongs to at most one account, as its
/// e-mail or as a confirmed alias: logins are looked up here, and an address is given to an account (registration, alias, an administrator's
/// change of e-mail) only if this says it is free. Addresses are normalized here; callers may pass them as typed. An
/// address stored before ASCII-only lowercasing is found too, and keeps its form from being given to another account
/// (<see cref="StoredEmail"/>).
/// </summary>
public sealed class AccountDirectory(CipherpadDbContext db, LastFoundAccounts lastFound)
{
    /// <summary>The account with this id, or null; not tracked.</summary>
    public Task<Account?> FindAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken);

    /// <summary>The account with this id, which must exist, such as the signed-in person's; not tracked.</summary>
    public Task<Account> GetAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, cancellationToken);

    /// <summary>The account whose e-mail or alias is <paramref name="login"/>, or null; not tracked.</summary>
    public async Task<Account?> FindAsync(string login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        return await LookUpAsync(StoredEmail.Forms(login), [], cancellationToken);
    }

    /// <summary>
    /// The account whose e-mail or alias is <paramref name="login"/>, or null, not tracked; and, when the address belongs to
    /// the account it belonged to the last time <paramref name="askedBy"/> (a relying party) looked it up here, what the caller
    /// will read of that account (<paramref name="readsOfAccount"/>) read ahead in the lookup's own command
    /// (<see cref="Sql.ReadAheadAsync"/>). <c>ReadAhead</c> says whether they were; if not, the caller sends them itself if it
    /// still needs them.
    /// </summary>
    public async Task<(Account? Account, bool ReadAhead)> FindReadingAheadAsync(string login, Guid askedBy,
        Func<Guid, IReadOnlyList<ReadAhead>> readsOfAccount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(readsOfAccount);
        var forms = StoredEmail.Forms(login);
        var guess = lastFound.Guess(askedBy, forms[0]);
        var account = await LookUpAsync(forms, guess is { } guessed ? readsOfAccount(guessed) : [], cancellationToken);
        if (account is null)
        {
            lastFound.NotFound(askedBy, forms[0]);
            return (null, false);
        }
        lastFound.Found(askedBy, forms[0], account.Id);
        return (account, account.Id == guess);
    }

    // One statement, as every relying party's create looks an account up: the address as an account's own e-mail before an
    // alias, and each in its current form before the earlier one. Each lookup is by a unique index and is made only if those
    // before it found nothing; SQLite would build temporary tables for an IN list, a UNION and its ORDER BY.
    private Task<Account?> LookUpAsync(IReadOnlyList<string> forms, IReadOnlyList<ReadAhead> readsAhead, CancellationToken cancellationToken) =>
        db.SingleOrDefaultAsync<Account>(
            """
            SELECT * FROM "Accounts" WHERE "Id" = COALESCE(
                (SELECT "Id" FROM "Accounts" WHERE "Email" = @current),
                (SELECT "Id" FROM "Accounts" WHERE "Email" = @earlier),
                (SELECT "AccountId" FROM "AccountAliases" WHERE "Email" = @current),
                (SELECT "AccountId" FROM "AccountAliases" WHERE "Email" = @earlier))
            """, new { current = forms[0], earlier = forms[^1] }, readsAhead, cancellationToken);

    /// <summary>Whether any account uses <paramref name="address"/>, as its e-mail or as an alias.</summary>
    public async Task<bool> InUseAsync(string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return await db.Accounts.StoredAs(address).AnyAsync(cancellationToken)
            || await db.AccountAliases.StoredAs(address).AnyAsync(cancellationToken);
    }
}
