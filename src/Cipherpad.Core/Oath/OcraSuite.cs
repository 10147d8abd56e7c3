using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Cipherpad.Core.Oath;

/// <summary>How the question (Q data input) of a suite is written.</summary>
public enum OcraQuestionFormat
{
    /// <summary><c>QA</c>: letters and digits, fed as their ASCII bytes.</summary>
    Alphanumeric,
    /// <summary><c>QN</c>: decimal digits, fed as the number's hexadecimal digits.</summary>
    Numeric,
    /// <summary><c>QH</c>: hexadecimal digits, fed as they are.</summary>
    Hex,
}

/// <summary>
/// A parsed RFC 6287 OCRA suite such as <c>OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1-S064-T1M</c>.
/// Immutable; parse once and reuse.
/// </summary>
public sealed class OcraSuite : IEquatable<OcraSuite>
{
    /// <summary>Session data lengths RFC 6287 defines (S064, S128, S256, S512), in bytes.</summary>
    public static readonly IReadOnlyList<int> SessionLengths = [64, 128, 256, 512];

    /// <summary>Bytes the Q input always occupies in the OCRA message.</summary>
    public const int QuestionFieldSize = 128;

    private readonly byte[] _suiteBytes;

    private OcraSuite(string text, OcraHashAlgorithm hash, int digits, bool usesCounter, OcraQuestionFormat questionFormat,
        int questionMaxLength, OcraHashAlgorithm? passwordHash, int sessionLength, TimeSpan? timeStep)
    {
        Text = text;
        Hash = hash;
        Digits = digits;
        UsesCounter = usesCounter;
        QuestionFormat = questionFormat;
        QuestionMaxLength = questionMaxLength;
        PasswordHash = passwordHash;
        SessionLength = sessionLength;
        TimeStep = timeStep;
        _suiteBytes = Encoding.ASCII.GetBytes(text);
        MessageLength = _suiteBytes.Length + 1 + (usesCounter ? 8 : 0) + QuestionFieldSize
            + (passwordHash?.HashSize() ?? 0) + sessionLength + (timeStep is null ? 0 : 8);
    }

    /// <summary>The suite exactly as written; it is part of every OCRA message.</summary>
    public string Text { get; }

    /// <summary>The HMAC's hash function.</summary>
    public OcraHashAlgorithm Hash { get; }

    /// <summary>Digits in a response, 4 to 10; 0 means no truncation (the whole HMAC, as lowercase hex).</summary>
    public int Digits { get; }

    /// <summary>Whether the suite has the C (counter) input.</summary>
    public bool UsesCounter { get; }

    /// <summary>The question's format.</summary>
    public OcraQuestionFormat QuestionFormat { get; }

    /// <summary>The longest question the suite allows (the xx of QFxx), 4 to 64.</summary>
    public int QuestionMaxLength { get; }

    /// <summary>
    /// The longest question the engine accepts: twice <see cref="QuestionMaxLength"/>, because RFC 6287's mutual
    /// challenge-response feeds the client's and the server's challenges concatenated (QA08 with 16 characters).
    /// </summary>
    public int QuestionInputMaxLength => 2 * QuestionMaxLength;

    /// <summary>The hash of the P (password) input, or null when the suite has no P.</summary>
    public OcraHashAlgorithm? PasswordHash { get; }

    /// <summary>The S (session data) length in bytes, or 0 when the suite has no S.</summary>
    public int SessionLength { get; }

    /// <summary>The T (time) step, or null when the suite has no T.</summary>
    public TimeSpan? TimeStep { get; }

    /// <summary>The length of the OCRA message this suite builds, in bytes.</summary>
    public int MessageLength { get; }

    /// <summary>The length of a response: <see cref="Digits"/>, or twice the HMAC size when it is 0.</summary>
    public int ResponseLength => Digits == 0 ? 2 * Hash.HashSize() : Digits;

    internal ReadOnlySpan<byte> SuiteBytes => _suiteBytes;

    /// <summary>
    /// The T input for <paramref name="time"/>: whole time steps since the Unix epoch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The suite has no T input.</exception>
    public long TimeStepAt(DateTimeOffset time)
    {
        var step = (long)(TimeStep ?? throw new InvalidOperationException($"The suite {Text} has no T (time) input.")).TotalSeconds;
        var seconds = time.ToUnixTimeSeconds();
        return seconds >= 0 ? seconds / step : ((seconds + 1) / step) - 1;
    }

    /// <summary>Parses <paramref name="text"/>, throwing <see cref="OcraException"/> naming what is wrong.</summary>
    public static OcraSuite Parse(string text) =>
        TryParse(text, out var suite, out var error) ? suite : throw new OcraException(error);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says exactly what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out OcraSuite? suite, [NotNullWhen(false)] out OcraError? error)
    {
        suite = null;
        error = Parse(text, ref suite);
        return error is null;
    }

    private static OcraError? Parse(string? text, ref OcraSuite? suite)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new(OcraErrorCode.SuiteSyntax, "The OCRA suite is empty; expected the form OCRA-1:HOTP-SHA1-6:QN08.");
        }
        var parts = text.Split(':');
        if (parts.Length != 3)
        {
            return new(OcraErrorCode.SuiteSyntax,
                $"The OCRA suite '{text}' has {parts.Length} part(s); expected three separated by ':' (Algorithm:CryptoFunction:DataInput).");
        }
        if (parts[0] != "OCRA-1")
        {
            return new(OcraErrorCode.UnsupportedVersion, $"The algorithm '{parts[0]}' is not supported; only OCRA-1 is defined.");
        }

        var function = parts[1].Split('-');
        if (function.Length != 3 || function[0] != "HOTP")
        {
            return new(OcraErrorCode.SuiteSyntax, $"The crypto function '{parts[1]}' is not of the form HOTP-SHAx-t (for example HOTP-SHA1-6).");
        }
        if (!OcraHashAlgorithms.TryParseSuiteName(function[1], out var hash))
        {
            return new(OcraErrorCode.UnsupportedHash, $"The hash '{function[1]}' is not supported; use SHA1, SHA256 or SHA512.");
        }
        if (!TryParseSmallNumber(function[2], 2, out var digits) || (digits != 0 && (digits < 4 || digits > 10)))
        {
            return new(OcraErrorCode.DigitsOutOfRange, $"The digit count '{function[2]}' is not allowed; use 0 (no truncation) or 4 to 10.");
        }

        var usesCounter = false;
        OcraQuestionFormat? questionFormat = null;
        var questionMaxLength = 0;
        OcraHashAlgorithm? passwordHash = null;
        var sessionLength = 0;
        TimeSpan? timeStep = null;
        // Inputs must come in message order C, Q, P, S, T, each at most once.
        var lastRank = -1;
        foreach (var input in parts[2].Split('-'))
        {
            var rank = input.Length == 0 ? -1 : "CQPST".IndexOf(input[0], StringComparison.Ordinal);
            if (rank < 0 || rank <= lastRank)
            {
                return new(OcraErrorCode.UnknownDataInput,
                    $"The data input '{input}' in '{parts[2]}' is unknown, repeated or out of order; inputs are C, QFxx, PH, Snnn, TG in that order.");
            }
            lastRank = rank;
            switch (input[0])
            {
                case 'C' when input.Length == 1:
                    usesCounter = true;
                    break;
                case 'C':
                    return new(OcraErrorCode.UnknownDataInput, $"The data input '{input}' is not allowed; the counter input is a lone C.");
                case 'Q':
                    if (input.Length != 4 || !TryParseQuestionFormat(input[1], out var format)
                        || !TryParseSmallNumber(input.AsSpan(2), 2, out questionMaxLength) || questionMaxLength < 4 || questionMaxLength > 64)
                    {
                        return new(OcraErrorCode.QuestionFormat,
                            $"The question input '{input}' is not allowed; use QA, QN or QH followed by a length from 04 to 64 (for example QN08).");
                    }
                    questionFormat = format;
                    break;
                case 'P':
                    if (!OcraHashAlgorithms.TryParseSuiteName(input.AsSpan(1), out var pinHash))
                    {
                        return new(OcraErrorCode.UnsupportedPasswordHash, $"The password input '{input}' is not allowed; use PSHA1, PSHA256 or PSHA512.");
                    }
                    passwordHash = pinHash;
                    break;
                case 'S':
                    if (input.Length != 4 || !TryParseSmallNumber(input.AsSpan(1), 3, out sessionLength) || !SessionLengths.Contains(sessionLength))
                    {
                        return new(OcraErrorCode.SessionLengthUnsupported,
                            $"The session input '{input}' is not allowed; use S064, S128, S256 or S512.");
                    }
                    break;
                default: // 'T'
                    timeStep = ParseTimeStep(input.AsSpan(1));
                    if (timeStep is null)
                    {
                        return new(OcraErrorCode.TimeStepOutOfRange,
                            $"The time input '{input}' is not allowed; use T followed by 1–59 S, 1–59 M or 1–48 H (for example T1M).");
                    }
                    break;
            }
        }
        if (questionFormat is null)
        {
            return new(OcraErrorCode.MissingQuestionInput, $"The data input '{parts[2]}' has no question (QA, QN or QH); RFC 6287 requires one.");
        }

        suite = new OcraSuite(text, hash, digits, usesCounter, questionFormat.Value, questionMaxLength, passwordHash, sessionLength, timeStep);
        return null;
    }

    private static bool TryParseQuestionFormat(char letter, out OcraQuestionFormat format)
    {
        switch (letter)
        {
            case 'A': format = OcraQuestionFormat.Alphanumeric; return true;
            case 'N': format = OcraQuestionFormat.Numeric; return true;
            case 'H': format = OcraQuestionFormat.Hex; return true;
            default: format = default; return false;
        }
    }

    private static TimeSpan? ParseTimeStep(ReadOnlySpan<char> step)
    {
        if (step.Length < 2 || step.Length > 3 || !TryParseSmallNumber(step[..^1], 2, out var count) || count < 1)
        {
            return null;
        }
        return step[^1] switch
        {
            'S' when count <= 59 => TimeSpan.FromSeconds(count),
            'M' when count <= 59 => TimeSpan.FromMinutes(count),
            'H' when count <= 48 => TimeSpan.FromHours(count),
            _ => null,
        };
    }

    private static bool TryParseSmallNumber(ReadOnlySpan<char> digits, int maxLength, out int value)
    {
        value = 0;
        if (digits.Length == 0 || digits.Length > maxLength)
        {
            return false;
        }
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <inheritdoc />
    public bool Equals(OcraSuite? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as OcraSuite);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    /// <inheritdoc />
    public override string ToString() => Text;
}
