using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>Add (confirmed by the cipher pad, then by the alias's mailbox) and remove aliases.</summary>
public sealed class AliasesModel(Aliases aliases, AccountChanges changes) : AccountPage
{
    public List<AccountAlias> List { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        List = await aliases.ListAsync(AccountId, cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(string? address, CancellationToken cancellationToken)
    {
        Problem = await aliases.ProblemWithAsync(AccountId, address, cancellationToken)
            ?? await aliases.ReserveConfirmationAsync(AccountId, AccountRules.NormalizeEmail(address!), cancellationToken);
        if (Problem is null)
        {
            var normalized = AccountRules.NormalizeEmail(address!);
            return await RequestAsync(new AddAliasChange(normalized), Aliases.AddDescription(normalized), cancellationToken);
        }
        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid aliasId, CancellationToken cancellationToken)
    {
        var alias = await aliases.FindAsync(AccountId, aliasId, cancellationToken);
        return alias is null ? NotFound() : await RequestAsync(new RemoveAliasChange(alias.Id, alias.Email), $"Remove the alias {alias.Email}", cancellationToken);
    }

    private Task<IActionResult> RequestAsync(AccountChange change, string description, CancellationToken cancellationToken) =>
        ConfirmChangeOrShowAsync(changes, change, description, () => OnGetAsync(cancellationToken), cancellationToken);
}
