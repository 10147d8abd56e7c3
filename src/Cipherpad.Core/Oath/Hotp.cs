using System.Buffers.Binary;

namespace Cipherpad.Core.Oath;

/// <summary>RFC 4226 HOTP and RFC 6238 TOTP, the one-time passwords OCRA is built on.</summary>
public static class Hotp
{
    /// <summary>The HOTP value for <paramref name="counter"/>, <paramref name="digits"/> (6 to 10) long.</summary>
    public static string Compute(ReadOnlySpan<byte> key, ulong counter, int digits = 6, OcraHashAlgorithm hash = OcraHashAlgorithm.Sha1)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("The key is empty.", nameof(key));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 10);
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[OcraHashAlgorithms.MaxHashSize];
        var macLength = hash.Hmac(key, message, mac);
        var value = Ocra.DynamicTruncate(mac[..macLength]) % Ocra.Pow10(digits);
        return value.ToString(new string('0', digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The TOTP value at <paramref name="time"/> with a <paramref name="step"/>-long period (RFC 6238).</summary>
    public static string ComputeTotp(ReadOnlySpan<byte> key, DateTimeOffset time, TimeSpan step, int digits = 6, OcraHashAlgorithm hash = OcraHashAlgorithm.Sha1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var seconds = (time - DateTimeOffset.UnixEpoch).TotalSeconds;
        if (seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), "TOTP is defined only from the Unix epoch on.");
        }
        return Compute(key, (ulong)Math.Floor(seconds / step.TotalSeconds), digits, hash);
    }
}
