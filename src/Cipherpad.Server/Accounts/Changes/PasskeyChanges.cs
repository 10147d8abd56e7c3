using Cipherpad.Server.Passkeys;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>Lets the browser add the passkey <see cref="Name"/>: the registration's options wait for this confirmation.</summary>
public sealed record AddPasskeyChange(Guid RegistrationId, string Name) : AccountChange;

public sealed record RenamePasskeyChange(Guid PasskeyId, string Name) : AccountChange;

public sealed record RevokePasskeyChange(Guid PasskeyId) : AccountChange;

public sealed class AddPasskeyHandler(PasskeyService passkeys) : AccountChangeHandler<AddPasskeyChange>
{
    protected override Task ApplyAsync(Guid accountId, AddPasskeyChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        passkeys.ConfirmRegistrationAsync(accountId, change.RegistrationId, now, cancellationToken);
}

public sealed class RenamePasskeyHandler(PasskeyService passkeys) : AccountChangeHandler<RenamePasskeyChange>
{
    public override bool BearsOnSecurity => false;

    protected override Task ApplyAsync(Guid accountId, RenamePasskeyChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        passkeys.RenameAsync(accountId, change.PasskeyId, change.Name, cancellationToken);
}

public sealed class RevokePasskeyHandler(PasskeyService passkeys) : AccountChangeHandler<RevokePasskeyChange>
{
    protected override Task ApplyAsync(Guid accountId, RevokePasskeyChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        passkeys.RevokeAsync(accountId, change.PasskeyId, cancellationToken);
}
