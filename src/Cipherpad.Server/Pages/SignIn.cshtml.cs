using Cipherpad.Core.Answers;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>
/// Sign-in to the personal account with the same question–answer flow relying parties use. A local
/// <see cref="ReturnUrl"/> (set by the cookie challenge, or by a page that needs a signed-in person) is where the
/// person lands afterwards, or an address on a site protected by forward-auth (<see cref="ForwardAuth.ForwardAuthOptions.Protects"/>);
/// anything else lands on <c>/account</c>, so the page cannot be made to redirect to any other site.
/// </summary>
[Web.EvenlyTimedForm]
public sealed class SignInModel(ChallengeService challenges, RelyingPartyService relyingParties, Sessions.SignInSessions sessions,
    Passkeys.PasskeyService passkeys, Microsoft.Extensions.Options.IOptions<CipherpadOptions> options, TimeProvider time) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Answer { get; set; }
    [BindProperty] public Guid? ChallengeId { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    /// <summary>How the person chose to answer: <c>app</c>, <c>push</c>, <c>sms</c> or <c>passkey</c>.</summary>
    [BindProperty] public string? Method { get; set; }

    /// <summary>For <c>push</c>: the number to choose on the phone pad.</summary>
    [BindProperty] public int? MatchNumber { get; set; }

    public string? Question { get; private set; }
    public string? QrImage { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    public string? PasskeyRequest { get; private set; }
    public Text? Problem { get; private set; }

    public void OnGet() => AllowReturn();

    public async Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken)
    {
        AllowReturn();
        if (Accounts.AccountRules.EmailProblem(Email) is { } problem)
        {
            Problem = problem;
            return Page();
        }
        Method ??= CipherPadMethod.MethodName;
        if (!AnswerStep.IsChoice(Method))
        {
            Problem = "Choose how to answer: a question, your phone pad, a passkey, or an SMS.";
            Method = CipherPadMethod.MethodName;
            return Page();
        }
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var asked = await challenges.AskOnPageAsync(party, Email!, Purpose.Login, null, null, Method, cancellationToken);
        if (!asked.Succeeded)
        {
            Problem = asked.Error!.Text;
            return Page();
        }
        var challenge = asked.Value;
        MatchNumber = Method == PushMethod.MethodName ? AnswerStep.MatchNumberFor(challenge) : null;
        Show(challenge);
        return Page();
    }

    /// <summary>"I approved it": signs in with what the phone pad approved, once.</summary>
    public async Task<IActionResult> OnPostApprovedAsync(CancellationToken cancellationToken)
    {
        AllowReturn();
        Method = PushMethod.MethodName;
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var challenge = ChallengeId is { } id ? await challenges.FindAsync(party.Id, id, cancellationToken) : null;
        if (challenge is null)
        {
            Problem = "That request is unknown; start again.";
            ChallengeId = null;
            return Page();
        }
        if (await challenges.RedeemApprovalAsync(party.Id, challenge.Id, cancellationToken))
        {
            return await SignedInAsync(challenge, cancellationToken);
        }
        Show(challenge);
        var (problem, stillOpen) = AnswerStep.NotApproved(challenge, MatchNumber, time.GetUtcNow());
        (Problem, ChallengeId) = (problem, stillOpen ? ChallengeId : null);
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(CancellationToken cancellationToken)
    {
        AllowReturn();
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var challenge = ChallengeId is { } id ? await challenges.FindAsync(party.Id, id, cancellationToken) : null;
        if (challenge is null)
        {
            Problem = "That question is unknown; ask for a new one.";
            ChallengeId = null;
            return Page();
        }
        if (AnswerStep.TakesDigits(Method) && Core.Answers.Answer.Normalize(Answer, Core.Answers.Answer.DigitsFor(challenge.Question)) is null)
        {
            Problem = NotAnAnswerTo(challenge.Question);
            Show(challenge);
            return Page();
        }
        var ip = ClientAddress.Of(HttpContext);
        var outcome = await challenges.VerifyAsync(party, challenge, Answer ?? "", ip, cancellationToken);
        if (outcome.Result == VerifyResult.Success)
        {
            return await SignedInAsync(challenge, cancellationToken);
        }
        Problem = Refusal(outcome);
        if (outcome.Result is VerifyResult.Wrong or VerifyResult.Throttled)
        {
            Show(challenge);
        }
        else
        {
            ChallengeId = null;
        }
        return Page();
    }

    /// <summary>Opens the session and goes where the sign-in returns: a local page, or a site behind forward-auth that sent the person here; never anywhere else.</summary>
    private async Task<IActionResult> SignedInAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        await sessions.SignInBrowserAsync(HttpContext, challenge.AccountId, challenge.Method, cancellationToken);
        return Url.IsLocalUrl(ReturnUrl) ? LocalRedirect(ReturnUrl)
            : options.Value.ForwardAuth.ProtectedAddress(ReturnUrl) is { } site ? Redirect(site.AbsoluteUri)
            : LocalRedirect("/account");
    }

    /// <summary>Lets the page's forms end on the site behind forward-auth that <see cref="ReturnUrl"/> names, if it is one.</summary>
    private void AllowReturn()
    {
        if (!Url.IsLocalUrl(ReturnUrl) && options.Value.ForwardAuth.ProtectedAddress(ReturnUrl) is { } site)
        {
            SecurityHeaders.AllowFormRedirectTo(HttpContext, site);
        }
    }

    /// <summary>What a page says to an answer that was not accepted.</summary>
    internal static Text Refusal(VerifyOutcome outcome) => outcome.Result switch
    {
        VerifyResult.Wrong => (Text)$"Wrong answer. {outcome.AttemptsLeft} attempt(s) left for this question.",
        VerifyResult.Throttled => (Text)$"Too many wrong answers from here: wait {outcome.RetryAfter?.TotalSeconds:0} seconds.",
        VerifyResult.Expired => "This question has expired; ask for a new one.",
        VerifyResult.Locked => "This question is locked: too many wrong answers were given to it, or tried at this account today. "
            + "Ask for a new one; new questions may be longer for a while, which keeps guessers out.",
        VerifyResult.AlreadyUsed => "This question was already answered; ask for a new one.",
        VerifyResult.Denied => "This request was refused on your phone pad; ask for a new one if that was a mistake.",
        _ => "This question can no longer be answered; ask for a new one.",
    };

    /// <summary>What a page says to a typed text that cannot be an answer to <paramref name="question"/>; it costs no attempt, since it cannot be right.</summary>
    internal static Text NotAnAnswerTo(string question) =>
        $"An answer is the {Core.Answers.Answer.DigitsFor(question)} digits your cipher pad shows (spaces, tabs and dashes are ignored). This did not count as an attempt.";

    private void Show(Challenge challenge)
    {
        ChallengeId = challenge.Id;
        Question = challenge.Question;
        QrImage = QrCodes.PngDataUrl(challenge.QrPayload);
        ExpiresAt = challenge.ExpiresAt;
        PasskeyRequest = AnswerStep.PasskeyRequestFor(Method, challenge, passkeys);
    }
}
