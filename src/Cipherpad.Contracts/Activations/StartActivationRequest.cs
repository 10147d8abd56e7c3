namespace Cipherpad.Contracts.Activations;

/// <summary>The cipher pad begins activation: <c>POST /api/v1/activations</c>.</summary>
/// <param name="Email">The account's e-mail; the answer looks the same whether or not it has an account.</param>
public sealed record StartActivationRequest(string? Email);
