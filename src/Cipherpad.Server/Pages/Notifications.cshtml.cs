using Cipherpad.Server.Accounts;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>Which facts are mailed; turning alerts off is a change an attacker would want, so the cipher pad confirms it.</summary>
public sealed class NotificationsModel(AccountDirectory directory, AccountChanges changes) : AccountPage
{
    public NotificationKind Current { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Current = (await directory.GetAsync(AccountId, cancellationToken)).Notifications;

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
