using System.Security.Cryptography;

namespace Cipherpad.Core.Activation;

/// <summary>The result of the server's last activation step.</summary>
/// <param name="Failure">Why it failed, or null on success.</param>
/// <param name="DeviceSecret">On success, the 32-byte device secret to store encrypted.</param>
/// <param name="ServerConfirmation">On success, the HMAC to send back so the client can confirm the server.</param>
public sealed record ActivationServerResult(ActivationFailure? Failure, byte[]? DeviceSecret, byte[]? ServerConfirmation)
{
    /// <summary>Whether the client proved knowledge of the activation code.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>
/// The server's side of activation. The server speaks first (its public key) but proves nothing until the client
/// has proved the code, so a stranger who starts an activation learns nothing to guess the code offline with.
/// </summary>
public sealed class ActivationServer : IDisposable
{
    private readonly ECDiffieHellman _ephemeralKey;

    private ActivationServer(ECDiffieHellman ephemeralKey)
    {
        _ephemeralKey = ephemeralKey;
        ServerPublicKey = KeyAgreement.ExportPublicKey(ephemeralKey);
    }

    /// <summary>The server's ephemeral public key (65 bytes), sent to the client.</summary>
    public byte[] ServerPublicKey { get; }

    /// <summary>Starts an activation with a fresh ephemeral key, or with <paramref name="ephemeralKey"/> (tests).</summary>
    public static ActivationServer Start(ECDiffieHellman? ephemeralKey = null) => new(ephemeralKey ?? KeyAgreement.NewEphemeralKey());

    /// <summary>Resumes an activation from its exported ephemeral key, so any server instance can finish it.</summary>
    /// <exception cref="CryptographicException">The bytes are not a P-256 private key.</exception>
    public static ActivationServer Resume(ReadOnlySpan<byte> pkcs8PrivateKey)
    {
        var key = ECDiffieHellman.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8PrivateKey, out _);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("The activation key is not a P-256 key.");
            }
            return new ActivationServer(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The ephemeral private key as PKCS#8, to keep (encrypted) until the client answers.</summary>
    public byte[] ExportEphemeralKey() => _ephemeralKey.ExportPkcs8PrivateKey();

    /// <summary>
    /// Checks the client's confirmation; on success returns the device secret and the server's confirmation.
    /// Each call is one attempt at the code: the caller counts and limits them.
    /// </summary>
    public ActivationServerResult Finish(string email, string activationId, string activationCode, ReadOnlySpan<byte> clientPublicKey,
        ReadOnlySpan<byte> clientConfirmation)
    {
        var code = ActivationCode.Normalize(activationCode)
            ?? throw new ArgumentException($"An activation code is {ActivationCode.Length} digits.", nameof(activationCode));
        var transcriptHash = KeyAgreement.TranscriptHash(email, activationId, ServerPublicKey, clientPublicKey);
        using var keys = KeyAgreement.Derive(_ephemeralKey, clientPublicKey, code, transcriptHash);
        if (keys is null)
        {
            return new(ActivationFailure.InvalidPublicKey, null, null);
        }
        var expected = KeyAgreement.Confirmation(keys.ClientConfirmKey, "client", transcriptHash);
        if (!CryptographicOperations.FixedTimeEquals(expected, clientConfirmation))
        {
            return new(ActivationFailure.ClientNotConfirmed, null, null);
        }
        return new(null, keys.DeviceSecret.ToArray(), KeyAgreement.Confirmation(keys.ServerConfirmKey, "server", transcriptHash));
    }

    /// <summary>Disposes the ephemeral key.</summary>
    public void Dispose() => _ephemeralKey.Dispose();
}
