using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>The e-mail link lands here; the user then chooses methods, which sends the activation code by SMS.</summary>
public sealed class ConfirmEmailModel(AccountService accounts, AnswerMethods.AccountMethods methods, IDataProtectionProvider protection,
    PublicLinks links, AccountDirectory directory) : PageModel
{
    private readonly AccountTicket _tickets = new(protection, "Cipherpad.ChooseMethods.v1", TimeSpan.FromHours(1));

    public bool Invalid { get; private set; }
    public string? Ticket { get; private set; }
    public Text? Problem { get; private set; }
    public string? CodeSentTo { get; private set; }
    public string? ActivateCommand { get; private set; }

    /// <summary>Where the phone pad is, to open on a phone.</summary>
    public string? PadAddress { get; private set; }
    public MethodChoice Choice => MethodChoice.First(methods);

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        var account = await accounts.ConfirmEmailAsync(token, cancellationToken);
        if (account is null)
        {
            Invalid = true;
            return;
        }
        Ticket = _tickets.Issue(account.Id);
    }

    public async Task<IActionResult> OnPostAsync(string? ticket, CancellationToken cancellationToken)
    {
        if (_tickets.Read(ticket) is not { } accountId)
        {
            Invalid = true;
            return Page();
        }
        if (await accounts.ChooseMethodsAsync(accountId, MethodChoice.Read(Request.Form, methods), cancellationToken) is { } problem)
        {
            Problem = problem.Text;
            // A choice that can be corrected keeps the ticket; once the methods are chosen, the ticket is spent.
            Ticket = problem.Code == Problems.ErrorCode.MethodsAlreadyChosen ? null : ticket;
            return Page();
        }
        var account = await directory.GetAsync(accountId, cancellationToken);
        CodeSentTo = AccountRules.MaskPhone(account.Phone);
        ActivateCommand = links.ActivateCommand(account.Email);
        PadAddress = links.To("/pad/");
        return Page();
    }
}
