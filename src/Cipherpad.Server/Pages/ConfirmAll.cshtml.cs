using System.Security.Claims;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Pages;

/// <summary>Turns confirm-all-operations on or off; the change itself is confirmed with the cipher pad (action purpose).</summary>
[Authorize]
public sealed class ConfirmAllModel(CipherpadDbContext db, ChallengeService challenges, RelyingPartyService relyingParties) : PageModel
{
    private const string TurnOn = "Turn on confirm-all-operations";
    private const string TurnOff = "Turn off confirm-all-operations";

    [BindProperty] public Guid? ChallengeId { get; set; }
    [BindProperty] public string? Answer { get; set; }

    public bool CurrentlyOn { get; private set; }
    public string? Question { get; private set; }
    public string? Problem { get; private set; }
    public bool Done { get; private set; }

    private Guid AccountId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public async Task OnGetAsync(CancellationToken cancellationToken) => CurrentlyOn = await StateAsync(cancellationToken);

    public async Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken)
    {
        CurrentlyOn = await StateAsync(cancellationToken);
        var email = await db.Accounts.Where(a => a.Id == AccountId).Select(a => a.Email).SingleAsync(cancellationToken);
        var (issued, _) = await challenges.CreateAsync(await relyingParties.BuiltInAsync(cancellationToken), email, Purpose.Action,
            CurrentlyOn ? TurnOff : TurnOn, null, cancellationToken: cancellationToken);
        if (issued is null)
        {
            Problem = "Your account has no active cipher pad to confirm with.";
            return Page();
        }
        ChallengeId = issued.Challenge.Id;
        Question = issued.Challenge.Question;
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(CancellationToken cancellationToken)
    {
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var challenge = ChallengeId is { } id ? await challenges.FindAsync(party.Id, id, cancellationToken) : null;
        // Only this account's own confirmation of exactly this change counts.
        if (challenge is null || challenge.AccountId != AccountId || challenge.Purpose != Purpose.Action || challenge.Description is not (TurnOn or TurnOff))
        {
            return RedirectToPage();
        }
        var outcome = await challenges.VerifyAsync(party, challenge, Answer ?? "", HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            cancellationToken);
        if (outcome.Result == VerifyResult.Success)
        {
            await db.Accounts.Where(a => a.Id == AccountId)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.ConfirmAllOperations, challenge.Description == TurnOn), cancellationToken);
            Done = true;
            CurrentlyOn = challenge.Description == TurnOn;
            return Page();
        }
        CurrentlyOn = await StateAsync(cancellationToken);
        Problem = outcome.Result == VerifyResult.Wrong ? $"Wrong answer. {outcome.AttemptsLeft} attempt(s) left." : "This question can no longer be answered; start again.";
        if (outcome.Result == VerifyResult.Wrong)
        {
            Question = challenge.Question;
        }
        else
        {
            ChallengeId = null;
        }
        return Page();
    }

    private Task<bool> StateAsync(CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == AccountId).Select(a => a.ConfirmAllOperations).SingleAsync(cancellationToken);
}
