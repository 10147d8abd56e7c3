using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>Mails a confirmation link to the address; it becomes an alias only when that link is opened.</summary>
public sealed record AddAliasChange(string Address) : AccountChange;

public sealed record RemoveAliasChange(Guid AliasId, string Address) : AccountChange;

public sealed class AddAliasHandler(Aliases aliases) : AccountChangeHandler<AddAliasChange>
{
    protected override Task ApplyAsync(Guid accountId, AddAliasChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        aliases.SendConfirmationAsync(accountId, change.Address, cancellationToken);
}

public sealed class RemoveAliasHandler(CipherpadDbContext db, Notifier notifier) : AccountChangeHandler<RemoveAliasChange>
{
    protected override async Task ApplyAsync(Guid accountId, RemoveAliasChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.AccountAliases.Where(a => a.Id == change.AliasId && a.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
        await notifier.NotifyAsync(accountId, NotificationKind.AliasChanges, $"Remove the alias {change.Address}: done.", null, cancellationToken);
    }
}
