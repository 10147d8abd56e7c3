using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Server.Security;

/// <summary>
/// Encrypts secrets at rest (device secrets, activation codes, ephemeral keys) with AES-256-GCM under the
/// master key, which never enters the database. The purpose string is bound as associated data, so a
/// ciphertext stored for one purpose or row cannot be replayed into another.
/// Layout: version (1) ‖ nonce (12) ‖ tag (16) ‖ ciphertext.
/// </summary>
public sealed class SecretProtector(MasterKey masterKey)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(masterKey.Key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    /// <summary>
    /// The secret, read with the master key or, during a rotation, with one of the earlier keys
    /// (<c>Cipherpad:MasterKey:Previous</c>): each key is tried in turn, and only the right one passes GCM's check.
    /// </summary>
    /// <exception cref="CryptographicException">The data was altered, or was protected for another purpose or key.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, string purpose)
    {
        if (protectedData.Length < 1 + NonceSize + TagSize || protectedData[0] != Version)
        {
            throw new CryptographicException("The protected secret is malformed.");
        }
        var plaintext = new byte[protectedData.Length - 1 - NonceSize - TagSize];
        var associated = Encoding.UTF8.GetBytes(purpose);
        IReadOnlyList<byte[]> keys = [masterKey.Key, .. masterKey.Previous];
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                using var aes = new AesGcm(keys[i], TagSize);
                aes.Decrypt(protectedData.Slice(1, NonceSize), protectedData[(1 + NonceSize + TagSize)..], protectedData.Slice(1 + NonceSize, TagSize),
                    plaintext, associated);
                return plaintext;
            }
            catch (AuthenticationTagMismatchException) when (i < keys.Count - 1)
            {
            }
        }
        throw new CryptographicException("The protected secret could not be read.");
    }
}
