using System.Text.Json;
using System.Text.Json.Nodes;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Challenges;

namespace Cipherpad.Server.Oidc;

/// <summary>
/// What an OpenID Connect authorization request asks the person to confirm: a sign-in, or — given as OAuth Rich
/// Authorization Requests <c>authorization_details</c> (RFC 9396) — one action or one payment. Exactly one detail of
/// type <c>payment</c> (<c>payee</c>, <c>amount</c> as a string, <c>currency</c>) or <c>action</c> (<c>description</c>),
/// with no other members: what is confirmed on the pad is all that the token carries, and nothing else can ride along.
/// </summary>
public sealed record RequestedOperation(Purpose Purpose, string? Description, PaymentDetails? Payment)
{
    public const string Parameter = "authorization_details";
    public const string PaymentType = "payment";
    public const string ActionType = "action";

    /// <summary>RFC 9396's error code for details the server cannot accept.</summary>
    public const string InvalidDetailsError = "invalid_authorization_details";

    public static RequestedOperation Login { get; } = new(Purpose.Login, null, null);

    /// <summary>The operation <paramref name="authorizationDetails"/> asks for (a login when there are none), or why it cannot be confirmed.</summary>
    public static bool TryParse(string? authorizationDetails, out RequestedOperation operation, out string problem)
    {
        (operation, problem) = (Login, "");
        if (authorizationDetails is null)
        {
            return true;
        }
        JsonNode? parsed;
        try
        {
            // A member given twice could be read one way here and another way by the client: refused.
            parsed = JsonNode.Parse(authorizationDetails, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            problem = "authorization_details is not JSON (or names a member twice).";
            return false;
        }
        if (parsed is not JsonArray { Count: 1 } array || array[0] is not JsonObject detail)
        {
            problem = "authorization_details must be an array of exactly one object: one action or one payment is confirmed per answer.";
            return false;
        }
        var type = Text(detail, "type");
        var members = type switch
        {
            PaymentType => new[] { "type", "payee", "amount", "currency" },
            ActionType => ["type", "description"],
            _ => null,
        };
        if (members is null)
        {
            problem = $"The authorization detail's type must be \"{PaymentType}\" or \"{ActionType}\".";
            return false;
        }
        if (detail.Select(member => member.Key).FirstOrDefault(key => !members.Contains(key)) is { } unknown)
        {
            problem = $"A {type} detail has only {string.Join(", ", members)}; '{unknown}' is not one of them.";
            return false;
        }
        if (members.Skip(1).FirstOrDefault(key => detail[key] is not JsonValue value || value.GetValueKind() != JsonValueKind.String) is { } notText)
        {
            problem = $"A {type} detail needs '{notText}' as a JSON string{(notText == "amount" ? ", such as \"12.50\"" : "")}.";
            return false;
        }
        if (type == ActionType)
        {
            var description = Text(detail, "description")!.Trim();
            if (ActionDescription.Problem(description, "'description'") is { } unshowable)
            {
                problem = unshowable;
                return false;
            }
            operation = new RequestedOperation(Purpose.Action, description, null);
            return true;
        }
        if (!PaymentDetails.TryCreate(Text(detail, "payee"), Text(detail, "amount"), Text(detail, "currency"), out var payment, out var error))
        {
            problem = error.Message;
            return false;
        }
        operation = new RequestedOperation(Purpose.Payment, null, payment);
        return true;
    }

    /// <summary>The operation as the one-element <c>authorization_details</c> array the tokens carry, amounts in the currency's canonical form.</summary>
    public string? ToJson() => Purpose switch
    {
        Purpose.Payment => new JsonArray(new JsonObject
        {
            ["type"] = PaymentType, ["payee"] = Payment!.Payee, ["amount"] = Payment.Amount, ["currency"] = Payment.Currency.Code,
        }).ToJsonString(),
        Purpose.Action => new JsonArray(new JsonObject { ["type"] = ActionType, ["description"] = Description }).ToJsonString(),
        _ => null,
    };

    /// <summary>Whether <paramref name="challenge"/> was issued for exactly this operation.</summary>
    public bool IsConfirmedBy(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return challenge.Purpose == Purpose && Purpose switch
        {
            Purpose.Payment => Payment!.Equals(challenge.Payment()),
            Purpose.Action => challenge.Description == Description,
            _ => true,
        };
    }

    private static string? Text(JsonObject detail, string name) =>
        detail[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
