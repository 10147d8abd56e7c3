using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>
/// Recovery, last step, reached only through the e-mailed link: the security question and the methods; the right answer
/// revokes every old cipher pad and sends a new code.
/// </summary>
public sealed class RecoverConfirmModel(RecoveryService recovery, AnswerMethods.AccountMethods methods, EmailLinks emailLinks, PublicLinks links) : PageModel
{
    public string? Token { get; private set; }
    public string? SecurityQuestion { get; private set; }
    public Text? Problem { get; private set; }
    public bool Done { get; private set; }
    public string? Phone { get; private set; }
    public string? ActivateCommand { get; private set; }

    /// <summary>Where the phone pad is, to open on a phone.</summary>
    public string? PadAddress { get; private set; }
    public MethodChoice Choice { get; private set; } = new([], []);

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        if (await emailLinks.AccountForAsync(token, EmailLinkKind.Recovery, cancellationToken) is not { } account)
        {
            Problem = RecoveryService.LinkDoesNotWork;
            return;
        }
        Token = token;
        SecurityQuestion = account.SecurityQuestion;
        Choice = await MethodChoice.KeepingAsync(methods, account.Id, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string? token, string? answer, CancellationToken cancellationToken)
    {
        var account = await emailLinks.AccountForAsync(token, EmailLinkKind.Recovery, cancellationToken);
        Problem = await recovery.CompleteRecoveryAsync(token, answer, MethodChoice.Read(Request.Form, methods), ClientAddress.Of(HttpContext),
            cancellationToken);
        if (Problem is null && account is not null)
        {
            Done = true;
            Phone = AccountRules.MaskPhone(account.Phone);
            ActivateCommand = links.ActivateCommand(account.Email);
            PadAddress = links.To("/pad/");
        }
        else if (account is not null)
        {
            Token = token;
            SecurityQuestion = account.SecurityQuestion;
            Choice = new(methods.Registered, MethodChoice.Read(Request.Form, methods));
        }
        return Page();
    }
}
