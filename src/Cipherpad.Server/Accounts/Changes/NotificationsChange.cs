using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts.Changes;

public sealed record NotificationsChange(NotificationKind Kinds) : AccountChange;

public sealed class NotificationsHandler(CipherpadDbContext db) : AccountChangeHandler<NotificationsChange>
{
    public override bool BearsOnSecurity => false;

    protected override Task ApplyAsync(Guid accountId, NotificationsChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a.SetProperty(x => x.Notifications, change.Kinds), cancellationToken);
}
