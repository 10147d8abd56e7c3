using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Core.Answers;

/// <summary>
/// The keys derived from one device secret (the 32 bytes agreed at activation): one answer key per purpose,
/// the request-payload key, and the key id that names the device in payloads. Dispose to clear them.
/// </summary>
public sealed class DeviceKeys : IDisposable
{
    /// <summary>The length of a device secret in bytes.</summary>
    public const int SecretLength = 32;

    /// <summary>The length of a key id (base64url of 6 derived bytes).</summary>
    public const int KeyIdLength = 8;

    private readonly byte[] _login;
    private readonly byte[] _action;
    private readonly byte[] _payment;
    private readonly byte[] _payload;
    private readonly byte[] _padRequest;
    private bool _disposed;

    /// <summary>Derives the keys from <paramref name="deviceSecret"/>, which the caller may clear afterwards.</summary>
    public DeviceKeys(ReadOnlySpan<byte> deviceSecret)
    {
        if (deviceSecret.Length != SecretLength)
        {
            throw new ArgumentException($"A device secret is {SecretLength} bytes; {deviceSecret.Length} were given.", nameof(deviceSecret));
        }
        _login = Derive(deviceSecret, "Cipherpad v1 answer login", 32);
        _action = Derive(deviceSecret, "Cipherpad v1 answer action", 32);
        _payment = Derive(deviceSecret, "Cipherpad v1 answer payment", 32);
        _payload = Derive(deviceSecret, "Cipherpad v1 payload", 32);
        _padRequest = Derive(deviceSecret, "Cipherpad v1 pad request", 32);
        var keyId = Derive(deviceSecret, "Cipherpad v1 key id", 6);
        KeyId = Base64Url.EncodeToString(keyId);
    }

    /// <summary>Names this device in request payloads without revealing anything about its secret.</summary>
    public string KeyId { get; }

    /// <summary>The OCRA key for answers of <paramref name="purpose"/>.</summary>
    public ReadOnlySpan<byte> AnswerKey(Purpose purpose)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return purpose switch
        {
            Purpose.Login => _login,
            Purpose.Action => _action,
            Purpose.Payment => _payment,
            _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
        };
    }

    /// <summary>The HMAC key that authenticates request payloads (QR codes and push).</summary>
    public ReadOnlySpan<byte> PayloadKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _payload;
        }
    }

    /// <summary>The HMAC key that authenticates the pad's own requests to the server (<see cref="Payloads.PadRequest"/>).</summary>
    public ReadOnlySpan<byte> PadRequestKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _padRequest;
        }
    }

    /// <summary>Clears every key.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_login);
        CryptographicOperations.ZeroMemory(_action);
        CryptographicOperations.ZeroMemory(_payment);
        CryptographicOperations.ZeroMemory(_payload);
        CryptographicOperations.ZeroMemory(_padRequest);
        _disposed = true;
    }

    private static byte[] Derive(ReadOnlySpan<byte> secret, string info, int length)
    {
        var output = new byte[length];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, output, salt: [], info: Encoding.ASCII.GetBytes(info));
        return output;
    }
}
