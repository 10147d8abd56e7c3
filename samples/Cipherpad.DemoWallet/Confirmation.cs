using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;

namespace Cipherpad.DemoWallet;

/// <summary>
/// What the wallet asks Cipherpad to confirm (RFC 9396 <c>authorization_details</c>), and the check that the token
/// Cipherpad returns confirms exactly the operation the wallet is about to carry out — the relying party's half of
/// dynamic linking.
/// </summary>
public static class Confirmation
{
    public const string Currency = "USD";
    public const string DetailsClaim = "authorization_details";

    /// <summary>The amount as Cipherpad writes it back (two decimals), or null if it is not a positive amount of cents.</summary>
    public static string? CanonicalAmount(string? typed) =>
        decimal.TryParse(typed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount > 0
            && amount == decimal.Round(amount, 2) && amount < 1_000_000_000
            ? amount.ToString("F2", CultureInfo.InvariantCulture)
            : null;

    public static long Cents(string canonicalAmount) => (long)(decimal.Parse(canonicalAmount, CultureInfo.InvariantCulture) * 100);

    /// <summary>The detail the wallet sends for <paramref name="operation"/>, as carried out (an altered transfer says what the malware would pay).</summary>
    public static JsonObject Detail(Operation operation, bool asCarriedOut = false)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Kind == OperationKind.Transfer
            ? new JsonObject
            {
                ["type"] = "payment",
                ["payee"] = operation.Payee,
                ["amount"] = asCarriedOut && operation.AlteredAfterConfirmation ? Altered(operation.Amount!) : operation.Amount,
                ["currency"] = Currency,
            }
            : new JsonObject { ["type"] = "action", ["description"] = operation.Description };
    }

    /// <summary>What the malware of the demonstration makes of an amount: a hundred times more.</summary>
    public static string Altered(string amount) => (decimal.Parse(amount, CultureInfo.InvariantCulture) * 100).ToString("F2", CultureInfo.InvariantCulture);

    public static string Request(Operation operation) => new JsonArray(Detail(operation)).ToJsonString();

    /// <summary>
    /// Why the signed-in <paramref name="principal"/> (fresh from Cipherpad's ID token) does not confirm carrying out
    /// <paramref name="operation"/>, or null when it does: the same person, and exactly these details.
    /// </summary>
    public static string? Problem(ClaimsPrincipal principal, Operation operation)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(operation);
        if (principal.FindFirst("sub")?.Value != operation.Subject)
        {
            return "Confirmed by another Cipherpad account than this wallet's.";
        }
        // A JSON array claim arrives as one claim per element.
        var confirmed = principal.FindAll(DetailsClaim).Select(claim => JsonNode.Parse(claim.Value)).ToList();
        var carriedOut = Detail(operation, asCarriedOut: true);
        if (confirmed is not [JsonObject only] || !JsonNode.DeepEquals(only, carriedOut))
        {
            return $"Cipherpad confirmed {Describe(confirmed.FirstOrDefault())}, but the wallet was about to carry out {Describe(carriedOut)}: refused.";
        }
        return null;
    }

    public static string Describe(JsonNode? detail) => detail?["type"]?.GetValue<string>() switch
    {
        "payment" => $"paying {detail["amount"]} {detail["currency"]} to {detail["payee"]}",
        "action" => $"\"{detail["description"]}\"",
        _ => "nothing",
    };
}
