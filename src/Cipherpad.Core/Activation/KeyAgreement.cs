using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Core.Activation;

/// <summary>Why an activation step failed.</summary>
public enum ActivationFailure
{
    /// <summary>The peer's public key is not a valid uncompressed P-256 point.</summary>
    InvalidPublicKey,
    /// <summary>The client's confirmation does not match: a wrong activation code (or a tampered exchange).</summary>
    ClientNotConfirmed,
    /// <summary>The server's confirmation does not match: the client is not talking to the server that issued the code.</summary>
    ServerNotConfirmed,
}

/// <summary>
/// The activation key agreement shared by both sides: ECDH on P-256, HKDF-SHA256 keyed by the one-time
/// activation code, and HMAC key confirmation in both directions. The device secret never travels.
/// </summary>
public static class KeyAgreement
{
    /// <summary>Length of an uncompressed SEC1 P-256 public key: 0x04 ‖ X ‖ Y.</summary>
    public const int PublicKeyLength = 65;

    /// <summary>Length of a confirmation tag.</summary>
    public const int ConfirmationLength = 32;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("Cipherpad v1 activation");

    /// <summary>A new ephemeral P-256 key pair.</summary>
    public static ECDiffieHellman NewEphemeralKey() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public key as 0x04 ‖ X ‖ Y.</summary>
    public static byte[] ExportPublicKey(ECDiffieHellman key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var point = key.ExportParameters(false).Q;
        var result = new byte[PublicKeyLength];
        result[0] = 0x04;
        point.X!.CopyTo(result, 1);
        point.Y!.CopyTo(result, 33);
        return result;
    }

    /// <summary>SHA-256 of the transcript: label, e-mail, activation id and both public keys.</summary>
    public static byte[] TranscriptHash(string email, string activationId, ReadOnlySpan<byte> serverPublicKey, ReadOnlySpan<byte> clientPublicKey)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(activationId);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Label);
        AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(NormalizeEmail(email)));
        AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(activationId));
        hash.AppendData(serverPublicKey);
        hash.AppendData(clientPublicKey);
        return hash.GetHashAndReset();
    }

    /// <summary>The e-mail as bound into the transcript: trimmed, ASCII letters lowercased.</summary>
    public static string NormalizeEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return string.Create(email.Trim().Length, email.Trim(), static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] | 0x20) : source[i];
            }
        });
    }

    /// <summary>
    /// The shared derivation: Z = ECDH x-coordinate; 96 bytes = HKDF-SHA256(IKM = Z, salt = code digits,
    /// info = label ‖ transcript hash) split into client confirm key, server confirm key and device secret.
    /// Returns null when <paramref name="peerPublicKey"/> is not a valid point.
    /// </summary>
    internal static DerivedKeys? Derive(ECDiffieHellman ownKey, ReadOnlySpan<byte> peerPublicKey, string activationCode, ReadOnlySpan<byte> transcriptHash)
    {
        using var peer = ImportPublicKey(peerPublicKey);
        if (peer is null)
        {
            return null;
        }
        var z = ownKey.DeriveRawSecretAgreement(peer.PublicKey);
        var info = new byte[Label.Length + transcriptHash.Length];
        Label.CopyTo(info, 0);
        transcriptHash.CopyTo(info.AsSpan(Label.Length));
        var okm = new byte[96];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, z, okm, Encoding.ASCII.GetBytes(activationCode), info);
        CryptographicOperations.ZeroMemory(z);
        var keys = new DerivedKeys(okm[..32], okm[32..64], okm[64..]);
        CryptographicOperations.ZeroMemory(okm);
        return keys;
    }

    internal static byte[] Confirmation(ReadOnlySpan<byte> key, string role, ReadOnlySpan<byte> transcriptHash)
    {
        var message = new byte[role.Length + transcriptHash.Length];
        Encoding.ASCII.GetBytes(role, message);
        transcriptHash.CopyTo(message.AsSpan(role.Length));
        return HMACSHA256.HashData(key, message);
    }

    private static ECDiffieHellman? ImportPublicKey(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != PublicKeyLength || encoded[0] != 0x04)
        {
            return null;
        }
        try
        {
            return ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = encoded[1..33].ToArray(), Y = encoded[33..].ToArray() },
            });
        }
        catch (CryptographicException)
        {
            return null; // not on the curve
        }
    }

    private static void AppendLengthPrefixed(IncrementalHash hash, byte[] data)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)data.Length));
        hash.AppendData(length);
        hash.AppendData(data);
    }

    internal sealed class DerivedKeys(byte[] clientConfirmKey, byte[] serverConfirmKey, byte[] deviceSecret) : IDisposable
    {
        public byte[] ClientConfirmKey { get; } = clientConfirmKey;
        public byte[] ServerConfirmKey { get; } = serverConfirmKey;
        public byte[] DeviceSecret { get; } = deviceSecret;

        public void Dispose()
        {
            CryptographicOperations.ZeroMemory(ClientConfirmKey);
            CryptographicOperations.ZeroMemory(ServerConfirmKey);
            CryptographicOperations.ZeroMemory(DeviceSecret);
        }
    }
}
