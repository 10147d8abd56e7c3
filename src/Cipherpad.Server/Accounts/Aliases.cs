using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Aliases: the owner confirms the request with the cipher pad, then the alias's own mailbox confirms by a link. An
/// address that any account uses — as its e-mail or as an alias — can never become another account's alias.
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

    public async Task<Text?> ProblemWithAsync(string? address, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(address) is { } problem)
        {
            return problem;
        }
        if (AccountRules.NormalizeEmail(address!).Length > MaxAddressLength)
        {
            return $"An alias is at most {MaxAddressLength} characters, so that the cipher pad can show it whole when you confirm it.";
        }
        return await directory.InUseAsync(address!, cancellationToken) ? AddressInUse : null;
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

    /// <summary>After the cipher pad confirmed: mails the alias a link that proves its owner agrees.</summary>
    public async Task SendConfirmationAsync(Guid accountId, string address, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, cancellationToken);
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
