using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Sessions;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Support requests, and the administrator's changes of an account's e-mail or phone. Each change ends every sign-in
/// session, is written to the authorization log and is mailed to the owner (a changed e-mail to the former address
/// too), all in one transaction.
/// </summary>
public sealed class SupportRequests(CipherpadDbContext db, AccountDirectory directory, AuthorizationLogWriter log, SignInSessions sessions,
    Notifier notifier, TimeProvider time)
{
    public async Task<SupportRequest> SubmitAsync(string accountEmail, string name, string contact, string lost, string message, string? ip,
        CancellationToken cancellationToken)
    {
        var request = new SupportRequest
        {
            CreatedAt = time.GetUtcNow(),
            AccountEmail = AccountRules.NormalizeEmail(accountEmail),
            Name = name.Trim(),
            Contact = contact.Trim(),
            Lost = lost,
            Message = message.Trim(),
            Ip = ip,
        };
        db.SupportRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
        return request;
    }

    public Task<List<SupportRequest>> OpenAsync(CancellationToken cancellationToken) =>
        db.SupportRequests.AsNoTracking().Where(r => r.ResolvedAt == null).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);

    public async Task<SupportRequest?> FindAsync(string idPrefix, CancellationToken cancellationToken)
    {
        var open = await db.SupportRequests.AsNoTracking().ToListAsync(cancellationToken);
        var matches = open.Where(r => r.Id.ToString().StartsWith(idPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    public async Task<bool> ResolveAsync(Guid id, string note, CancellationToken cancellationToken) =>
        await db.SupportRequests.Where(r => r.Id == id && r.ResolvedAt == null)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.ResolvedAt, time.GetUtcNow()).SetProperty(x => x.Resolution, note), cancellationToken) == 1;

    /// <summary>Changes an account's e-mail; refuses an address any account uses.</summary>
    public async Task<string?> ChangeEmailAsync(string currentEmail, string newEmail, string reason, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.StoredAsCurrentFirst(currentEmail).FirstOrDefaultAsync(cancellationToken);
        if (account is null)
        {
            return $"There is no account {currentEmail}.";
        }
        if (AccountRules.EmailProblem(newEmail) is { } problem)
        {
            return problem.ToString();
        }
        var normalized = AccountRules.NormalizeEmail(newEmail);
        if (await directory.InUseAsync(normalized, cancellationToken))
        {
            return $"{normalized} is already used by an account.";
        }
        var old = account.Email;
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        account.Email = normalized;
        log.Add(account.Id, "changed", "admin", "e-mail change", null, null, detail: $"e-mail {old} → {normalized}: {reason}");
        await db.SaveChangesAsync(cancellationToken);
        await sessions.EndAllAsync(account.Id, SignInSessions.AdminChange, null, cancellationToken);
        await notifier.NotifyEmailChangedAsync(account.Id, old, $"The e-mail address of your account was changed from {old} to {normalized}.",
            "by an administrator, after a support request", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Changes an account's phone.</summary>
    public async Task<string?> ChangePhoneAsync(string email, string phone, string reason, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.StoredAsCurrentFirst(email).FirstOrDefaultAsync(cancellationToken);
        if (account is null)
        {
            return $"There is no account {email}.";
        }
        var normalized = AccountRules.NormalizePhone(phone);
        if (normalized is null)
        {
            return "The phone must be in international form, such as +49 170 1234567.";
        }
        var old = account.Phone;
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        account.Phone = normalized;
        log.Add(account.Id, "changed", "admin", "phone change", null, null,
            detail: $"phone {AccountRules.MaskPhone(old)} → {AccountRules.MaskPhone(normalized)}: {reason}");
        await db.SaveChangesAsync(cancellationToken);
        await sessions.EndAllAsync(account.Id, SignInSessions.AdminChange, null, cancellationToken);
        await notifier.NotifyAsync(account.Id, NotificationKind.SecurityChanges,
            $"The phone number of your account was changed from {AccountRules.MaskPhone(old)} to {AccountRules.MaskPhone(normalized)}.",
            "by an administrator, after a support request", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
