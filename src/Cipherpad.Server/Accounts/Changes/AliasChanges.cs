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

/// <summary>Deletes the alias; the owner is mailed as for every change that bears on security (<see cref="AccountChanges"/>).</summary>
public sealed class RemoveAliasHandler(CipherpadDbContext db) : AccountChangeHandler<RemoveAliasChange>
{
    protected override Task ApplyAsync(Guid accountId, RemoveAliasChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.AccountAliases.Where(a => a.Id == change.AliasId && a.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
}
