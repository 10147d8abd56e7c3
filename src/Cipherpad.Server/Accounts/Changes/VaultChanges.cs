using Cipherpad.Server.Vault;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>Stores a file uploaded on the personal account's page (kept encrypted as <see cref="VaultUpload"/> meanwhile) in the key vault.</summary>
public sealed record StoreVaultItemChange(Guid UploadId, string Name) : AccountChange;

/// <summary>Deletes an item of the key vault, or one version of it, for good.</summary>
public sealed record DeleteVaultItemChange(string Name, int? Version) : AccountChange;

/// <summary>Whether relying parties may ask for an item (each release still needs the cipher pad's answer).</summary>
public sealed record VaultItemRelyingPartiesChange(string Name, bool MayAsk) : AccountChange;

/// <summary>Who may ask for a key file bears on security: it ends other sessions and is always mailed.</summary>
public sealed class VaultItemRelyingPartiesHandler(VaultService vault) : AccountChangeHandler<VaultItemRelyingPartiesChange>
{
    protected override Task ApplyAsync(Guid accountId, VaultItemRelyingPartiesChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        vault.LetRelyingPartiesAskAsync(accountId, change.Name, change.MayAsk, cancellationToken);
}

/// <summary>The key vault mails its own notices (<see cref="Notifications.NotificationKind.Vault"/>), so these end no sessions.</summary>
public sealed class StoreVaultItemHandler(VaultService vault) : AccountChangeHandler<StoreVaultItemChange>
{
    public override bool BearsOnSecurity => false;

    protected override Task ApplyAsync(Guid accountId, StoreVaultItemChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        vault.StoreUploadAsync(accountId, change.UploadId, "the personal account", cancellationToken);
}

public sealed class DeleteVaultItemHandler(VaultService vault) : AccountChangeHandler<DeleteVaultItemChange>
{
    public override bool BearsOnSecurity => false;

    protected override Task ApplyAsync(Guid accountId, DeleteVaultItemChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        vault.DeleteAsync(accountId, change.Name, change.Version, "the personal account", null, cancellationToken);
}
