using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Server.Security;

/// <summary>Hashes for secrets the server only needs to recognise.</summary>
public static class Hashing
{
    /// <summary>SHA-256 of a high-entropy token (client secrets, e-mail links): no slow KDF needed, nothing to guess.</summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="expectedHash"/>, compared in constant time.</summary>
    public static bool TokenMatches(string token, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(TokenHash(token)), Encoding.ASCII.GetBytes(expectedHash));

    /// <summary>A URL-safe random token of 32 bytes.</summary>
    public static string NewToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// PBKDF2-SHA256 of a security answer, normalised (trimmed, case-folded, inner spaces collapsed) so a person
    /// can type it again. Format: <c>pbkdf2-sha256$iterations$salt$hash</c>.
    /// </summary>
    public static string HashSecurityAnswer(string answer, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(NormalizeAnswer(answer)), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool SecurityAnswerMatches(string answer, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(NormalizeAnswer(answer)), Convert.FromBase64String(parts[2]), iterations,
            HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static string NormalizeAnswer(string answer) =>
        string.Join(' ', answer.Trim().ToUpperInvariant().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
