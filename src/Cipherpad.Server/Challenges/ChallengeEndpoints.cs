using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Challenges;

/// <summary>The relying-party API: questions for a login, an action or a payment, and the checking of answers.</summary>
public static class ChallengeEndpoints
{
    public static RouteGroupBuilder MapChallengeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/challenges").RetryOnTransientDatabaseErrors()
            .RequireRelyingPartyAuthentication()
            .WithTags("Relying-party API")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/", CreateAsync).WithName("CreateChallenge").WithSummary("Issue a question to a user for a login, action or payment.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // The question a call names is read in the same command as the caller's authentication.
        group.WithMetadata(new ReadAheadWithAuthentication(http =>
            http.Request.RouteValues["id"] is string id && Guid.TryParse(id, out var challengeId) ? ChallengeService.FindRead(challengeId) : null));
        group.MapGet("/{id:guid}", GetAsync).WithName("GetChallenge").WithSummary("Read a question's state.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/qr.png", QrAsync).WithName("GetChallengeQr").WithSummary("The question's QR code as PNG.");
        group.MapPost("/{id:guid}/verify", VerifyAsync).WithName("VerifyAnswer").WithSummary("Check the answer the user typed.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Created<ChallengeResponse>, ProblemHttpResult>> CreateAsync(CreateChallengeRequest request, HttpContext context,
        ChallengeService challenges, IOptions<CipherpadOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var purposeName = request.Purpose ?? "login";
        if (!Purposes.TryParseWireName(purposeName, out var purpose))
        {
            return BadRequest($"'purpose' must be login, action or payment, not '{purposeName}'.", "purpose");
        }
        if (string.IsNullOrWhiteSpace(request.Login))
        {
            return BadRequest("'login' (the user's e-mail or alias) is required.", "login");
        }
        string? description = null;
        PaymentDetails? payment = null;
        if (purpose == Purpose.Action)
        {
            description = request.Description?.Trim();
            if (ActionDescription.Problem(description, "'description'") is { } unshowable)
            {
                return BadRequest(unshowable, "description");
            }
        }
        else if (purpose == Purpose.Payment)
        {
            if (!PaymentDetails.TryCreate(request.Payee, request.Amount, request.Currency, out payment, out var paymentError))
            {
                return BadRequest(paymentError.Message, FieldOf(paymentError.Code));
            }
        }
        else if (request.Description is not null || request.Payee is not null || request.Amount is not null || request.Currency is not null)
        {
            return BadRequest("A login takes no description or payment details.");
        }

        if (request.Method == AnswerMethods.Passkey.PasskeyMethod.MethodName)
        {
            return BadRequest("A passkey answers on Cipherpad's own pages only: sign the person in, or have them confirm, through OpenID Connect.");
        }
        var created = await challenges.CreateAsync(context.RelyingParty(), request.Login, purpose, description, payment,
            request.Method ?? CipherPadMethod.MethodName, cancellationToken);
        if (!created.Succeeded)
        {
            return created.Error!.ToProblem(context.Response);
        }
        return TypedResults.Created($"/api/v1/challenges/{created.Value.Id}", View(created.Value, options.Value, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<ChallengeResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext context, ChallengeService challenges,
        IOptions<CipherpadOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var challenge = await challenges.FindAsync(context.RelyingParty().Id, id, cancellationToken);
        return challenge is null ? NotFound(id) : TypedResults.Ok(View(challenge, options.Value, time.GetUtcNow()));
    }

    /// <summary>
    /// The PNG is drawn only here, for a relying party that wants it: most show <c>qrPayload</c> their own way. It never
    /// changes, so the relying party may keep it (privately: it answers an authenticated call) until the question expires.
    /// </summary>
    private static async Task<IResult> QrAsync(Guid id, HttpContext context, ChallengeService challenges, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var challenge = await challenges.FindAsync(context.RelyingParty().Id, id, cancellationToken);
        if (challenge is null || challenge.QrPayload.Length == 0)
        {
            return NotFound(id);
        }
        var lifeLeft = (int)Math.Max(0, Math.Floor((challenge.ExpiresAt - time.GetUtcNow()).TotalSeconds));
        context.Response.Headers.CacheControl = $"private, max-age={lifeLeft}";
        return TypedResults.File(QrCodes.Png(challenge.QrPayload), "image/png");
    }

    private static async Task<Results<Ok<VerifyResponse>, ProblemHttpResult>> VerifyAsync(Guid id, VerifyRequest request, HttpContext context,
        ChallengeService challenges, CancellationToken cancellationToken)
    {
        var party = context.RelyingParty();
        var challenge = await challenges.FindAsync(party.Id, id, cancellationToken);
        if (challenge is null)
        {
            return NotFound(id);
        }
        // A text that is not 8 digits per part of the question cannot be right, so it is refused before it could use up one
        // of the question's attempts.
        var digits = Answer.DigitsFor(challenge.Question);
        if (string.IsNullOrWhiteSpace(request.Answer) || request.Answer.Length > 64 || Answer.Normalize(request.Answer, digits) is null)
        {
            return BadRequest($"'answer' must be the {digits} digits the user typed (spaces, tabs, no-break spaces and dashes are ignored).", "answer");
        }
        if (challenge.Purpose == Purpose.Payment && (request.Payee ?? request.Amount ?? request.Currency) is not null)
        {
            if (new[] { ("payee", request.Payee), ("amount", request.Amount), ("currency", request.Currency) }.FirstOrDefault(f => f.Item2 is null) is
                ({ } missing, null))
            {
                return BadRequest($"Restate all three of 'payee', 'amount' and 'currency' at verify, or none of them; '{missing}' is missing.", missing);
            }
            // The relying party may restate what it is about to execute; it must be exactly what the user confirmed.
            if (!PaymentDetails.TryCreate(request.Payee, request.Amount, request.Currency, out var restated, out var paymentError))
            {
                return BadRequest(paymentError.Message, FieldOf(paymentError.Code));
            }
            var asked = challenge.Payment();
            if (!restated.Equals(asked))
            {
                return Errors.PaymentDetailsDiffer(asked!, restated).ToProblem();
            }
        }
        var source = string.IsNullOrWhiteSpace(request.UserIp) ? ClientAddress.Of(context) : request.UserIp.Trim();
        if (source.Length > 64)
        {
            return BadRequest("'userIp' is at most 64 characters.", "userIp");
        }
        var outcome = await challenges.VerifyAsync(party, challenge, request.Answer, source, cancellationToken);
        return TypedResults.Ok(new VerifyResponse(ChallengeService.ResultName(outcome.Result), outcome.AttemptsLeft,
            outcome.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null));
    }

    /// <summary>The path of the question's QR code as a PNG, for the relying party it was asked for; null when it has none (SMS).</summary>
    public static string? QrImagePath(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return challenge.QrPayload.Length == 0 ? null : $"/api/v1/challenges/{challenge.Id}/qr.png";
    }

    /// <summary>
    /// The same view after a create and a read: <c>qrImage</c> is always the path of <c>qr.png</c>, and <c>attemptsLeft</c>
    /// is what verify would say, 0 once the question takes no more answers (succeeded, locked or expired).
    /// </summary>
    private static ChallengeResponse View(Challenge challenge, CipherpadOptions options, DateTimeOffset now)
    {
        var open = challenge.Status == ChallengeStatus.Pending && challenge.ExpiresAt > now;
        var status = challenge.Status switch
        {
            ChallengeStatus.Succeeded => ChallengeStatuses.Succeeded,
            ChallengeStatus.Locked => ChallengeStatuses.Locked,
            ChallengeStatus.Denied => ChallengeStatuses.Denied,
            _ => open ? ChallengeStatuses.Pending : ChallengeStatuses.Expired,
        };
        return new(challenge.Id, challenge.Purpose.WireName(), challenge.Method, challenge.Question, challenge.ExpiresAt, challenge.QrPayload,
            QrImagePath(challenge), status, open ? Math.Max(0, options.Challenges.MaxWrongAnswers - challenge.WrongAnswers) : 0,
            challenge.Payment() is { } payment ? new PaymentView(payment.Payee, payment.Amount, payment.Currency.Code) : null,
            challenge.Description, challenge.MatchNumber);
    }

    private static string FieldOf(PaymentErrorCode code) => code switch
    {
        PaymentErrorCode.Payee => "payee",
        PaymentErrorCode.Currency => "currency",
        _ => "amount",
    };

    private static ProblemHttpResult BadRequest(string detail, string? field = null) => Errors.InvalidRequest(detail, field).ToProblem();

    private static ProblemHttpResult NotFound(Guid id) => Errors.UnknownChallenge(id).ToProblem();
}
