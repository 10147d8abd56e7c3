using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// An OATH HOTP token (RFC 4226: HMAC-SHA1, 6 digits) as yubiserver keeps it: a 12-character public id sent before the
/// code, a 20-byte secret, and a counter that only moves forward. One token per lane, so its codes reach the server in order.
/// </summary>
internal sealed class HotpToken
{
    private const int Digits = 6;
    private const int LeastCodeYubiserverReads = 100_000;
    private readonly byte[] _secret;
    // yubiserver-admin stores a new token with counter 1, and yubiserver accepts the next 255 counters after the stored one.
    private long _counter = 1;

    public HotpToken(string publicId)
    {
        PublicId = publicId;
        _secret = RandomNumberGenerator.GetBytes(20);
        // yubiserver takes the secret's length with strlen, so a zero byte would cut it short there and no code would match.
        for (var i = 0; i < _secret.Length; i++)
        {
            _secret[i] = _secret[i] == 0 ? (byte)0x5a : _secret[i];
        }
    }

    public string PublicId { get; }
    public string SecretHex => Convert.ToHexStringLower(_secret);

    /// <summary>The next one-time password as yubiserver reads it: the public id, then the code.</summary>
    public string NextPassword()
    {
        while (true)
        {
            var value = Truncated(++_counter);
            // yubiserver writes the 31-bit value in decimal and keeps its last six characters; a value under 100,000 has fewer
            // and it would read before its buffer (one counter in about 21,000). Skipping that counter stays in its window.
            if (value >= LeastCodeYubiserverReads)
            {
                return PublicId + (value % 1_000_000).ToString($"D{Digits}", CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>RFC 4226 §5.3: HMAC-SHA1 of the big-endian counter, dynamic truncation to 31 bits.</summary>
    private int Truncated(long counter)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
#pragma warning disable CA5350 // HOTP is defined over HMAC-SHA1, which is what yubiserver checks.
        HMACSHA1.HashData(_secret, message, mac);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0f;
        return BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7fffffff;
    }
}
