using System.Security.Cryptography;

namespace Cipherpad.Server.Security;

/// <summary>
/// AES-256-GCM with a fresh random nonce, laid out as nonce (12) ‖ tag (16) ‖ ciphertext: how the server seals every
/// secret it keeps (<see cref="SecretProtector"/>, <see cref="KeyWrapping"/>, the key vault's items).
/// </summary>
public static class AesGcmSealing
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>What sealing adds to the plaintext's length.</summary>
    public const int Overhead = NonceSize + TagSize;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[Overhead + plaintext.Length];
        SealInto(key, plaintext, associatedData, output);
        return output;
    }

    /// <summary>Seals into <paramref name="output"/>, which is exactly <see cref="Overhead"/> bytes longer than the plaintext.</summary>
    public static void SealInto(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> output)
    {
        if (output.Length != Overhead + plaintext.Length)
        {
            throw new ArgumentException($"The output is {Overhead} bytes longer than the plaintext.", nameof(output));
        }
        RandomNumberGenerator.Fill(output[..NonceSize]);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(output[..NonceSize], plaintext, output[Overhead..], output.Slice(NonceSize, TagSize), associatedData);
    }

    /// <exception cref="AuthenticationTagMismatchException">The data was altered, or sealed under another key or associated data.</exception>
    /// <exception cref="CryptographicException">The data is too short to be sealed data.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < Overhead)
        {
            throw new CryptographicException("The sealed data is malformed.");
        }
        var plaintext = new byte[sealedData.Length - Overhead];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedData[..NonceSize], sealedData[Overhead..], sealedData.Slice(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }
}
