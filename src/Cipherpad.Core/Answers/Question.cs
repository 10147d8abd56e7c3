using System.Security.Cryptography;

namespace Cipherpad.Core.Answers;

/// <summary>Questions: uniformly random decimal digits of a configured length.</summary>
public static class Question
{
    /// <summary>The shortest question Cipherpad allows.</summary>
    public const int MinLength = 6;

    /// <summary>The longest question Cipherpad allows (the OCRA QN limit).</summary>
    public const int MaxLength = 64;

    /// <summary>The default length: 8 digits, 10^8 questions.</summary>
    public const int DefaultLength = 8;

    /// <summary>
    /// A new question of <paramref name="length"/> digits, each uniform over 0–9, from <paramref name="random"/>
    /// (the operating system's CSPRNG when null).
    /// </summary>
    public static string Generate(int length = DefaultLength, RandomNumberGenerator? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, MinLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        if (random is null)
        {
            return RandomNumberGenerator.GetString("0123456789", length);
        }
        // Rejection sampling: bytes of 250 and above would favour 0–5.
        Span<char> digits = stackalloc char[length];
        Span<byte> one = stackalloc byte[1];
        for (var i = 0; i < length;)
        {
            random.GetBytes(one);
            if (one[0] < 250)
            {
                digits[i++] = (char)('0' + (one[0] % 10));
            }
        }
        return new string(digits);
    }

    /// <summary>Whether <paramref name="question"/> is exactly <paramref name="length"/> decimal digits.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> question, int length)
    {
        if (question.Length != length)
        {
            return false;
        }
        foreach (var c in question)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
