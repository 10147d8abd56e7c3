using Microsoft.AspNetCore.Http.HttpResults;

namespace Cipherpad.Server.Problems;

/// <summary>
/// The one mapping from <see cref="CipherpadError"/> to RFC 7807 problem details: a status and title per code, the
/// catalogue's text as <c>detail</c>, the stable <c>code</c>, the <c>field</c> at fault and any facts.
/// </summary>
public static class ProblemResults
{
    public static ProblemHttpResult ToProblem(this CipherpadError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (status, title) = Describe(error.Code);
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = error.Code.WireName() };
        if (error.Field is not null)
        {
            extensions["field"] = error.Field;
        }
        foreach (var (name, value) in error.Facts ?? new Dictionary<string, object?>())
        {
            extensions[name] = value;
        }
        if (error.RetryAfter is { } wait)
        {
            extensions["retryAfterSeconds"] = RetryAfterSeconds(wait);
        }
        return TypedResults.Problem(statusCode: status, title: title, detail: error.Description, extensions: extensions);
    }

    /// <summary>The problem, with the <c>Retry-After</c> header set on <paramref name="response"/> when the error says when to ask again.</summary>
    public static ProblemHttpResult ToProblem(this CipherpadError error, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(response);
        if (error.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return error.ToProblem();
    }

    private static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>The HTTP status and the short title of each code.</summary>
    public static (int Status, string Title) Describe(ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest => (StatusCodes.Status400BadRequest, "Invalid request"),
        ErrorCode.Unauthorized => (StatusCodes.Status401Unauthorized, "Unauthorized"),
        ErrorCode.UnknownAccount => (StatusCodes.Status404NotFound, "Unknown account"),
        ErrorCode.NoActiveCipherPad => (StatusCodes.Status404NotFound, "No active cipher pad"),
        ErrorCode.UnknownChallenge => (StatusCodes.Status404NotFound, "Unknown challenge"),
        ErrorCode.UnknownMethod => (StatusCodes.Status400BadRequest, "Unknown method"),
        ErrorCode.MethodNotEnabled => (StatusCodes.Status409Conflict, "Method not enabled"),
        ErrorCode.NoMethodChosen => (StatusCodes.Status400BadRequest, "No method chosen"),
        ErrorCode.CipherPadNeeded => (StatusCodes.Status400BadRequest, "A cipher pad is needed"),
        ErrorCode.EmailNotConfirmed => (StatusCodes.Status409Conflict, "E-mail not confirmed"),
        ErrorCode.SmsDailyLimitReached => (StatusCodes.Status429TooManyRequests, "SMS limit reached"),
        ErrorCode.SmsNotForCurrency => (StatusCodes.Status400BadRequest, "No SMS for this currency"),
        ErrorCode.SmsRelyingPartyLimitReached => (StatusCodes.Status429TooManyRequests, "SMS limit for this relying party reached"),
        ErrorCode.SmsAccountLimitReached => (StatusCodes.Status429TooManyRequests, "SMS limit for this account reached"),
        ErrorCode.NoApprovingPad => (StatusCodes.Status404NotFound, "No pad approves requests"),
        ErrorCode.PushLimitReached => (StatusCodes.Status429TooManyRequests, "Approval requests limit reached"),
        ErrorCode.PushPaused => (StatusCodes.Status429TooManyRequests, "Approval requests paused after a denial"),
        ErrorCode.PadUnauthorized => (StatusCodes.Status401Unauthorized, "Pad request not signed"),
        ErrorCode.PaymentDetailsDiffer => (StatusCodes.Status409Conflict, "Payment details differ"),
        ErrorCode.InvalidEmail => (StatusCodes.Status400BadRequest, "Invalid e-mail"),
        ErrorCode.UnknownActivation => (StatusCodes.Status404NotFound, "Unknown activation"),
        ErrorCode.WrongActivationCode => (StatusCodes.Status403Forbidden, "Wrong activation code"),
        ErrorCode.ActivationCodeVoid => (StatusCodes.Status410Gone, "Activation code no longer valid"),
        ErrorCode.InvalidPublicKey => (StatusCodes.Status400BadRequest, "Invalid public key"),
        ErrorCode.MethodsAlreadyChosen => (StatusCodes.Status409Conflict, "Methods already chosen"),
        ErrorCode.LinkNotValid => (StatusCodes.Status410Gone, "Link not valid"),
        ErrorCode.CipherPadStillActive => (StatusCodes.Status409Conflict, "A cipher pad is still active"),
        ErrorCode.HumanCheckMissing => (StatusCodes.Status400BadRequest, "Human check missing"),
        ErrorCode.HumanCheckFailed => (StatusCodes.Status400BadRequest, "Human check failed"),
        ErrorCode.HumanCheckExpired => (StatusCodes.Status400BadRequest, "Human check expired"),
        ErrorCode.HumanCheckUsed => (StatusCodes.Status409Conflict, "Human check already used"),
        ErrorCode.UnknownVaultItem => (StatusCodes.Status404NotFound, "Unknown vault item"),
        ErrorCode.VaultItemTooLarge => (StatusCodes.Status413PayloadTooLarge, "Vault item too large"),
        ErrorCode.VaultFull => (StatusCodes.Status409Conflict, "Vault full"),
        ErrorCode.UnknownVaultRelease => (StatusCodes.Status404NotFound, "Unknown vault release"),
        ErrorCode.VaultReleaseRefused => (StatusCodes.Status403Forbidden, "Vault release refused"),
        ErrorCode.VaultTicketNotValid => (StatusCodes.Status410Gone, "Vault ticket not valid"),
        ErrorCode.VaultItemUnreadable => (StatusCodes.Status500InternalServerError, "Vault item unreadable"),
        ErrorCode.NoPasskey => (StatusCodes.Status404NotFound, "No passkey"),
        ErrorCode.PasskeyNotAccepted => (StatusCodes.Status400BadRequest, "Passkey not accepted"),
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Every error code needs a status and a title."),
    };
}
