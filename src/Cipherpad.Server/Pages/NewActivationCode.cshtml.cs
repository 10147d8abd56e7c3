using Cipherpad.Server.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>"Forgot activation code": e-mail → link → a new code by SMS.</summary>
public sealed class NewActivationCodeModel(RecoveryService recovery, EmailLinks links) : PageModel
{
    public bool Mailed { get; private set; }
    public bool Sent { get; private set; }
    public string? Problem { get; private set; }

    public string? Token { get; private set; }

    // Opening the link only shows a button: mail scanners that fetch links must not spend it.
    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            return;
        }
        if (await links.AccountForAsync(token, EmailLinkKind.NewActivationCode, cancellationToken) is null)
        {
            Problem = "This link is unknown, was already used, or has expired; ask for a new one.";
            return;
        }
        Token = token;
    }

    public async Task<IActionResult> OnPostSendAsync(string? token, CancellationToken cancellationToken)
    {
        Sent = await recovery.SendNewActivationCodeAsync(token, cancellationToken);
        if (!Sent)
        {
            Problem = "This link is unknown, was already used, or has expired; ask for a new one.";
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? email, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(email) is { } problem)
        {
            Problem = problem;
            return Page();
        }
        await recovery.RequestNewActivationCodeAsync(email, cancellationToken);
        Mailed = true;
        return Page();
    }
}
