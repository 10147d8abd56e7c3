using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Core.Answers;

/// <summary>
/// The keys derived from one device secret (the 32 bytes agreed at activation): one answer key per purpose,
/// the request-payload key, and the key id that names the device in payloads. Dispose to clear them.
/// </summary>
/// <remarks>
/// Each key is HKDF-SHA256 of the secret with an empty salt and its own info (docs/protocol.md). The secret's extract step
/// is made once, and each key is expanded from it the first time it is asked for: a request needs one or two of the six
/// (checking an answer needs one answer key; sealing a question, the payload key and the key id), and every derivation
/// is a call into the platform's cryptography. Not thread-safe: one instance serves one use, and is disposed after it.
/// </remarks>
public sealed class DeviceKeys : IDisposable
{
    /// <summary>The length of a device secret in bytes.</summary>
    public const int SecretLength = 32;

    /// <summary>The length of a key id (base64url of 6 derived bytes).</summary>
    public const int KeyIdLength = 8;

    private const int HashLength = 32;
    private const int KeyLength = 32;
    private readonly byte[] _pseudorandomKey;
    private byte[]? _login;
    private byte[]? _action;
    private byte[]? _payment;
    private byte[]? _payload;
    private byte[]? _padRequest;
    private string? _keyId;
    private bool _disposed;

    /// <summary>Prepares the keys of <paramref name="deviceSecret"/>, which the caller may clear afterwards.</summary>
    public DeviceKeys(ReadOnlySpan<byte> deviceSecret)
    {
        if (deviceSecret.Length != SecretLength)
        {
            throw new ArgumentException($"A device secret is {SecretLength} bytes; {deviceSecret.Length} were given.", nameof(deviceSecret));
        }
        _pseudorandomKey = new byte[HashLength];
        HKDF.Extract(HashAlgorithmName.SHA256, deviceSecret, salt: [], _pseudorandomKey);
    }

    /// <summary>Names this device in request payloads without revealing anything about its secret.</summary>
    public string KeyId
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _keyId ??= Base64Url.EncodeToString(Expand("Cipherpad v1 key id", 6));
        }
    }

    /// <summary>The OCRA key for answers of <paramref name="purpose"/>.</summary>
    public ReadOnlySpan<byte> AnswerKey(Purpose purpose)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return purpose switch
        {
            Purpose.Login => _login ??= Expand("Cipherpad v1 answer login", KeyLength),
            Purpose.Action => _action ??= Expand("Cipherpad v1 answer action", KeyLength),
            Purpose.Payment => _payment ??= Expand("Cipherpad v1 answer payment", KeyLength),
            _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
        };
    }

    /// <summary>The HMAC key that authenticates request payloads (QR codes and push).</summary>
    public ReadOnlySpan<byte> PayloadKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _payload ??= Expand("Cipherpad v1 payload", KeyLength);
        }
    }

    /// <summary>The HMAC key that authenticates the pad's own requests to the server (<see cref="Payloads.PadRequest"/>).</summary>
    public ReadOnlySpan<byte> PadRequestKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _padRequest ??= Expand("Cipherpad v1 pad request", KeyLength);
        }
    }

    /// <summary>Clears every key.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_pseudorandomKey);
        foreach (var key in (ReadOnlySpan<byte[]?>)[_login, _action, _payment, _payload, _padRequest])
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private byte[] Expand(string info, int length)
    {
        var output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, _pseudorandomKey, output, Encoding.ASCII.GetBytes(info));
        return output;
    }
}
