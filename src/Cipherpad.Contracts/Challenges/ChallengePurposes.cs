namespace Cipherpad.Contracts.Challenges;

/// <summary>What a question is for, as the API names it.</summary>
public static class ChallengePurposes
{
    /// <summary>Logging in.</summary>
    public const string Login = "login";

    /// <summary>Confirming an operation that is not a payment, described to the user.</summary>
    public const string Action = "action";

    /// <summary>Confirming a payment: the answer is bound to payee, amount and currency.</summary>
    public const string Payment = "payment";
}
