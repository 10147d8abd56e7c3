using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Aliases: the owner confirms the request with the cipher pad, then the alias's own mailbox confirms by a link. An
/// address that any account uses — as its e-mail or as an alias — can never become another account's alias; the one
/// asking is not told that it is another's (it would tell anyone with an account which addresses have one), its mailbox
/// is: it gets a notice instead of the link.
/// </summary>
public sealed class Aliases(CipherpadDbContext db, AccountDirectory directory, EmailLinks links, Outbox outbox, Notifier notifier, MailQuotas mailQuotas,
    Translator translator, TimeProvider time)
{
    /// <summary>The confirmation text the cipher pad shows for adding <paramref name="address"/>.</summary>
    public static string AddDescription(string address) => $"Add {address} as an alias (a link will go to it)";

    /// <summary>The longest alias whose <see cref="AddDescription"/> the cipher pad can show (an action description's limit).</summary>
    public static readonly int MaxAddressLength = Core.Payloads.RequestPayload.MaxDescriptionLength - AddDescription("").Length;

    private const string AddressInUse = "This address is already used by an account; it cannot become an alias.";

    /// <summary>The account's aliases, by address.</summary>
    public Task<List<AccountAlias>> ListAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.AccountAliases.AsNoTracking().Where(a => a.AccountId == accountId).OrderBy(a => a.Email).ToListAsync(cancellationToken);

    /// <summary>The account's alias with this id, or null when the account has no such alias; not tracked.</summary>
    public Task<AccountAlias?> FindAsync(Guid accountId, Guid aliasId, CancellationToken cancellationToken) =>
        db.AccountAliases.AsNoTracking().SingleOrDefaultAsync(a => a.Id == aliasId && a.AccountId == accountId, cancellationToken);

    /// <summary>
    /// What is wrong with <paramref name="address"/> as a new alias of the account, as far as its owner may be told: its form,
    /// its length, or that it already logs in to this account. Whether another account uses it is not said here.
    /// </summary>
    public async Task<Text?> ProblemWithAsync(Guid accountId, string? address, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(address) is { } problem)
        {
            return problem;
        }
        if (AccountRules.NormalizeEmail(address!).Length > MaxAddressLength)
        {
            return $"An alias is at most {MaxAddressLength} characters, so that the cipher pad can show it whole when you confirm it.";
        }
        return (await directory.FindAsync(address!, cancellationToken))?.Id == accountId ? "This address already logs in to your account." : null;
    }

    /// <summary>
    /// Takes one confirmation mail from this hour's count for the address and for the account, before the cipher pad is asked:
    /// an owner cannot make the server mail one address, or many addresses, without end. Returns a problem, or null.
    /// </summary>
    public async Task<string?> ReserveConfirmationAsync(Guid accountId, string normalizedAddress, CancellationToken cancellationToken)
    {
        if (!await mailQuotas.TryReserveAsync(MailQuota.ForAddress(normalizedAddress), MailQuotaKind.AliasConfirmation, cancellationToken))
        {
            return "This address was sent all the confirmation links allowed this hour; use the newest one, or try again in the next hour.";
        }
        return await mailQuotas.TryReserveAsync(MailQuota.ForAccount(accountId), MailQuotaKind.AliasConfirmation, cancellationToken)
            ? null
            : "Your account has asked for all the alias confirmations allowed this hour; try again in the next hour.";
    }

    /// <summary>
    /// After the cipher pad confirmed: mails the alias a link that proves its owner agrees; or, when another account uses the
    /// address, a notice that it cannot become an alias, which the one asking is not shown.
    /// </summary>
    public async Task SendConfirmationAsync(Guid accountId, string address, CancellationToken cancellationToken)
    {
        var account = await directory.GetAsync(accountId, cancellationToken);
        var owner = await directory.FindAsync(address, cancellationToken);
        if (owner?.Id == accountId)
        {
            return;
        }
        if (owner is not null)
        {
            outbox.Email(address, translator.In(owner.Language, "Someone asked to make this address their Cipherpad alias"), translator.Lines(owner.Language,
                "Hello,", "",
                $"{account.FullName} ({account.Email}) asked to add this address to their Cipherpad account, to log in with it.",
                "It already belongs to a Cipherpad account, so it cannot become another's: nothing changed, and you need not do anything."));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var link = links.Issue(accountId, EmailLinkKind.AddAlias, address);
        outbox.Email(address, translator.In(account.Language, "Confirm this address as a Cipherpad alias"), translator.Lines(account.Language,
            "Hello,", "",
            $"{account.FullName} ({account.Email}) wants this address to log in to their Cipherpad account.",
            $"If that is you, open this link within {links.Lifetime.TotalMinutes:0} minutes:",
            "", Text.Verbatim(link), "",
            "If it is not you, ignore this message: nothing changes without the link."));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Confirms an alias by its link; returns a problem, or null.</summary>
    public async Task<(string? Problem, AccountAlias? Alias)> ConfirmAsync(string? token, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(token, EmailLinkKind.AddAlias, cancellationToken);
        if (link?.Address is null)
        {
            return ("This link is unknown, was already used, or has expired.", null);
        }
        if (!await links.TryClaimAsync(link, cancellationToken))
        {
            return ("This link was already used.", null);
        }
        if (await directory.InUseAsync(link.Address, cancellationToken))
        {
            return (AddressInUse, null);
        }
        var alias = new AccountAlias { AccountId = link.AccountId, Email = link.Address, ConfirmedAt = time.GetUtcNow() };
        db.AccountAliases.Add(alias);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return (AddressInUse, null);
        }
        await notifier.NotifyAsync(link.AccountId, NotificationKind.AliasChanges,
            $"{alias.Email} was added as an alias: it now logs in to your account.", null, cancellationToken);
        return (null, alias);
    }
}
