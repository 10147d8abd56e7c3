using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Cipherpad.Server.Pages;

/// <summary>Recovery, first step: the e-mail, and a link to it; the same answer whether or not the address has an account.</summary>
[EnableRateLimiting(Security.RateLimits.MailForms)]
[Web.EvenlyTimedForm]
public sealed class RecoverModel(RecoveryService recovery, EmailLinks links) : PageModel
{
    public Text? Problem { get; private set; }
    public bool LinkSent { get; private set; }
    public double LinkMinutes => links.Lifetime.TotalMinutes;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostEmailAsync(string? email, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(email) is { } problem)
        {
            Problem = problem;
            return Page();
        }
        await recovery.RequestRecoveryLinkAsync(email, ClientAddress.Of(HttpContext), cancellationToken);
        LinkSent = true;
        return Page();
    }
}
