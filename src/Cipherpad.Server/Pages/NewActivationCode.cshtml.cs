using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Cipherpad.Server.Pages;

/// <summary>"Forgot activation code": e-mail → link → a new code by SMS.</summary>
[EnableRateLimiting(Security.RateLimits.MailForms)]
[Web.EvenlyTimedForm]
public sealed class NewActivationCodeModel(RecoveryService recovery, EmailLinks links) : PageModel
{
    public bool Mailed { get; private set; }
    public bool Sent { get; private set; }
    public Text? Problem { get; private set; }

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
            Problem = Problems.Errors.LinkNotValid().Text;
            return;
        }
        Token = token;
    }

    public async Task<IActionResult> OnPostSendAsync(string? token, CancellationToken cancellationToken)
    {
        Problem = (await recovery.SendNewActivationCodeAsync(token, cancellationToken))?.Text;
        Sent = Problem is null;
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
