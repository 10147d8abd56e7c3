using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Devices;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>List, rename, revoke and add cipher pads; each change is confirmed with a cipher pad.</summary>
public sealed class DevicesModel(DeviceRegistry devices, AccountChanges changes) : AccountPage
{
    public List<Device> Devices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Devices = await devices.AllAsync(AccountId, cancellationToken);

    public async Task<IActionResult> OnPostRenameAsync(Guid deviceId, string? name, CancellationToken cancellationToken)
    {
        var device = await OwnDeviceAsync(deviceId, cancellationToken);
        var trimmed = name?.Trim() ?? "";
        if (device is null)
        {
            return NotFound();
        }
        if (Device.NameProblem(trimmed) is { } problem)
        {
            Problem = problem;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        return await RequestAsync(new RenameDeviceChange(device.Id, trimmed), $"Rename cipher pad \"{Web.DisplayText.Shown(device.Name)}\" to \"{trimmed}\"", cancellationToken);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid deviceId, CancellationToken cancellationToken)
    {
        var device = await OwnDeviceAsync(deviceId, cancellationToken);
        return device is null ? NotFound()
            : await RequestAsync(new RevokeDeviceChange(device.Id), $"Revoke cipher pad \"{Web.DisplayText.Shown(device.Name)}\"", cancellationToken);
    }

    public Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken) =>
        RequestAsync(new AddDeviceChange(), "Send an activation code for a new cipher pad", cancellationToken);

    // Another account's device id is simply not found.
    private Task<Device?> OwnDeviceAsync(Guid deviceId, CancellationToken cancellationToken) =>
        devices.FindActiveAsync(AccountId, deviceId, cancellationToken);

    private Task<IActionResult> RequestAsync(AccountChange change, string description, CancellationToken cancellationToken) =>
        ConfirmChangeOrShowAsync(changes, change, description, () => OnGetAsync(cancellationToken), cancellationToken);
}
