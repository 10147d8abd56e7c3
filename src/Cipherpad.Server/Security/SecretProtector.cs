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

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[1 + AesGcmSealing.Overhead + plaintext.Length];
        output[0] = Version;
        AesGcmSealing.SealInto(masterKey.Key, plaintext, Encoding.UTF8.GetBytes(purpose), output.AsSpan(1));
        return output;
    }

    /// <summary>
    /// The secret, read with the master key or, during a rotation, with one of the earlier keys
    /// (<c>Cipherpad:MasterKey:Previous</c>): each key is tried in turn, and only the right one passes GCM's check.
    /// </summary>
    /// <exception cref="CryptographicException">The data was altered, or was protected for another purpose or key.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, string purpose)
    {
        if (protectedData.Length < 1 + AesGcmSealing.Overhead || protectedData[0] != Version)
        {
            throw new CryptographicException("The protected secret is malformed.");
        }
        var associated = Encoding.UTF8.GetBytes(purpose);
        IReadOnlyList<byte[]> keys = [masterKey.Key, .. masterKey.Previous];
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                return AesGcmSealing.Open(keys[i], protectedData[1..], associated);
            }
            catch (AuthenticationTagMismatchException) when (i < keys.Count - 1)
            {
            }
        }
        throw new CryptographicException("The protected secret could not be read.");
    }

    /// <summary>
    /// The secret sealed again under the current master key, or null when the current key already opens it: the second half
    /// of a rotation (<see cref="SecretsAtRest"/>). The plaintext never leaves this method.
    /// </summary>
    /// <exception cref="CryptographicException">No configured key opens it, or it was altered.</exception>
    public byte[]? Reprotect(ReadOnlySpan<byte> protectedData, string purpose)
    {
        if (protectedData.Length >= 1 + AesGcmSealing.Overhead && protectedData[0] == Version)
        {
            try
            {
                CryptographicOperations.ZeroMemory(AesGcmSealing.Open(masterKey.Key, protectedData[1..], Encoding.UTF8.GetBytes(purpose)));
                return null;
            }
            catch (AuthenticationTagMismatchException)
            {
            }
        }
        var plaintext = Unprotect(protectedData, purpose);
        try
        {
            return Protect(plaintext, purpose);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
