using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Pages;

/// <summary>Turns methods on or off; at least one stays on, and the change is confirmed with the cipher pad.</summary>
public sealed class MethodsModel(CipherpadDbContext db, AccountChanges changes) : AccountPage
{
    public bool App { get; private set; }
    public bool Sms { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == AccountId, cancellationToken);
        (App, Sms) = (account.AppMethodEnabled, account.SmsMethodEnabled);
    }

    public async Task<IActionResult> OnPostAsync(bool app, bool sms, CancellationToken cancellationToken)
    {
        if (!app && !sms)
        {
            await OnGetAsync(cancellationToken);
            Problem = "At least one method must stay on.";
            return Page();
        }
        var names = string.Join(" and ", new[] { app ? "app" : null, sms ? "sms" : null }.Where(n => n is not null));
        if (await ConfirmChangeAsync(changes, AccountChangeKind.Methods,
            $"Confirm with: {(app ? "cipher pad" : "")}{(app && sms ? " and " : "")}{(sms ? "SMS" : "")}", names, null, cancellationToken) is { } redirect)
        {
            return redirect;
        }
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
