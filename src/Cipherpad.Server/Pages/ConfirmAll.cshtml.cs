using Cipherpad.Server.Accounts;
using Cipherpad.Server.Accounts.Changes;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>Turns confirm-all-operations on or off, confirmed with the cipher pad.</summary>
public sealed class ConfirmAllModel(AccountDirectory directory, AccountChanges changes) : AccountPage
{
    public bool CurrentlyOn { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        CurrentlyOn = (await directory.GetAsync(AccountId, cancellationToken)).ConfirmAllOperations;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return await ConfirmChangeAsync(changes, new ConfirmAllOperationsChange(!CurrentlyOn),
            CurrentlyOn ? "Turn off confirm-all-operations" : "Turn on confirm-all-operations", cancellationToken) ?? Page();
    }
}
