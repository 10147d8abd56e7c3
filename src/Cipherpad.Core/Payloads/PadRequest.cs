using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;

namespace Cipherpad.Core.Payloads;

/// <summary>
/// How a cipher pad signs its own requests to the server (turning approval on, asking for pending requests, approving,
/// denying): <c>Authorization: CipherpadPad device=ID, time=UNIX, mac=MAC</c>, where MAC is
/// <c>base64url(HMAC-SHA256(pad request key, text))</c> and the text is
/// <c>"CP1-PAD\n" METHOD "\n" PATH "\n" UNIX "\n" base64url(SHA-256(body))</c> (docs/protocol.md §8).
/// </summary>
public static class PadRequest
{
    /// <summary>The Authorization scheme.</summary>
    public const string Scheme = "CipherpadPad";

    /// <summary>The text a pad signs for one request: the method in capitals, the path without query, its clock, the body's hash.</summary>
    public static string Text(string method, string path, long unixTime, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        return string.Create(CultureInfo.InvariantCulture,
            $"CP1-PAD\n{method.ToUpperInvariant()}\n{path}\n{unixTime}\n{Base64Url.EncodeToString(SHA256.HashData(body))}");
    }

    /// <summary>The mac of one request by the pad with <paramref name="keys"/>.</summary>
    public static string Mac(DeviceKeys keys, string method, string path, long unixTime, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Base64Url.EncodeToString(HMACSHA256.HashData(keys.PadRequestKey, Encoding.ASCII.GetBytes(Text(method, path, unixTime, body))));
    }

    /// <summary>Whether <paramref name="mac"/> is the pad's mac of the request, compared as text in constant time.</summary>
    public static bool Verify(DeviceKeys keys, string method, string path, long unixTime, ReadOnlySpan<byte> body, string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(keys, method, path, unixTime, body)), Encoding.ASCII.GetBytes(mac));
    }
}
