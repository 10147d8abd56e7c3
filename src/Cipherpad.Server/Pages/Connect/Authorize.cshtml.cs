using Cipherpad.Core.Answers;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Oidc;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Sessions;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cipherpad.Server.Pages.Connect;

/// <summary>
/// The OpenID Connect authorization endpoint, after OpenIddict has validated the request (client, return address, PKCE).
/// A sign-in is granted from the browser's open Cipherpad session unless the client wants a new answer (<c>prompt=login</c>,
/// <c>max_age</c>, an <c>acr_values</c> level the session does not meet); otherwise, and always for an action or a payment
/// (<see cref="RequestedOperation"/>), the person answers a question issued for this client with exactly that purpose and
/// those details. The forms post the authorization request back to this endpoint, so OpenIddict validates it again on every
/// step; with a pushed request (RFC 9126) they carry only its <c>request_uri</c>, and the details cannot be altered on the way.
/// </summary>
[Web.EvenlyTimedForm]
public sealed class AuthorizeModel(
    ChallengeService challenges,
    RelyingPartyService relyingParties,
    SignInSessions sessions,
    AccountDirectory accounts,
    Passkeys.PasskeyService passkeys,
    OidcClaims claims,
    TimeProvider time) : PageModel
{
    /// <summary>The fields of this page's own forms, which are not parameters of the authorization request.</summary>
    private static readonly HashSet<string> OwnFields = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(Email), nameof(Answer), nameof(ChallengeId), nameof(Method), nameof(MatchNumber), "handler", "__RequestVerificationToken",
    };

    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Answer { get; set; }
    [BindProperty] public Guid? ChallengeId { get; set; }

    /// <summary>How the person chose to answer: <c>app</c> (a question for the cipher pad), <c>push</c> (approve on the phone pad) or <c>sms</c>.</summary>
    [BindProperty] public string? Method { get; set; }

    /// <summary>For <c>push</c>: the number to choose on the phone pad.</summary>
    [BindProperty] public int? MatchNumber { get; set; }

    /// <summary>Whether the request accepts an answer by SMS (<c>acr_values</c> may ask for a device the person holds).</summary>
    public bool OffersSms { get; private set; }

    public string PartyName { get; private set; } = "";
    public RequestedOperation Operation { get; private set; } = RequestedOperation.Login;
    public string? Question { get; private set; }
    public string? QrImage { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>For a passkey: the WebAuthn request, whose challenge is derived from the details this page shows.</summary>
    public string? PasskeyRequest { get; private set; }
    public Text? Problem { get; private set; }

    /// <summary>The authorization request's parameters, posted back with each form.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestParameters { get; private set; } = [];

    /// <summary>This request's first step again, to choose another way to answer.</summary>
    public string RestartAddress => Request.Path + QueryString.Create(RequestParameters!).ToUriComponent();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await ReadAsync(cancellationToken) is not (var request, var party))
        {
            return Refused!;
        }
        var session = await sessions.OpenAsync(User, cancellationToken);
        // The signed-in person's e-mail is read only when something needs it: a login_hint to compare, or the form to fill.
        async Task<string?> SignedInEmailAsync() => session is null ? null : (await accounts.GetAsync(session.AccountId, cancellationToken)).Email;
        // Single sign-on, unless the client wants a fresh answer, a stronger one, or names someone else (login_hint).
        if (Operation.Purpose == Purpose.Login && session is not null && !OidcClaims.WantsFreshAnswer(request, session.StartedAt, time.GetUtcNow())
            && OidcClaims.MeetsAcr(request, session.Method)
            && (request.LoginHint is null || string.Equals(AccountRules.NormalizeEmail(request.LoginHint), await SignedInEmailAsync(), StringComparison.Ordinal)))
        {
            return await GrantAsync(request, party, new Answered(session.AccountId, session.Method, session.StartedAt, session.Id), cancellationToken);
        }
        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Operation.Purpose == Purpose.Login ? Errors.LoginRequired : Errors.InteractionRequired,
                "The person must answer a question at Cipherpad first.");
        }
        Email = request.LoginHint ?? await SignedInEmailAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken)
    {
        if (await ReadAsync(cancellationToken) is not (var request, var party))
        {
            return Refused!;
        }
        Method ??= CipherPadMethod.MethodName;
        if (AccountRules.EmailProblem(Email) is { } problem)
        {
            Problem = problem;
            return Page();
        }
        if (!AnswerStep.IsChoice(Method) || !OidcClaims.MeetsAcr(request, Method))
        {
            Problem = "This site needs an answer from your cipher pad: ask for a question, or approve on your phone pad.";
            Method = CipherPadMethod.MethodName;
            return Page();
        }
        var asked = await challenges.AskOnPageAsync(party, Email!, Operation.Purpose, Operation.Description, Operation.Payment, Method, cancellationToken);
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

    /// <summary>"I approved it": grants what the phone pad approved, once.</summary>
    public async Task<IActionResult> OnPostApprovedAsync(CancellationToken cancellationToken)
    {
        if (await ReadAsync(cancellationToken) is not (var request, var party))
        {
            return Refused!;
        }
        Method = PushMethod.MethodName;
        var challenge = await QuestionForThisRequestAsync(party, cancellationToken);
        if (challenge is null)
        {
            return Page();
        }
        if (await challenges.RedeemApprovalAsync(party.Id, challenge.Id, cancellationToken))
        {
            return await GrantAnsweredAsync(request, party, challenge, cancellationToken);
        }
        var (problem, stillOpen) = AnswerStep.NotApproved(challenge, MatchNumber, time.GetUtcNow());
        (Problem, ChallengeId) = (problem, stillOpen ? ChallengeId : null);
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(CancellationToken cancellationToken)
    {
        if (await ReadAsync(cancellationToken) is not (var request, var party))
        {
            return Refused!;
        }
        var challenge = await QuestionForThisRequestAsync(party, cancellationToken);
        if (challenge is null)
        {
            return Page();
        }
        if (AnswerStep.TakesDigits(Method) && Core.Answers.Answer.Normalize(Answer, Core.Answers.Answer.DigitsFor(challenge.Question)) is null)
        {
            Problem = SignInModel.NotAnAnswerTo(challenge.Question);
            return Page();
        }
        var outcome = await challenges.VerifyAsync(party, challenge, Answer ?? "", ClientAddress.Of(HttpContext), cancellationToken);
        if (outcome.Result != VerifyResult.Success)
        {
            Problem = SignInModel.Refusal(outcome);
            if (outcome.Result is not (VerifyResult.Wrong or VerifyResult.Throttled))
            {
                ChallengeId = null;
            }
            return Page();
        }
        return await GrantAnsweredAsync(request, party, challenge, cancellationToken);
    }

    /// <summary>
    /// The question the form names, if it belongs to this client and was issued for exactly the operation the request now
    /// names; otherwise null, with the page set to start again. A question for other details than the request's cannot
    /// confirm it: the details were changed on the way.
    /// </summary>
    private async Task<Challenge?> QuestionForThisRequestAsync(RelyingParty party, CancellationToken cancellationToken)
    {
        var challenge = ChallengeId is { } id ? await challenges.FindAsync(party.Id, id, cancellationToken) : null;
        if (challenge is null || !Operation.IsConfirmedBy(challenge))
        {
            Problem = challenge is null ? "That question is unknown; ask for a new one." : "The details to confirm changed; ask for a new question.";
            ChallengeId = null;
            return null;
        }
        Show(challenge);
        return challenge;
    }

    /// <summary>
    /// Grants the authorization on an accepted answer or approval. A login also signs the browser in to Cipherpad, in place
    /// of any earlier session, so the next site asks no question while the session lasts; a payment or action is granted
    /// on its own.
    /// </summary>
    private async Task<IActionResult> GrantAnsweredAsync(OpenIddictRequest request, RelyingParty party, Challenge challenge, CancellationToken cancellationToken)
    {
        if (!OidcClaims.MeetsAcr(request, challenge.Method))
        {
            Problem = "This site needs an answer from your cipher pad, not by SMS: start again.";
            ChallengeId = null;
            return Page();
        }
        Guid? sessionId = null;
        if (Operation.Purpose == Purpose.Login)
        {
            sessionId = await sessions.SignInBrowserAsync(HttpContext, challenge.AccountId, challenge.Method, cancellationToken);
        }
        return await GrantAsync(request, party, new Answered(challenge.AccountId, challenge.Method, challenge.AnsweredAt ?? time.GetUtcNow(), sessionId),
            cancellationToken);
    }

    private IActionResult? Refused { get; set; }

    /// <summary>The validated request and its enabled relying party, or null with <see cref="Refused"/> set to the answer to give.</summary>
    private async Task<(OpenIddictRequest Request, RelyingParty Party)?> ReadAsync(CancellationToken cancellationToken)
    {
        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not pass an authorization request through.");
        RequestParameters = [.. (Request.HasFormContentType ? Request.Form.Select(p => (p.Key, p.Value)) : Request.Query.Select(p => (p.Key, p.Value)))
            .Where(p => !OwnFields.Contains(p.Key)).SelectMany(p => p.Value.Select(value => new KeyValuePair<string, string>(p.Key, value ?? "")))];
        if (request.RedirectUri is null)
        {
            Refused = Refuse(Errors.InvalidRequest, "redirect_uri is required.");
            return null;
        }
        // OpenIddict has matched it to the client's registered addresses: the page's forms may end there.
        SecurityHeaders.AllowFormRedirectTo(HttpContext, new Uri(request.RedirectUri));
        var party = await relyingParties.FindEnabledAsync(request.ClientId, cancellationToken);
        if (party is null)
        {
            Refused = Refuse(Errors.AccessDenied, "This site may not use Cipherpad at the moment.");
            return null;
        }
        if (!RequestedOperation.TryParse((string?)request[RequestedOperation.Parameter], out var operation, out var problem))
        {
            Refused = Refuse(RequestedOperation.InvalidDetailsError, problem);
            return null;
        }
        (PartyName, Operation) = (party.Name, operation);
        OffersSms = OidcClaims.MeetsAcr(request, SmsMethod.MethodName);
        return (request, party);
    }

    private async Task<IActionResult> GrantAsync(OpenIddictRequest request, RelyingParty party, Answered answered, CancellationToken cancellationToken)
    {
        var principal = await claims.ForAuthorizationAsync(party.ClientId, request, answered, Operation, cancellationToken);
        return SignIn(principal, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private ForbidResult Refuse(string error, string description) =>
        Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private void Show(Challenge challenge)
    {
        ChallengeId = challenge.Id;
        Question = challenge.Question;
        QrImage = QrCodes.PngDataUrl(challenge.QrPayload);
        ExpiresAt = challenge.ExpiresAt;
        PasskeyRequest = AnswerStep.PasskeyRequestFor(Method, challenge, passkeys);
    }
}
