using Cipherpad.Server.Vault;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>The question that confirms an export of the key vault; its right answer downloads the encrypted file.</summary>
public sealed class VaultExportModel(VaultService vault) : AccountPage
{
    public string? Question { get; private set; }
    public string? Description { get; private set; }
    public string? QrImage { get; private set; }

    public async Task OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await vault.ExportQuestionAsync(AccountId, id, cancellationToken) is { Status: Challenges.ChallengeStatus.Pending } challenge)
        {
            Question = challenge.Question;
            Description = challenge.Description;
            QrImage = challenge.QrPayload.Length > 0 ? Challenges.QrCodes.PngDataUrl(challenge.QrPayload) : null;
        }
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string? answer, CancellationToken cancellationToken)
    {
        await OnGetAsync(id, cancellationToken);
        if (Question is null)
        {
            return Page();
        }
        if (Core.Answers.Answer.Normalize(answer, Core.Answers.Answer.DigitsFor(Question)) is null)
        {
            Problem = SignInModel.NotAnAnswerTo(Question);
            return Page();
        }
        var export = await vault.AnswerExportAsync(AccountId, id, answer!, ClientAddress.Of(HttpContext), cancellationToken);
        if (!export.Succeeded)
        {
            Problem = export.Error!.Text;
            await OnGetAsync(id, cancellationToken);
            return Page();
        }
        return File(export.Value, "application/json", $"cipherpad-vault-export-{DateTimeOffset.UtcNow:yyyy-MM-dd}.json");
    }
}
