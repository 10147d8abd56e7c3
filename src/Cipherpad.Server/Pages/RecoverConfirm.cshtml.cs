using Cipherpad.Server.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Pages;

/// <summary>Recovery, last step: the e-mailed link; choosing methods revokes every old cipher pad and sends a new code.</summary>
public sealed class RecoverConfirmModel(RecoveryService recovery, AnswerMethods.AccountMethods methods, IOptions<CipherpadOptions> options) : PageModel
{
    public string? Token { get; private set; }
    public string? Problem { get; private set; }
    public bool Done { get; private set; }
    public string? Phone { get; private set; }
    public string? Email { get; private set; }
    public MethodChoice Choice => new(methods.Registered, [AnswerMethods.CipherPad.CipherPadMethod.MethodName]);
    public string ServerUrl => options.Value.PublicUrl.TrimEnd('/');

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        if (await recovery.AccountForLinkAsync(token, EmailLinkKind.Recovery, cancellationToken) is null)
        {
            Problem = "This recovery link is unknown, was already used, or has expired.";
            return;
        }
        Token = token;
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        var account = await recovery.AccountForLinkAsync(token, EmailLinkKind.Recovery, cancellationToken);
        Problem = await recovery.CompleteRecoveryAsync(token, MethodChoice.Read(Request.Form, methods), HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", cancellationToken);
        if (Problem is null && account is not null)
        {
            Done = true;
            Phone = AccountRules.MaskPhone(account.Phone);
            Email = account.Email;
        }
        else if (account is not null)
        {
            Token = token;
        }
        return Page();
    }
}
