using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>The alias's mailbox agrees. Opening the link only shows a button, so mail scanners cannot spend it.</summary>
public sealed class AliasConfirmModel(Aliases aliases, EmailLinks links) : PageModel
{
    public string? Token { get; private set; }
    public Text? Problem { get; private set; }
    public string? Confirmed { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        if (await links.AccountForAsync(token, EmailLinkKind.AddAlias, cancellationToken) is null)
        {
            Problem = "This link is unknown, was already used, or has expired.";
            return;
        }
        Token = token;
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        var (problem, alias) = await aliases.ConfirmAsync(token, cancellationToken);
        Problem = problem;
        Confirmed = alias?.Email;
        return Page();
    }
}
