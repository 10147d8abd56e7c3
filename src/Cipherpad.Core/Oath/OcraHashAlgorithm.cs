using System.Security.Cryptography;

namespace Cipherpad.Core.Oath;

/// <summary>The hash functions RFC 6287 allows, for the HMAC and for the P (password hash) input.</summary>
public enum OcraHashAlgorithm
{
    /// <summary>SHA-1 (20 bytes).</summary>
    Sha1,
    /// <summary>SHA-256 (32 bytes).</summary>
    Sha256,
    /// <summary>SHA-512 (64 bytes).</summary>
    Sha512,
}

/// <summary>Sizes, names and one-shot primitives of <see cref="OcraHashAlgorithm"/>.</summary>
public static class OcraHashAlgorithms
{
    /// <summary>The largest digest of any allowed hash, in bytes.</summary>
    public const int MaxHashSize = 64;

    /// <summary>The digest size in bytes.</summary>
    public static int HashSize(this OcraHashAlgorithm algorithm) => algorithm switch
    {
        OcraHashAlgorithm.Sha1 => 20,
        OcraHashAlgorithm.Sha256 => 32,
        OcraHashAlgorithm.Sha512 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The name as written in a suite: SHA1, SHA256 or SHA512.</summary>
    public static string SuiteName(this OcraHashAlgorithm algorithm) => algorithm switch
    {
        OcraHashAlgorithm.Sha1 => "SHA1",
        OcraHashAlgorithm.Sha256 => "SHA256",
        OcraHashAlgorithm.Sha512 => "SHA512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    internal static bool TryParseSuiteName(ReadOnlySpan<char> name, out OcraHashAlgorithm algorithm)
    {
        switch (name)
        {
            case "SHA1": algorithm = OcraHashAlgorithm.Sha1; return true;
            case "SHA256": algorithm = OcraHashAlgorithm.Sha256; return true;
            case "SHA512": algorithm = OcraHashAlgorithm.Sha512; return true;
            default: algorithm = default; return false;
        }
    }

    /// <summary>HMAC of <paramref name="message"/> under <paramref name="key"/>; returns the bytes written.</summary>
    public static int Hmac(this OcraHashAlgorithm algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> destination) =>
        algorithm switch
        {
#pragma warning disable CA5350 // RFC 4226 and RFC 6287 define HMAC-SHA1 suites; Cipherpad's own suites use SHA-256.
            OcraHashAlgorithm.Sha1 => HMACSHA1.HashData(key, message, destination),
#pragma warning restore CA5350
            OcraHashAlgorithm.Sha256 => HMACSHA256.HashData(key, message, destination),
            OcraHashAlgorithm.Sha512 => HMACSHA512.HashData(key, message, destination),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };

    /// <summary>Plain hash of <paramref name="data"/>; returns the bytes written.</summary>
    public static int Hash(this OcraHashAlgorithm algorithm, ReadOnlySpan<byte> data, Span<byte> destination) =>
        algorithm switch
        {
#pragma warning disable CA5350 // RFC 6287 defines PSHA1; Cipherpad's own suites do not use it.
            OcraHashAlgorithm.Sha1 => SHA1.HashData(data, destination),
#pragma warning restore CA5350
            OcraHashAlgorithm.Sha256 => SHA256.HashData(data, destination),
            OcraHashAlgorithm.Sha512 => SHA512.HashData(data, destination),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
}
