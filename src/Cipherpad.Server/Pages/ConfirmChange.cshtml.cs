using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

public sealed class ConfirmChangeModel(AccountChanges changes) : AccountPage
{
    public PendingAccountChange? Change { get; private set; }
    public string? Question { get; private set; }

    /// <summary>The QR code of the question's sealed request, which the phone pad scans and shows verified.</summary>
    public string? QrImage { get; private set; }

    public bool Applied { get; private set; }

    public async Task OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await changes.FindAsync(AccountId, id, cancellationToken);
        Change = found?.Change;
        Applied = Change?.AppliedAt is not null;
        if (found is { } pending && !Applied)
        {
            if (pending.Challenge.Status == ChallengeStatus.Pending)
            {
                Question = pending.Challenge.Question;
                QrImage = pending.Challenge.QrPayload.Length > 0 ? QrCodes.PngDataUrl(pending.Challenge.QrPayload) : null;
            }
            else
            {
                Problem = "This confirmation can no longer be answered; start the change again.";
            }
        }
    }

    /// <summary>Where to go once the change is confirmed: only a page of the account, never another site.</summary>
    public static bool IsNextStep(string? next) =>
        next is { Length: > 0 } && next.StartsWith("/account/", StringComparison.Ordinal) && !next.Contains("//", StringComparison.Ordinal)
        && !next.Contains('\\', StringComparison.Ordinal);

    public async Task<IActionResult> OnPostAsync(Guid id, string? answer, [FromQuery] string? next, CancellationToken cancellationToken)
    {
        await OnGetAsync(id, cancellationToken);
        if (Question is not null && Core.Answers.Answer.Normalize(answer, Core.Answers.Answer.DigitsFor(Question)) is null)
        {
            Problem = SignInModel.NotAnAnswerTo(Question);
            return Page();
        }
        Problem = null;
        var outcome = await changes.ConfirmAsync(AccountId, id, answer ?? "", Source, Sessions.SignInSessions.SessionOf(User), cancellationToken);
        if (outcome.Result == VerifyResult.Success && IsNextStep(next))
        {
            return LocalRedirect(next!);
        }
        await OnGetAsync(id, cancellationToken);
        if (outcome.Result != VerifyResult.Success && !Applied)
        {
            Problem = outcome.Result switch
            {
                VerifyResult.Wrong => (Text)$"Wrong answer. {outcome.AttemptsLeft} attempt(s) left.",
                VerifyResult.Throttled => "Too many wrong answers from here; wait a little.",
                _ => "This confirmation can no longer be answered; start the change again.",
            };
            if (outcome.Result != VerifyResult.Wrong && outcome.Result != VerifyResult.Throttled)
            {
                Question = null;
            }
        }
        return Page();
    }
}
