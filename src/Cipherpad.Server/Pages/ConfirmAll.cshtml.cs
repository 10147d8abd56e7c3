using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Pages;

/// <summary>Turns confirm-all-operations on or off, confirmed with the cipher pad.</summary>
public sealed class ConfirmAllModel(CipherpadDbContext db, AccountChanges changes) : AccountPage
{
    public bool CurrentlyOn { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        CurrentlyOn = await db.Accounts.Where(a => a.Id == AccountId).Select(a => a.ConfirmAllOperations).SingleAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return await ConfirmChangeAsync(changes, new ConfirmAllOperationsChange(!CurrentlyOn),
            CurrentlyOn ? "Turn off confirm-all-operations" : "Turn on confirm-all-operations", cancellationToken) ?? Page();
    }
}
