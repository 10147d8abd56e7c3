namespace Cipherpad.Contracts.Activations;

/// <summary>The server's half of the key agreement (docs/protocol.md §6).</summary>
/// <param name="ActivationId">The id to finish the activation with.</param>
/// <param name="ServerPublicKey">The server's ephemeral P-256 public key, uncompressed, base64url.</param>
/// <param name="ExpiresAt">When the activation must be finished.</param>
public sealed record StartActivationResponse(string ActivationId, string ServerPublicKey, DateTimeOffset ExpiresAt);
