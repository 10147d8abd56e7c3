namespace Cipherpad.Contracts.Activations;

/// <summary>The cipher pad proves it knows the activation code: <c>POST /api/v1/activations/{activationId}/finish</c>.</summary>
/// <param name="Email">The account's e-mail, as at the start.</param>
/// <param name="ClientPublicKey">The pad's ephemeral P-256 public key, uncompressed (65 bytes), base64url.</param>
/// <param name="ClientConfirmation">The pad's key confirmation (32 bytes), base64url.</param>
/// <param name="DeviceName">The name the owner sees for this pad.</param>
/// <param name="DeviceKind">What the pad is, shown to the owner: <c>cli</c> (the command-line pad) or <c>web</c> (the phone web app); optional.</param>
public sealed record FinishActivationRequest(string? Email, string? ClientPublicKey, string? ClientConfirmation, string? DeviceName, string? DeviceKind = null);
