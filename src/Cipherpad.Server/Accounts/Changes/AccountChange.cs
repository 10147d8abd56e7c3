using System.Text.Json.Serialization;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>
/// A change to an account that waits for the owner's cipher pad. Each kind is a record with exactly the data it needs
/// and one <see cref="AccountChangeHandler{TChange}"/> that applies it; a pending change is stored as JSON with its
/// kind, so adding a kind is a record, a handler and a line here.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConfirmAllOperationsChange), "confirm-all-operations")]
[JsonDerivedType(typeof(RenameDeviceChange), "rename-device")]
[JsonDerivedType(typeof(RevokeDeviceChange), "revoke-device")]
[JsonDerivedType(typeof(AddDeviceChange), "add-device")]
[JsonDerivedType(typeof(MethodsChange), "methods")]
[JsonDerivedType(typeof(SecurityQuestionChange), "security-question")]
[JsonDerivedType(typeof(AddAliasChange), "add-alias")]
[JsonDerivedType(typeof(RemoveAliasChange), "remove-alias")]
[JsonDerivedType(typeof(NotificationsChange), "notifications")]
[JsonDerivedType(typeof(StoreVaultItemChange), "store-vault-item")]
[JsonDerivedType(typeof(DeleteVaultItemChange), "delete-vault-item")]
[JsonDerivedType(typeof(VaultItemRelyingPartiesChange), "vault-item-relying-parties")]
[JsonDerivedType(typeof(AddPasskeyChange), "add-passkey")]
[JsonDerivedType(typeof(RenamePasskeyChange), "rename-passkey")]
[JsonDerivedType(typeof(RevokePasskeyChange), "revoke-passkey")]
public abstract record AccountChange;

/// <summary>Applies one kind of <see cref="AccountChange"/>; registered with <c>AddAccountChanges()</c>.</summary>
public interface IAccountChangeHandler
{
    Type ChangeType { get; }

    /// <summary>
    /// Whether it bears on security: applying it ends the account's other sign-in sessions and is mailed to the owner,
    /// whatever notifications they chose. True for every kind but a pad's new name and the choice of notifications.
    /// </summary>
    bool BearsOnSecurity { get; }

    Task ApplyAsync(Guid accountId, AccountChange change, DateTimeOffset now, CancellationToken cancellationToken);
}

public abstract class AccountChangeHandler<TChange> : IAccountChangeHandler where TChange : AccountChange
{
    public Type ChangeType => typeof(TChange);

    public virtual bool BearsOnSecurity => true;

    public Task ApplyAsync(Guid accountId, AccountChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        ApplyAsync(accountId, (TChange)change, now, cancellationToken);

    /// <summary>Makes the change; runs inside the transaction that spends the confirming answer.</summary>
    protected abstract Task ApplyAsync(Guid accountId, TChange change, DateTimeOffset now, CancellationToken cancellationToken);
}
