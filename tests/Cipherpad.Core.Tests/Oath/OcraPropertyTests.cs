using Cipherpad.Core.Oath;
using CsCheck;

namespace Cipherpad.Core.Tests.Oath;

/// <summary>Random inputs: parsing never crashes, a computed response verifies, any one-digit change fails.</summary>
public sealed class OcraPropertyTests
{
    private static readonly Gen<string> SuiteText =
        Gen.Select(
            Gen.OneOf("SHA1", "SHA256", "SHA512"),
            Gen.OneOf(4, 5, 6, 7, 8, 9, 10),
            Gen.Bool,
            Gen.OneOf('A', 'N', 'H'),
            Gen.Int[4, 64],
            Gen.OneOf("", "-PSHA1", "-PSHA256", "-PSHA512"),
            Gen.OneOf("", "-S064", "-S128", "-S256", "-S512"),
            Gen.OneOf("", "-T30S", "-T1M", "-T59M", "-T1H", "-T48H"))
        .Select(parts => $"OCRA-1:HOTP-{parts.Item1}-{parts.Item2}:{(parts.Item3 ? "C-" : "")}Q{parts.Item4}{parts.Item5:00}{parts.Item6}{parts.Item7}{parts.Item8}");

    private sealed record Case(OcraSuite Suite, byte[] Key, string Question, ulong Counter, byte[] PasswordHash, byte[] Session, long TimeStep)
    {
        public OcraInput Input => new(Question)
        {
            Counter = Suite.UsesCounter ? Counter : null,
            PasswordHash = Suite.PasswordHash is null ? default : PasswordHash.AsSpan(0, Suite.PasswordHash.Value.HashSize()),
            Session = Session.AsSpan(0, Math.Min(Session.Length, Suite.SessionLength)),
            TimeStep = Suite.TimeStep is null ? null : TimeStep,
        };
    }

    private static readonly Gen<Case> ValidCase =
        from suiteText in SuiteText
        let suite = OcraSuite.Parse(suiteText)
        from key in Gen.Byte.Array[1, 128]
        from length in Gen.Int[1, suite.QuestionInputMaxLength]
        from question in Gen.Char[QuestionAlphabet(suite.QuestionFormat)].Array[length]
        from counter in Gen.ULong
        from passwordHash in Gen.Byte.Array[64]
        from session in Gen.Byte.Array[0, 512]
        from timeStep in Gen.Long[0, long.MaxValue]
        select new Case(suite, key, new string(question), counter, passwordHash, session, timeStep);

    private static string QuestionAlphabet(OcraQuestionFormat format) => format switch
    {
        OcraQuestionFormat.Numeric => "0123456789",
        OcraQuestionFormat.Hex => "0123456789abcdefABCDEF",
        _ => "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    };

    [Fact]
    public void Parsing_any_string_never_throws() =>
        Gen.String.Sample(text =>
        {
            if (OcraSuite.TryParse(text, out var suite, out var error))
            {
                Assert.NotNull(suite);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error.Message));
            }
        }, iter: 20_000);

    [Fact]
    public void Parsing_a_mutated_valid_suite_never_throws_anything_but_a_typed_error() =>
        Gen.Select(SuiteText, Gen.Int[0, 200], Gen.Char['!', '~'])
            .Sample(t =>
            {
                var (text, position, replacement) = t;
                var chars = text.ToCharArray();
                chars[position % chars.Length] = replacement;
                var mutated = new string(chars);
                try
                {
                    OcraSuite.Parse(mutated);
                }
                catch (OcraException exception)
                {
                    Assert.Contains(exception.Code, Enum.GetValues<OcraErrorCode>());
                }
            }, iter: 20_000);

    [Fact]
    public void Every_valid_suite_round_trips_its_text() =>
        SuiteText.Sample(text => Assert.Equal(text, OcraSuite.Parse(text).Text), iter: 2_000);

    [Fact]
    public void A_computed_response_always_verifies() =>
        ValidCase.Sample(c =>
        {
            var response = Ocra.Compute(c.Suite, c.Key, c.Input);
            Assert.Equal(c.Suite.ResponseLength, response.Length);
            Assert.True(Ocra.Verify(c.Suite, c.Key, c.Input, response));
        }, iter: 3_000);

    [Fact]
    public void Any_one_digit_change_fails() =>
        Gen.Select(ValidCase, Gen.Int[0, 127], Gen.Int[1, 15]).Sample(t =>
        {
            var (c, position, delta) = t;
            var response = Ocra.Compute(c.Suite, c.Key, c.Input).ToCharArray();
            var at = position % response.Length;
            response[at] = c.Suite.Digits == 0
                ? "0123456789abcdef"[(Convert.ToInt32(response[at].ToString(), 16) + delta) % 16]
                : (char)('0' + ((response[at] - '0' + (delta % 9) + 1) % 10));
            Assert.False(Ocra.Verify(c.Suite, c.Key, c.Input, response));
        }, iter: 3_000);

    [Fact]
    public void Random_inputs_give_a_response_or_a_typed_error_never_another_exception() =>
        Gen.Select(SuiteText, Gen.String[0, 140], Gen.Byte.Array[0, 80], Gen.Byte.Array[0, 600], Gen.Long, Gen.Bool, Gen.Byte.Array[0, 40])
            .Sample(t =>
            {
                var (suiteText, question, passwordHash, session, timeStep, giveCounter, key) = t;
                var suite = OcraSuite.Parse(suiteText);
                var input = new OcraInput(question)
                {
                    Counter = giveCounter ? 7UL : null,
                    PasswordHash = passwordHash,
                    Session = session,
                    TimeStep = timeStep,
                };
                try
                {
                    Assert.Equal(suite.ResponseLength, Ocra.Compute(suite, key, input).Length);
                }
                catch (OcraException exception)
                {
                    Assert.False(string.IsNullOrEmpty(exception.Message));
                }
            }, iter: 10_000);
}
