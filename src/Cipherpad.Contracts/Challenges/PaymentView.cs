namespace Cipherpad.Contracts.Challenges;

/// <summary>The payment a challenge asks the user to confirm; the answer is bound to exactly these three values.</summary>
/// <param name="Payee">Who is paid.</param>
/// <param name="Amount">The amount, normalized to the currency's decimals, such as <c>12.50</c>.</param>
/// <param name="Currency">The currency code, such as <c>USD</c>.</param>
public sealed record PaymentView(string Payee, string Amount, string Currency);
