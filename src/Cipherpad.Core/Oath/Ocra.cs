using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Core.Oath;

/// <summary>
/// RFC 6287 OCRA: computes and verifies responses. Pure, thread-safe, allocation-free on the span overloads.
/// </summary>
public static class Ocra
{
    /// <summary>The longest response any suite produces: the hex of a SHA-512 HMAC.</summary>
    public const int MaxResponseLength = 2 * OcraHashAlgorithms.MaxHashSize;

    private const int MaxMessageLength = 64 + 1 + 8 + OcraSuite.QuestionFieldSize + OcraHashAlgorithms.MaxHashSize + 512 + 8;

    // A QN question has at most 128 decimal digits: 10^128 < 2^448, seven 64-bit limbs.
    private const int MaxNumberLimbs = 7;
    private const int ChunkDigits = 19;

    private static ReadOnlySpan<ulong> PowersOf10 =>
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    /// <summary>Computes the response as a string.</summary>
    /// <exception cref="OcraException">The key or an input is malformed for <paramref name="suite"/>.</exception>
    public static string Compute(OcraSuite suite, ReadOnlySpan<byte> key, OcraInput input)
    {
        ArgumentNullException.ThrowIfNull(suite);
        Span<char> response = stackalloc char[MaxResponseLength];
        var written = Compute(suite, key, input, response);
        return new string(response[..written]);
    }

    /// <summary>Computes the response into <paramref name="destination"/>; returns the characters written.</summary>
    /// <exception cref="OcraException">The key or an input is malformed for <paramref name="suite"/>.</exception>
    public static int Compute(OcraSuite suite, ReadOnlySpan<byte> key, OcraInput input, Span<char> destination)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var error = TryCompute(suite, key, input, destination, out var written);
        return error is null ? written : throw new OcraException(error);
    }

    /// <summary>
    /// Computes the response into <paramref name="destination"/> (at least <see cref="OcraSuite.ResponseLength"/> long);
    /// returns null, or the error naming the malformed input.
    /// </summary>
    public static OcraError? TryCompute(OcraSuite suite, ReadOnlySpan<byte> key, OcraInput input, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(suite);
        written = 0;
        if (destination.Length < suite.ResponseLength)
        {
            throw new ArgumentException($"The destination needs room for {suite.ResponseLength} characters.", nameof(destination));
        }
        Span<byte> message = stackalloc byte[MaxMessageLength];
        message = message[..suite.MessageLength];
        var error = BuildMessage(suite, key, input, message);
        if (error is not null)
        {
            return error;
        }
        Span<byte> mac = stackalloc byte[OcraHashAlgorithms.MaxHashSize];
        var macLength = suite.Hash.Hmac(key, message, mac);
        written = FormatResponse(suite.Digits, mac[..macLength], destination);
        CryptographicOperations.ZeroMemory(mac);
        return null;
    }

    /// <summary>
    /// Whether <paramref name="response"/> is the response for these inputs, compared in constant time.
    /// A response of the wrong length or with other characters is simply not the response.
    /// </summary>
    /// <exception cref="OcraException">The key or an input is malformed for <paramref name="suite"/>.</exception>
    public static bool Verify(OcraSuite suite, ReadOnlySpan<byte> key, OcraInput input, ReadOnlySpan<char> response)
    {
        ArgumentNullException.ThrowIfNull(suite);
        Span<byte> message = stackalloc byte[MaxMessageLength];
        message = message[..suite.MessageLength];
        ThrowIfError(BuildMessage(suite, key, input, message));
        var step = input.TimeStep ?? 0; // ignored when the suite has no T
        return MatchesAnyStep(suite, key, message, step, step, response);
    }

    /// <summary>
    /// Whether <paramref name="response"/> is the response at any time step from <paramref name="pastSteps"/> before
    /// to <paramref name="futureSteps"/> after <paramref name="input"/>'s <see cref="OcraInput.TimeStep"/>: the window a
    /// verifier allows for clock drift and typing time. Every step of the window is computed and compared in constant
    /// time, so the time taken does not tell which step matched, or whether one did. Steps before 0 do not exist and are
    /// not tried. The message is built once, so this is cheaper than one <see cref="Verify(OcraSuite, ReadOnlySpan{byte}, OcraInput, ReadOnlySpan{char})"/>
    /// per step. A response of the wrong length or with other characters is simply not the response.
    /// </summary>
    /// <exception cref="ArgumentException">The suite has no T (time) input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A step count is negative.</exception>
    /// <exception cref="OcraException">The key or an input is malformed for <paramref name="suite"/>.</exception>
    public static bool VerifyTimeWindow(OcraSuite suite, ReadOnlySpan<byte> key, OcraInput input, int pastSteps, int futureSteps,
        ReadOnlySpan<char> response)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentOutOfRangeException.ThrowIfNegative(pastSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(futureSteps);
        if (suite.TimeStep is null)
        {
            throw new ArgumentException($"The suite {suite.Text} has no T (time) input, so it has no time window.", nameof(suite));
        }
        Span<byte> message = stackalloc byte[MaxMessageLength];
        message = message[..suite.MessageLength];
        ThrowIfError(BuildMessage(suite, key, input, message));
        var step = input.TimeStep.GetValueOrDefault(); // BuildMessage has checked it is there and not negative
        var firstStep = Math.Max(0, step - pastSteps);
        var lastStep = step > long.MaxValue - futureSteps ? long.MaxValue : step + futureSteps;
        return MatchesAnyStep(suite, key, message, firstStep, lastStep, response);
    }

    /// <summary>Constant-time equality of two responses (the length is not secret and may return early).</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<char> left, ReadOnlySpan<char> right) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(left), MemoryMarshal.AsBytes(right));

    /// <summary>
    /// The P input for a PIN or password: its hash with the suite's P hash.
    /// </summary>
    /// <exception cref="InvalidOperationException">The suite has no P input.</exception>
    public static byte[] HashPassword(OcraSuite suite, string password)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(password);
        var hash = suite.PasswordHash ?? throw new InvalidOperationException($"The suite {suite.Text} has no P (password) input.");
        var result = new byte[hash.HashSize()];
        hash.Hash(Encoding.UTF8.GetBytes(password), result);
        return result;
    }

    private static OcraError? BuildMessage(OcraSuite suite, ReadOnlySpan<byte> key, OcraInput input, Span<byte> message)
    {
        if (key.IsEmpty)
        {
            return new(OcraErrorCode.EmptyKey, "The key is empty.");
        }
        message.Clear();
        suite.SuiteBytes.CopyTo(message);
        var position = suite.SuiteBytes.Length + 1; // the 0x00 separator is already there

        if (suite.UsesCounter)
        {
            if (input.Counter is not { } counter)
            {
                return new(OcraErrorCode.MissingCounter, $"The suite {suite.Text} has C but no counter was given.");
            }
            BinaryPrimitives.WriteUInt64BigEndian(message.Slice(position, 8), counter);
            position += 8;
        }
        else if (input.Counter is not null)
        {
            return new(OcraErrorCode.UnexpectedInput, $"A counter was given but the suite {suite.Text} has no C input.");
        }

        var questionError = EncodeQuestion(suite, input.Question, message.Slice(position, OcraSuite.QuestionFieldSize));
        if (questionError is not null)
        {
            return questionError;
        }
        position += OcraSuite.QuestionFieldSize;

        if (suite.PasswordHash is { } passwordHash)
        {
            if (input.PasswordHash.Length != passwordHash.HashSize())
            {
                return new(OcraErrorCode.PasswordHashLength,
                    $"The suite {suite.Text} needs a {passwordHash.SuiteName()} password hash of {passwordHash.HashSize()} bytes; {input.PasswordHash.Length} were given.");
            }
            input.PasswordHash.CopyTo(message[position..]);
            position += passwordHash.HashSize();
        }
        else if (!input.PasswordHash.IsEmpty)
        {
            return new(OcraErrorCode.UnexpectedInput, $"A password hash was given but the suite {suite.Text} has no P input.");
        }

        if (suite.SessionLength > 0)
        {
            if (input.Session.Length > suite.SessionLength)
            {
                return new(OcraErrorCode.SessionDataTooLong,
                    $"The session data is {input.Session.Length} bytes; the suite {suite.Text} allows at most {suite.SessionLength}.");
            }
            input.Session.CopyTo(message.Slice(position + suite.SessionLength - input.Session.Length));
            position += suite.SessionLength;
        }
        else if (!input.Session.IsEmpty)
        {
            return new(OcraErrorCode.UnexpectedInput, $"Session data was given but the suite {suite.Text} has no S input.");
        }

        if (suite.TimeStep is not null)
        {
            if (input.TimeStep is not { } timeStep || timeStep < 0)
            {
                return new(OcraErrorCode.MissingTimeStep, $"The suite {suite.Text} has T but no non-negative time step was given.");
            }
            BinaryPrimitives.WriteInt64BigEndian(message.Slice(position, 8), timeStep);
        }
        else if (input.TimeStep is not null)
        {
            return new(OcraErrorCode.UnexpectedInput, $"A time step was given but the suite {suite.Text} has no T input.");
        }
        return null;
    }

    private static void ThrowIfError(OcraError? error)
    {
        if (error is not null)
        {
            throw new OcraException(error);
        }
    }

    // Computes the response at every step from firstStep to lastStep, writing each into the message's T field (when the
    // suite has T), and compares each with the response without branching on the result. The response is not secret,
    // so a malformed one may return at once.
    private static bool MatchesAnyStep(OcraSuite suite, ReadOnlySpan<byte> key, Span<byte> message, long firstStep, long lastStep,
        ReadOnlySpan<char> response)
    {
        long given = 0;
        if (suite.Digits == 0 ? response.Length != suite.ResponseLength : !TryParseDigits(response, suite.Digits, out given))
        {
            return false;
        }
        var truncation = TruncatedDigits.For(suite.Digits);
        var timeField = suite.TimeStep is null ? default : message[^8..];
        Span<byte> mac = stackalloc byte[OcraHashAlgorithms.MaxHashSize];
        var matched = false;
        for (var step = firstStep; ; step++)
        {
            if (!timeField.IsEmpty)
            {
                BinaryPrimitives.WriteInt64BigEndian(timeField, step);
            }
            var macLength = suite.Hash.Hmac(key, message, mac);
            matched |= suite.Digits == 0
                ? HexEquals(mac[..macLength], response)
                : (truncation.Of(mac[..macLength]) ^ given) == 0;
            if (step == lastStep) // not step <= lastStep: lastStep may be long.MaxValue
            {
                break;
            }
        }
        CryptographicOperations.ZeroMemory(mac);
        return matched;
    }

    // Digits 0: the whole HMAC as lowercase hex (kept apart so the common case does not carry its buffer).
    private static bool HexEquals(ReadOnlySpan<byte> mac, ReadOnlySpan<char> response)
    {
        Span<char> hex = stackalloc char[MaxResponseLength];
        var equal = FixedTimeEquals(hex[..FormatResponse(0, mac, hex)], response);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(hex));
        return equal;
    }

    // Exactly `digits` ASCII digits; their value fits a long (at most 10 digits).
    private static bool TryParseDigits(ReadOnlySpan<char> response, int digits, out long value)
    {
        value = 0;
        if (response.Length != digits)
        {
            return false;
        }
        foreach (var c in response)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }

    private static OcraError? EncodeQuestion(OcraSuite suite, ReadOnlySpan<char> question, Span<byte> field)
    {
        var format = suite.QuestionFormat;
        if (question.IsEmpty || question.Length > suite.QuestionInputMaxLength)
        {
            return new(OcraErrorCode.QuestionLength,
                $"The question has {question.Length} characters; the suite {suite.Text} allows 1 to {suite.QuestionInputMaxLength}.");
        }
        foreach (var c in question)
        {
            var allowed = format switch
            {
                OcraQuestionFormat.Numeric => char.IsAsciiDigit(c),
                OcraQuestionFormat.Hex => char.IsAsciiHexDigit(c),
                _ => char.IsAsciiLetterOrDigit(c),
            };
            if (!allowed)
            {
                var expected = format switch
                {
                    OcraQuestionFormat.Numeric => "decimal digits",
                    OcraQuestionFormat.Hex => "hexadecimal digits",
                    _ => "ASCII letters and digits",
                };
                return new(OcraErrorCode.QuestionCharacter, $"The question holds '{c}'; the suite {suite.Text} allows only {expected}.");
            }
        }

        switch (format)
        {
            case OcraQuestionFormat.Alphanumeric:
                for (var i = 0; i < question.Length; i++)
                {
                    field[i] = (byte)question[i];
                }
                break;
            case OcraQuestionFormat.Hex:
                WriteNibbles(question, field);
                break;
            default:
                WriteDecimalAsNibbles(question, field);
                break;
        }
        return null;
    }

    // Hex digits fill the field from the left; an odd count leaves the last nibble zero (RFC 6287 pads right).
    private static void WriteNibbles(ReadOnlySpan<char> hexDigits, Span<byte> field)
    {
        for (var i = 0; i < hexDigits.Length; i++)
        {
            var nibble = (byte)HexValue(hexDigits[i]);
            field[i / 2] |= (i % 2 == 0) ? (byte)(nibble << 4) : nibble;
        }
    }

    // QN: the decimal number's hexadecimal digits, without leading zeros ("0" for zero), padded right.
    // The number is built in 64-bit limbs, 19 decimal digits at a time (10^19 < 2^64), then shifted left until
    // its first nibble is significant: its big-endian bytes are then exactly the left-aligned, right-padded field.
    private static void WriteDecimalAsNibbles(ReadOnlySpan<char> decimalDigits, Span<byte> field)
    {
        Span<ulong> limbs = stackalloc ulong[MaxNumberLimbs]; // least significant first
        var used = 0;
        var chunk = decimalDigits.Length % ChunkDigits; // the first chunk takes the odd digits, the rest 19 each
        if (chunk == 0)
        {
            chunk = ChunkDigits;
        }
        for (var start = 0; start < decimalDigits.Length; start += chunk, chunk = ChunkDigits)
        {
            ulong carry = 0;
            foreach (var c in decimalDigits.Slice(start, chunk))
            {
                carry = (carry * 10) + (uint)(c - '0');
            }
            var multiplier = PowersOf10[chunk];
            for (var i = 0; i < used; i++)
            {
                var high = Math.BigMul(limbs[i], multiplier, out var low);
                low += carry;
                carry = high + (low < carry ? 1UL : 0UL);
                limbs[i] = low;
            }
            if (carry != 0)
            {
                limbs[used++] = carry;
            }
        }
        if (used == 0)
        {
            return; // zero is the single nibble 0, which the cleared field already holds
        }

        var shift = BitOperations.LeadingZeroCount(limbs[used - 1]) & ~3;
        for (var i = used - 1; i >= 0; i--)
        {
            var below = shift == 0 || i == 0 ? 0 : limbs[i - 1] >> (64 - shift);
            BinaryPrimitives.WriteUInt64BigEndian(field.Slice(8 * (used - 1 - i), 8), (limbs[i] << shift) | below);
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static int FormatResponse(int digits, ReadOnlySpan<byte> mac, Span<char> destination)
    {
        if (digits == 0)
        {
            const string hex = "0123456789abcdef";
            for (var i = 0; i < mac.Length; i++)
            {
                destination[2 * i] = hex[mac[i] >> 4];
                destination[(2 * i) + 1] = hex[mac[i] & 0x0F];
            }
            return 2 * mac.Length;
        }
        long truncated = TruncatedDigits.For(digits).Of(mac);
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (truncated % 10));
            truncated /= 10;
        }
        return digits;
    }

    /// <summary>RFC 4226 dynamic truncation: 31 bits at the offset named by the last nibble.</summary>
    internal static long DynamicTruncate(ReadOnlySpan<byte> mac)
    {
        var offset = mac[^1] & 0x0F;
        return ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
    }

    internal static long Pow10(int digits) => (long)PowersOf10[digits];

    /// <summary>
    /// The last <c>digits</c> decimal digits of the dynamic truncation, without a division: the truncation is secret
    /// and a division's time can depend on its operands. Lemire, Kaser and Kurz, "Faster remainder by direct computation"
    /// (2019): for 32-bit n and d, n mod d is the high 64 bits of ((ceil(2^64 / d) * n) mod 2^64) * d.
    /// </summary>
    internal readonly struct TruncatedDigits
    {
        // One per digit count (0 to 10), so no verify divides even the public divisor.
        private static readonly TruncatedDigits[] All = [.. Enumerable.Range(0, 11).Select(digits => new TruncatedDigits(digits))];

        private readonly uint _divisor;
        private readonly ulong _multiplier;

        private TruncatedDigits(int digits)
        {
            // 31 bits are below 10^10, so 10 digits keep them all, and 0 digits means no truncation: a divisor of 0 marks both.
            _divisor = digits is > 0 and < 10 ? (uint)PowersOf10[digits] : 0;
            _multiplier = _divisor == 0 ? 0 : (ulong.MaxValue / _divisor) + 1; // the divisor is public: no secret here
        }

        public static TruncatedDigits For(int digits) => All[digits];

        public uint Of(ReadOnlySpan<byte> mac) => Remainder((uint)DynamicTruncate(mac));

        public uint Remainder(uint value) =>
            _divisor == 0 ? value : (uint)Math.BigMul(_multiplier * value, _divisor, out _);
    }
}
