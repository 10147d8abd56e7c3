using Cipherpad.Server.Passkeys;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>
/// The second step of adding a passkey, once the cipher pad confirmed it: the browser makes the passkey from the kept
/// creation options (<c>js/passkeys.js</c>), and the page checks and keeps it.
/// </summary>
public sealed class PasskeyNewModel(PasskeyService passkeys) : AccountPage
{
    public PasskeyRegistration? Registration { get; private set; }

    public async Task OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Registration = await passkeys.WaitingRegistrationAsync(AccountId, id, cancellationToken);
        if (Registration is null)
        {
            Problem = "This addition is unknown, was not confirmed, was already made, or has expired: add the passkey again.";
        }
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string? credential, CancellationToken cancellationToken)
    {
        var added = await passkeys.CompleteRegistrationAsync(AccountId, id, credential, Source, cancellationToken);
        if (added.Succeeded)
        {
            return Redirect("/account/passkeys");
        }
        await OnGetAsync(id, cancellationToken);
        Problem = added.Error!.Text;
        return Page();
    }
}
