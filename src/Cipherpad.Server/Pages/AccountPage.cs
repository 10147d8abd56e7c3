using System.Security.Claims;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>A page of the signed-in person's own account; every query it makes is scoped to <see cref="AccountId"/>.</summary>
[Authorize]
public abstract class AccountPage : PageModel
{
    /// <summary>The account's pages, in the order the navigation on each of them lists them.</summary>
    public static IReadOnlyList<(string Href, string Label)> Sections { get; } =
    [
        ("/account", "Overview"),
        ("/account/devices", "Cipher pads"),
        ("/account/methods", "Methods"),
        ("/account/log", "Authorization log"),
        ("/account/notifications", "Notifications"),
        ("/account/aliases", "Aliases"),
        ("/account/passkeys", "Passkeys"),
        ("/account/vault", "Key vault"),
        ("/account/security-question", "Security question"),
        ("/account/confirm-all", "Confirm all"),
    ];

    protected Guid AccountId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    protected string Source => ClientAddress.Of(HttpContext);

    /// <summary>What went wrong, shown on the page.</summary>
    public Text? Problem { get; protected set; }

    /// <summary>
    /// Asks the account's cipher pad to confirm a change and sends the person to the confirmation page, and once it is
    /// confirmed to <paramref name="next"/> (a page of the account) if given; null (with <see cref="Problem"/> set) when the
    /// account has no active cipher pad to confirm with.
    /// </summary>
    protected async Task<IActionResult?> ConfirmChangeAsync(AccountChanges changes, AccountChange change, string description,
        CancellationToken cancellationToken, string? next = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (await changes.RequestAsync(AccountId, change, description, cancellationToken) is { } pending)
        {
            return Redirect(next is null ? $"/account/confirm/{pending.Id}" : $"/account/confirm/{pending.Id}?next={Uri.EscapeDataString(next)}");
        }
        Problem = "Your account has no active cipher pad to confirm with: use recovery to get a new activation code.";
        return null;
    }

    /// <summary>
    /// As <see cref="ConfirmChangeAsync"/>; when there is no cipher pad to confirm with, shows the page again, read afresh by
    /// <paramref name="show"/>, with the problem.
    /// </summary>
    protected async Task<IActionResult> ConfirmChangeOrShowAsync(AccountChanges changes, AccountChange change, string description, Func<Task> show,
        CancellationToken cancellationToken, string? next = null)
    {
        ArgumentNullException.ThrowIfNull(show);
        if (await ConfirmChangeAsync(changes, change, description, cancellationToken, next) is { } redirect)
        {
            return redirect;
        }
        await show();
        return Page();
    }
}
