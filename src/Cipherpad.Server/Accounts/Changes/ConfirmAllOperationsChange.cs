using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts.Changes;

public sealed record ConfirmAllOperationsChange(bool On) : AccountChange;

public sealed class ConfirmAllOperationsHandler(CipherpadDbContext db) : AccountChangeHandler<ConfirmAllOperationsChange>
{
    protected override Task ApplyAsync(Guid accountId, ConfirmAllOperationsChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a.SetProperty(x => x.ConfirmAllOperations, change.On), cancellationToken);
}
