using System.Security.Cryptography;

namespace Cipherpad.Core.Activation;

/// <summary>
/// One-time activation codes: 12 random decimal digits, sent by SMS and typed into the cipher pad,
/// shown as <c>1234-5678-9012</c>; spaces and dashes are ignored when read back.
/// </summary>
public static class ActivationCode
{
    /// <summary>Digits in a code.</summary>
    public const int Length = 12;

    /// <summary>A new code from the operating system's CSPRNG.</summary>
    public static string Generate() => RandomNumberGenerator.GetString("0123456789", Length);

    /// <summary>The code in groups of four joined by dashes.</summary>
    public static string Format(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return string.Join('-', code.Chunk(4).Select(chunk => new string(chunk)));
    }

    /// <summary>The 12 digits of a typed code, or null when it is not one.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null)
        {
            return null;
        }
        Span<char> digits = stackalloc char[Length];
        var count = 0;
        foreach (var c in typed)
        {
            if (c is ' ' or '-' or '\t')
            {
                continue;
            }
            if (!char.IsAsciiDigit(c) || count == Length)
            {
                return null;
            }
            digits[count++] = c;
        }
        return count == Length ? new string(digits) : null;
    }
}
