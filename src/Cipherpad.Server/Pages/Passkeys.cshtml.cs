using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Passkeys;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>List, rename, revoke and add passkeys; each change is confirmed with the cipher pad first.</summary>
public sealed class PasskeysModel(PasskeyService passkeys, AccountChanges changes, AnswerMethods.AccountMethods methods) : AccountPage
{
    public List<Passkey> Passkeys { get; private set; } = [];

    /// <summary>Whether the account has passkeys turned on as a method (on the methods page).</summary>
    public bool MethodOn { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Passkeys = await passkeys.ListAsync(AccountId, cancellationToken);
        MethodOn = await methods.IsOnAsync(AccountId, AnswerMethods.Passkey.PasskeyMethod.MethodName, cancellationToken);
    }

    public async Task<IActionResult> OnPostAddAsync(string? name, CancellationToken cancellationToken)
    {
        var started = await passkeys.StartRegistrationAsync(AccountId, name, cancellationToken);
        if (!started.Succeeded)
        {
            Problem = started.Error!.Text;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        var registration = started.Value;
        return await RequestAsync(new AddPasskeyChange(registration.Id, registration.Name), $"Add the passkey \"{registration.Name}\"", cancellationToken,
            $"/account/passkeys/new/{registration.Id}");
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid passkeyId, string? name, CancellationToken cancellationToken)
    {
        if (await OwnAsync(passkeyId, cancellationToken) is not { } passkey)
        {
            return NotFound();
        }
        if (PasskeyService.NameProblem(name) is { } problem)
        {
            Problem = problem;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        return await RequestAsync(new RenamePasskeyChange(passkey.Id, name!.Trim()),
            $"Rename the passkey \"{Web.DisplayText.Shown(passkey.Name)}\" to \"{name.Trim()}\"", cancellationToken);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid passkeyId, CancellationToken cancellationToken) =>
        await OwnAsync(passkeyId, cancellationToken) is { } passkey
            ? await RequestAsync(new RevokePasskeyChange(passkey.Id), $"Revoke the passkey \"{Web.DisplayText.Shown(passkey.Name)}\"", cancellationToken)
            : NotFound();

    // Another account's passkey is simply not found.
    private async Task<Passkey?> OwnAsync(Guid passkeyId, CancellationToken cancellationToken) =>
        (await passkeys.ListAsync(AccountId, cancellationToken)).Find(p => p.Id == passkeyId);

    private Task<IActionResult> RequestAsync(AccountChange change, string description, CancellationToken cancellationToken, string? next = null) =>
        ConfirmChangeOrShowAsync(changes, change, description, () => OnGetAsync(cancellationToken), cancellationToken, next);
}
