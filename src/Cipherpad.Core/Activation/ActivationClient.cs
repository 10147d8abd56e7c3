using System.Security.Cryptography;

namespace Cipherpad.Core.Activation;

/// <summary>
/// The cipher pad's side of activation. <see cref="Begin"/> answers the server's public key with the client's
/// public key and confirmation; <see cref="Finish"/> checks the server's confirmation and yields the device secret.
/// </summary>
public sealed class ActivationClient : IDisposable
{
    private readonly KeyAgreement.DerivedKeys _keys;
    private readonly byte[] _transcriptHash;

    private ActivationClient(KeyAgreement.DerivedKeys keys, byte[] transcriptHash, byte[] clientPublicKey)
    {
        _keys = keys;
        _transcriptHash = transcriptHash;
        ClientPublicKey = clientPublicKey;
        ClientConfirmation = KeyAgreement.Confirmation(keys.ClientConfirmKey, "client", transcriptHash);
    }

    /// <summary>The client's ephemeral public key (65 bytes), sent to the server.</summary>
    public byte[] ClientPublicKey { get; }

    /// <summary>HMAC proving the client knows the activation code (32 bytes), sent to the server.</summary>
    public byte[] ClientConfirmation { get; }

    /// <summary>
    /// Starts activation for <paramref name="email"/>; null when <paramref name="serverPublicKey"/> is not a valid P-256 point.
    /// </summary>
    /// <param name="email">The account's e-mail.</param>
    /// <param name="activationId">The id the server gave this activation.</param>
    /// <param name="activationCode">The code from the SMS (spaces and dashes allowed).</param>
    /// <param name="serverPublicKey">The server's ephemeral public key.</param>
    /// <param name="ephemeralKey">The client's ephemeral key; a fresh one when null (tests pass a fixed one).</param>
    /// <exception cref="ArgumentException">The activation code is not 12 digits.</exception>
    public static ActivationClient? Begin(string email, string activationId, string activationCode, ReadOnlySpan<byte> serverPublicKey,
        ECDiffieHellman? ephemeralKey = null)
    {
        var code = ActivationCode.Normalize(activationCode)
            ?? throw new ArgumentException($"An activation code is {ActivationCode.Length} digits.", nameof(activationCode));
        var ownKey = ephemeralKey ?? KeyAgreement.NewEphemeralKey();
        try
        {
            var clientPublicKey = KeyAgreement.ExportPublicKey(ownKey);
            var transcriptHash = KeyAgreement.TranscriptHash(email, activationId, serverPublicKey, clientPublicKey);
            var keys = KeyAgreement.Derive(ownKey, serverPublicKey, code, transcriptHash);
            return keys is null ? null : new ActivationClient(keys, transcriptHash, clientPublicKey);
        }
        finally
        {
            if (ephemeralKey is null)
            {
                ownKey.Dispose();
            }
        }
    }

    /// <summary>
    /// The device secret (32 bytes) when <paramref name="serverConfirmation"/> proves the server derived the same keys;
    /// null otherwise, in which case nothing may be stored.
    /// </summary>
    public byte[]? Finish(ReadOnlySpan<byte> serverConfirmation)
    {
        var expected = KeyAgreement.Confirmation(_keys.ServerConfirmKey, "server", _transcriptHash);
        return CryptographicOperations.FixedTimeEquals(expected, serverConfirmation) ? _keys.DeviceSecret.ToArray() : null;
    }

    /// <summary>Clears the derived keys.</summary>
    public void Dispose() => _keys.Dispose();
}
