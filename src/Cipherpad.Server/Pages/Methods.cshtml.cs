using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.AnswerMethods;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>Turns answer methods on or off; at least one stays on, and the change is confirmed with the cipher pad.</summary>
public sealed class MethodsModel(AccountMethods methods, AccountChanges changes) : AccountPage
{
    public MethodChoice Choice { get; private set; } = new([], []);

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Choice = new(methods.Registered, await methods.OnAsync(AccountId, cancellationToken));

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var chosen = MethodChoice.Read(Request.Form, methods);
        if (chosen.Count == 0)
        {
            await OnGetAsync(cancellationToken);
            Problem = "At least one method must stay on.";
            return Page();
        }
        if (await ConfirmChangeAsync(changes, new MethodsChange(chosen), $"Confirm with: {methods.Describe(chosen)}", cancellationToken) is { } redirect)
        {
            return redirect;
        }
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
