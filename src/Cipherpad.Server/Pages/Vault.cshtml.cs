using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Vault;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Pages;

/// <summary>The key vault's items; storing and deleting are confirmed with the cipher pad.</summary>
[RequestSizeLimit(2 * 1024 * 1024)]
public sealed class VaultModel(VaultService vault, AccountChanges changes, IOptions<CipherpadOptions> options) : AccountPage
{
    public List<VaultItemSummary> Items { get; private set; } = [];

    public int MaxBytes => options.Value.Vault.MaxItemBytes;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Items = await vault.ListAsync(AccountId, cancellationToken);

    public async Task<IActionResult> OnPostStoreAsync(IFormFile? file, string? name, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0 || file.Length > MaxBytes)
        {
            Problem = Problems.Errors.VaultItemTooLarge(MaxBytes).Text;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var itemName = string.IsNullOrWhiteSpace(name) ? Path.GetFileName(file.FileName) : name.Trim();
        var staged = await vault.StageUploadAsync(AccountId, itemName, buffer.ToArray(), cancellationToken);
        if (!staged.Succeeded)
        {
            Problem = staged.Error!.Text;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        return await RequestAsync(new StoreVaultItemChange(staged.Value, itemName), $"Store the key file \"{itemName}\" in the key vault", cancellationToken);
    }

    public async Task<IActionResult> OnPostExportAsync(string? passphrase, CancellationToken cancellationToken)
    {
        var asked = await vault.AskExportAsync(AccountId, passphrase, cancellationToken);
        if (asked.Succeeded)
        {
            return Redirect($"/account/vault/export/{asked.Value.ExportId}");
        }
        Problem = asked.Error!.Text;
        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRelyingPartiesAsync(string? name, bool mayAsk, CancellationToken cancellationToken)
    {
        var items = await vault.ListAsync(AccountId, cancellationToken);
        return items.FirstOrDefault(i => i.Name == name) is not { } item
            ? NotFound()
            : await RequestAsync(new VaultItemRelyingPartiesChange(item.Name, mayAsk), mayAsk
                ? $"Let sites ask for the key file \"{item.Name}\" (each time with a question)"
                : $"Stop sites asking for the key file \"{item.Name}\"", cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? name, CancellationToken cancellationToken)
    {
        var items = await vault.ListAsync(AccountId, cancellationToken);
        return items.FirstOrDefault(i => i.Name == name) is not { } item
            ? NotFound()
            : await RequestAsync(new DeleteVaultItemChange(item.Name, null), $"Delete the key file \"{item.Name}\" and every version of it", cancellationToken);
    }

    private Task<IActionResult> RequestAsync(AccountChange change, string description, CancellationToken cancellationToken) =>
        ConfirmChangeOrShowAsync(changes, change, description, () => OnGetAsync(cancellationToken), cancellationToken);
}
