using Cipherpad.Server.Accounts;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>Recovery, first steps: the e-mail, then the security question, then a link by e-mail.</summary>
[EnableRateLimiting(Security.RateLimits.MailForms)]
public sealed class RecoverModel(RecoveryService recovery, AccountDirectory directory, IDataProtectionProvider protection) : PageModel
{
    private readonly AccountTicket _tickets = new(protection, "Cipherpad.Recovery.v1", TimeSpan.FromMinutes(15));

    public string? Ticket { get; private set; }
    public string? SecurityQuestion { get; private set; }
    public string? Problem { get; private set; }
    public bool LinkSent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostEmailAsync(string? email, CancellationToken cancellationToken)
    {
        var account = await recovery.FindAsync(email, cancellationToken);
        if (account is null)
        {
            Problem = "There is no account with this e-mail. Lost access to your e-mail? Ask support.";
            return Page();
        }
        Ticket = _tickets.Issue(account.Id);
        SecurityQuestion = account.SecurityQuestion;
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(string? ticket, string? answer, CancellationToken cancellationToken)
    {
        if (_tickets.Read(ticket) is not { } accountId)
        {
            Problem = "That took too long; start again.";
            return Page();
        }
        var account = await directory.GetAsync(accountId, cancellationToken);
        var (outcome, wait) = await recovery.AnswerSecurityQuestionAsync(account, answer, ClientAddress.Of(HttpContext), cancellationToken);
        if (outcome == SecurityAnswerOutcome.LinkSent)
        {
            LinkSent = true;
            return Page();
        }
        Ticket = ticket;
        SecurityQuestion = account.SecurityQuestion;
        Problem = outcome switch
        {
            SecurityAnswerOutcome.Wrong => "That is not the answer.",
            SecurityAnswerOutcome.Throttled => $"Too many wrong answers: wait {Math.Ceiling(wait!.Value.TotalSeconds)} seconds before trying again.",
            SecurityAnswerOutcome.Busy => AccountService.Busy,
            SecurityAnswerOutcome.MailLimitReached =>
                "That is the answer, but this account was sent all the recovery links allowed this hour. Use the newest one in your mailbox, or try again in the next hour.",
            _ => "This account has been recovered too often recently; contact support.",
        };
        return Page();
    }
}
