namespace Cipherpad.Core.Answers;

/// <summary>What an answer is for. Each purpose has its own key, so an answer made for one never verifies for another.</summary>
public enum Purpose
{
    /// <summary>Logging in at a relying party.</summary>
    Login,
    /// <summary>Confirming an operation that is not a payment (change keys, add a correspondent, change settings).</summary>
    Action,
    /// <summary>Confirming a payment: the answer is bound to payee, amount and currency.</summary>
    Payment,
}

/// <summary>The purposes' names on the wire and in key derivation.</summary>
public static class Purposes
{
    /// <summary>The wire name: <c>login</c>, <c>action</c> or <c>payment</c>.</summary>
    public static string WireName(this Purpose purpose) => purpose switch
    {
        Purpose.Login => "login",
        Purpose.Action => "action",
        Purpose.Payment => "payment",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    /// <summary>Parses a wire name (exact, lowercase).</summary>
    public static bool TryParseWireName(string? name, out Purpose purpose)
    {
        switch (name)
        {
            case "login": purpose = Purpose.Login; return true;
            case "action": purpose = Purpose.Action; return true;
            case "payment": purpose = Purpose.Payment; return true;
            default: purpose = default; return false;
        }
    }
}
