using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Pages;

/// <summary>Changes the security question and answer after the cipher pad confirms; only the answer's slow hash is kept.</summary>
public sealed class SecurityQuestionModel(AccountDirectory directory, AccountChanges changes, IOptions<CipherpadOptions> options,
    SlowHashes slowHashes) : AccountPage
{
    public string Current { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Current = (await directory.GetAsync(AccountId, cancellationToken)).SecurityQuestion;

    public async Task<IActionResult> OnPostAsync(string? question, string? answer, CancellationToken cancellationToken)
    {
        var account = await directory.GetAsync(AccountId, cancellationToken);
        Problem = AccountRules.SecurityQuestionProblem(question)
            ?? AccountRules.SecurityAnswerProblem(answer, question!, account.FirstName, account.LastName, account.Email, account.Email.Split('@')[0], account.Phone);
        if (Problem is null)
        {
            if (await slowHashes.HashAsync(answer!, options.Value.Accounts.SecurityAnswerIterations, cancellationToken) is not { } answerHash)
            {
                Problem = AccountService.Busy;
            }
            else if (await ConfirmChangeAsync(changes, new SecurityQuestionChange(question!.Trim(), answerHash), "Change the security question and answer",
                cancellationToken) is { } redirect)
            {
                return redirect;
            }
        }
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
