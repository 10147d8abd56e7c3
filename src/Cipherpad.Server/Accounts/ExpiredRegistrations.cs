using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Registrations whose e-mail was never confirmed and whose confirmation links have all expired. Nobody proved they own
/// the address, so such an account must not hold it: registering the address again deletes it first
/// (<see cref="AccountService.RegisterAsync"/>), and the pruner deletes the rest, so a squatter's registrations lapse
/// whether or not the owner ever comes.
/// </summary>
public static class ExpiredRegistrations
{
    /// <summary>The unconfirmed accounts none of whose confirmation links works after <paramref name="time"/>.</summary>
    public static IQueryable<Account> At(CipherpadDbContext db, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Accounts.Where(a => a.EmailConfirmedAt == null && !db.EmailConfirmations.Any(c => c.AccountId == a.Id && c.ExpiresAt > time));
    }
}
