using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Pages;

/// <summary>Which facts are mailed; turning alerts off is a change an attacker would want, so the cipher pad confirms it.</summary>
public sealed class NotificationsModel(CipherpadDbContext db, AccountChanges changes) : AccountPage
{
    public NotificationKind Current { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Current = await db.Accounts.Where(a => a.Id == AccountId).Select(a => a.Notifications).SingleAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(int[]? kinds, CancellationToken cancellationToken)
    {
        var chosen = NotificationKind.None;
        foreach (var kind in kinds ?? [])
        {
            if (!Notifier.Choices.Any(c => (int)c.Kind == kind))
            {
                return BadRequest();
            }
            chosen |= (NotificationKind)kind;
        }
        var labels = Notifier.Choices.Where(c => (chosen & c.Kind) != 0).Select(c => c.Label.Split(" (")[0].ToLowerInvariant()).ToList();
        if (await ConfirmChangeAsync(changes, new NotificationsChange(chosen),
            labels.Count == 0 ? "Mail me no notifications" : "Mail me: " + string.Join(", ", labels), cancellationToken) is { } redirect)
        {
            return redirect;
        }
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
