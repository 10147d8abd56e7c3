using System.Security.Cryptography;

namespace Cipherpad.Core.Answers;

/// <summary>
/// Questions: uniformly random decimal digits of a configured length. A compound question is two or three such
/// questions of one length joined by <see cref="Separator"/> (<c>12345678-87654321</c>); its answer is the answers to
/// each part joined, so each part multiplies the work of guessing it by 10⁸.
/// </summary>
public static class Question
{
    /// <summary>Joins the parts of a compound question.</summary>
    public const char Separator = '-';

    /// <summary>The most parts a question has.</summary>
    public const int MaxParts = 3;

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

    /// <summary>A question of <paramref name="parts"/> parts of <paramref name="length"/> digits each, joined by <see cref="Separator"/>.</summary>
    public static string Generate(int length, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, MaxParts);
        return string.Join(Separator, Enumerable.Range(0, parts).Select(_ => Generate(length)));
    }

    /// <summary>
    /// How many parts <paramref name="question"/> has: 1 to <see cref="MaxParts"/> questions of one length, 6 to 64 digits
    /// each, joined by <see cref="Separator"/>; 0 when it is not a question.
    /// </summary>
    public static int PartCount(ReadOnlySpan<char> question)
    {
        var length = question.IndexOf(Separator) is var first and >= 0 ? first : question.Length;
        if (length is < MinLength or > MaxLength)
        {
            return 0;
        }
        var parts = 0;
        for (var rest = question; ; rest = rest[(length + 1)..])
        {
            if (++parts > MaxParts || rest.Length < length || !IsWellFormed(rest[..length], length))
            {
                return 0;
            }
            if (rest.Length == length)
            {
                return parts;
            }
            if (rest[length] != Separator)
            {
                return 0;
            }
        }
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
