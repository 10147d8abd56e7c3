using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Server.Security;

/// <summary>A data key wrapped by a master key: which key (<see cref="MasterKey.Id"/>) and the wrapped bytes.</summary>
public sealed record WrappedKey(string KeyId, byte[] Data);

/// <summary>
/// The one seam through which data keys are wrapped by the master key (envelope encryption): AES-256-GCM under a key
/// derived from the master key for this use alone, the key's id and the caller's purpose bound as associated data.
/// New keys are wrapped by the current master key; a key wrapped by an earlier one
/// (<c>Cipherpad:MasterKey:Previous</c>) still unwraps, so the master key can be rotated and the data keys re-wrapped
/// (<see cref="Rewrap"/>) while the server runs. <see cref="WrappedKey.Data"/> is laid out as <see cref="AesGcmSealing"/> seals.
/// </summary>
public sealed class KeyWrapping(MasterKey masterKey)
{
    private readonly Dictionary<string, byte[]> _keys = masterKey.Previous.Prepend(masterKey.Key)
        .GroupBy(MasterKey.IdOf).ToDictionary(group => group.Key, group => Derive(group.First()), StringComparer.Ordinal);

    /// <summary>The id of the master key that wraps new data keys.</summary>
    public string CurrentKeyId { get; } = masterKey.Id;

    public WrappedKey Wrap(ReadOnlySpan<byte> dataKey, string purpose) =>
        new(CurrentKeyId, AesGcmSealing.Seal(_keys[CurrentKeyId], dataKey, AssociatedData(CurrentKeyId, purpose)));

    /// <exception cref="CryptographicException">
    /// The wrapped key was altered, was wrapped for another purpose, or its master key is not configured.
    /// </exception>
    public byte[] Unwrap(WrappedKey wrapped, string purpose)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (!_keys.TryGetValue(wrapped.KeyId, out var key))
        {
            throw new CryptographicException($"The master key {wrapped.KeyId} that wrapped this data key is not configured: add it to Cipherpad:MasterKey:Previous.");
        }
        if (wrapped.Data.Length <= AesGcmSealing.Overhead)
        {
            throw new CryptographicException("The wrapped data key is malformed.");
        }
        return AesGcmSealing.Open(key, wrapped.Data, AssociatedData(wrapped.KeyId, purpose));
    }

    /// <summary>The same data key wrapped by the current master key; the key itself never leaves this method.</summary>
    public WrappedKey Rewrap(WrappedKey wrapped, string purpose)
    {
        var dataKey = Unwrap(wrapped, purpose);
        try
        {
            return Wrap(dataKey, purpose);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static byte[] Derive(byte[] masterKey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, salt: [], info: Encoding.UTF8.GetBytes("Cipherpad data key wrapping"));

    private static byte[] AssociatedData(string keyId, string purpose) => Encoding.UTF8.GetBytes($"{keyId}\n{purpose}");
}
