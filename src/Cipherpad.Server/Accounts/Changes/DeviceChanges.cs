using Cipherpad.Server.Devices;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts.Changes;

public sealed record RenameDeviceChange(Guid DeviceId, string Name) : AccountChange;

public sealed record RevokeDeviceChange(Guid DeviceId) : AccountChange;

/// <summary>A new activation code by SMS, for a further cipher pad.</summary>
public sealed record AddDeviceChange : AccountChange;

public sealed class RenameDeviceHandler(DeviceRegistry devices) : AccountChangeHandler<RenameDeviceChange>
{
    public override bool BearsOnSecurity => false;

    protected override Task ApplyAsync(Guid accountId, RenameDeviceChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        devices.RenameAsync(accountId, change.DeviceId, change.Name, cancellationToken);
}

public sealed class RevokeDeviceHandler(DeviceRegistry devices) : AccountChangeHandler<RevokeDeviceChange>
{
    protected override Task ApplyAsync(Guid accountId, RevokeDeviceChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        devices.RevokeAsync(accountId, change.DeviceId, now, cancellationToken);
}

public sealed class AddDeviceHandler(CipherpadDbContext db, AccountService accounts) : AccountChangeHandler<AddDeviceChange>
{
    protected override async Task ApplyAsync(Guid accountId, AddDeviceChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        await accounts.SendActivationCodeAsync(await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken), cancellationToken);
}
