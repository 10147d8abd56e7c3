namespace Cipherpad.Contracts.Challenges;

/// <summary>A relying party checks the user's answer: <c>POST /api/v1/challenges/{id}/verify</c>.</summary>
/// <param name="Answer">What the user typed; spaces, tabs, no-break spaces (U+00A0) and hyphen-minus are ignored, 64 characters at most.</param>
/// <param name="Payee">For a payment, optionally: the payee about to be paid, which must be the one the user confirmed.</param>
/// <param name="Amount">For a payment, optionally: the amount about to be paid.</param>
/// <param name="Currency">For a payment, optionally: the currency about to be paid in.</param>
/// <param name="UserIp">The user's address as the relying party sees it; failures are throttled per address.</param>
public sealed record VerifyRequest(string? Answer, string? Payee = null, string? Amount = null, string? Currency = null, string? UserIp = null);
