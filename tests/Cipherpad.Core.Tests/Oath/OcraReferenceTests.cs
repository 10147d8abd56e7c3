using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Oath;
using CsCheck;

namespace Cipherpad.Core.Tests.Oath;

/// <summary>
/// The engine against a deliberately plain rebuild of RFC 6287 section 5 (message layout, QN through
/// <see cref="BigInteger"/>, truncation) written from the text, so an optimisation of the engine cannot drift
/// from the RFC on inputs the appendix C vectors do not cover: long numeric questions, leading zeros, S, P, C.
/// </summary>
public sealed class OcraReferenceTests
{
    private static readonly Gen<string> SuiteText =
        Gen.Select(
            Gen.OneOf("SHA1", "SHA256", "SHA512"),
            Gen.OneOf(0, 4, 6, 8, 10),
            Gen.Bool,
            Gen.OneOf('A', 'N', 'N', 'H'),
            Gen.Int[4, 64],
            Gen.OneOf("", "-PSHA1", "-PSHA256"),
            Gen.OneOf("", "-S064", "-S128"),
            Gen.OneOf("", "-T30S", "-T1M"))
        .Select(p => $"OCRA-1:HOTP-{p.Item1}-{p.Item2}:{(p.Item3 ? "C-" : "")}Q{p.Item4}{p.Item5:00}{p.Item6}{p.Item7}{p.Item8}");

    private static readonly Gen<string> NumericQuestion =
        Gen.OneOf(
            Gen.Char["0123456789"].Array[1, 128].Select(c => new string(c)),
            Gen.Int[1, 128].Select(n => new string('0', n)),
            Gen.Int[1, 128].Select(n => new string('9', n)),
            Gen.Select(Gen.Int[0, 20], Gen.Char["0123456789"].Array[1, 108]).Select(t => new string('0', t.Item1) + new string(t.Item2)),
            // Powers of two and their neighbours sit where a nibble or a limb boundary is crossed.
            Gen.Int[0, 425].Select(e => BigInteger.Pow(2, e).ToString(CultureInfo.InvariantCulture)),
            Gen.Int[1, 425].Select(e => (BigInteger.Pow(2, e) - 1).ToString(CultureInfo.InvariantCulture)),
            Gen.Int[0, 127].Select(e => BigInteger.Pow(10, e).ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void Numeric_questions_of_every_length_match_the_reference() =>
        Gen.Select(Gen.Byte.Array[1, 80], NumericQuestion, Gen.Long[0, long.MaxValue]).Sample(t =>
        {
            var (key, question, timeStep) = t;
            var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA256-8:QN64-T1M");
            var input = new OcraInput(question) { TimeStep = timeStep };
            var expected = Reference(suite, key, question, null, [], [], timeStep);
            Assert.Equal(expected, Ocra.Compute(suite, key, input));
            Assert.True(Ocra.Verify(suite, key, input, expected));
        }, iter: 5_000);

    [Fact]
    public void Every_kind_of_suite_matches_the_reference() =>
        Gen.Select(SuiteText, Gen.Byte.Array[1, 130], Gen.Int[1, 128], Gen.Int[0, int.MaxValue], Gen.ULong, Gen.Byte.Array[32],
                Gen.Byte.Array[0, 128], Gen.Long[0, long.MaxValue])
            .Sample(t =>
            {
                var (suiteText, key, length, seed, counter, password, session, timeStep) = t;
                var suite = OcraSuite.Parse(suiteText);
                var question = Question(suite.QuestionFormat, Math.Min(length, suite.QuestionInputMaxLength), seed);
                var passwordHash = suite.PasswordHash is { } hash ? password.AsSpan(0, hash.HashSize()).ToArray() : [];
                var sessionData = session.AsSpan(0, Math.Min(session.Length, suite.SessionLength)).ToArray();
                var input = new OcraInput(question)
                {
                    Counter = suite.UsesCounter ? counter : null,
                    PasswordHash = passwordHash,
                    Session = sessionData,
                    TimeStep = suite.TimeStep is null ? null : timeStep,
                };
                var expected = Reference(suite, key, question, suite.UsesCounter ? counter : null, passwordHash, sessionData,
                    suite.TimeStep is null ? null : timeStep);
                Assert.Equal(expected, Ocra.Compute(suite, key, input));
                Assert.True(Ocra.Verify(suite, key, input, expected));
            }, iter: 5_000);

    [Fact]
    public void The_division_free_remainder_is_the_remainder() =>
        Gen.Select(Gen.Int[4, 10], Gen.OneOf(Gen.UInt[0, int.MaxValue], Gen.UInt[0, 20_000], Gen.UInt[int.MaxValue - 20_000, int.MaxValue],
                Gen.Int[0, 9].Select(k => (uint)Math.Pow(10, k)), Gen.Int[1, 9].Select(k => (uint)Math.Pow(10, k) - 1)))
            .Sample(t =>
            {
                var (digits, value) = t;
                Assert.Equal(value % (ulong)Math.Pow(10, digits), Ocra.TruncatedDigits.For(digits).Remainder(value));
            }, iter: 200_000);

    private static string Question(OcraQuestionFormat format, int length, int seed)
    {
        var alphabet = format switch
        {
            OcraQuestionFormat.Numeric => "0123456789",
            OcraQuestionFormat.Hex => "0123456789abcdefABCDEF",
            _ => "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        };
        var random = new Random(seed);
        return string.Create(length, (alphabet, random), (chars, state) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });
    }

    /// <summary>RFC 6287 section 5.1 and 5.2, spelled out with allocations and no cleverness.</summary>
    private static string Reference(OcraSuite suite, byte[] key, string question, ulong? counter, byte[] passwordHash, byte[] session,
        long? timeStep)
    {
        var message = new List<byte>(Encoding.ASCII.GetBytes(suite.Text)) { 0 };
        if (counter is { } c)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, c);
            message.AddRange(bytes);
        }
        var questionHex = suite.QuestionFormat switch
        {
            OcraQuestionFormat.Numeric => NumberAsHex(question),
            OcraQuestionFormat.Hex => question,
            _ => null,
        };
        var field = questionHex is null
            ? Encoding.ASCII.GetBytes(question)
            : Convert.FromHexString(questionHex.Length % 2 == 0 ? questionHex : questionHex + "0");
        message.AddRange(field);
        message.AddRange(new byte[OcraSuite.QuestionFieldSize - field.Length]);
        message.AddRange(passwordHash);
        if (suite.SessionLength > 0)
        {
            message.AddRange(new byte[suite.SessionLength - session.Length]);
            message.AddRange(session);
        }
        if (timeStep is { } step)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, step);
            message.AddRange(bytes);
        }

#pragma warning disable CA5350 // RFC 6287 defines SHA-1 suites.
        var mac = suite.Hash switch
        {
            OcraHashAlgorithm.Sha1 => HMACSHA1.HashData(key, message.ToArray()),
            OcraHashAlgorithm.Sha256 => HMACSHA256.HashData(key, message.ToArray()),
            _ => HMACSHA512.HashData(key, message.ToArray()),
        };
#pragma warning restore CA5350
        if (suite.Digits == 0)
        {
            return Convert.ToHexStringLower(mac);
        }
        var offset = mac[^1] & 0x0F;
        var truncated = ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
        return (truncated % (long)Math.Pow(10, suite.Digits)).ToString(CultureInfo.InvariantCulture).PadLeft(suite.Digits, '0');
    }

    // The decimal number's hexadecimal digits without leading zeros ("0" for zero).
    private static string NumberAsHex(string decimalDigits)
    {
        var hex = BigInteger.Parse(decimalDigits, NumberStyles.None, CultureInfo.InvariantCulture).ToString("x", CultureInfo.InvariantCulture)
            .TrimStart('0');
        return hex.Length == 0 ? "0" : hex;
    }
}
