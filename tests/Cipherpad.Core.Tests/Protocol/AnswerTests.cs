using System.Security.Cryptography;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using CsCheck;

namespace Cipherpad.Core.Tests.Protocol;

public sealed class AnswerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1790000000);
    private static readonly PaymentDetails Payment = PaymentDetails.Create("123456789012", "12.50", "USD");

    private static DeviceKeys NewDevice() => new(RandomNumberGenerator.GetBytes(DeviceKeys.SecretLength));

    private static AnswerVerdict VerifyPayment(DeviceKeys keys, string answer, PaymentDetails payment) =>
        Answer.Verify(keys, Purpose.Payment, "12345678", payment, answer, Now, TimeWindow.Default);

    [Fact]
    public void An_answer_verifies_for_its_own_purpose_only() =>
        Gen.Select(Gen.Byte.Array[32], Gen.Char["0123456789"].Array[8]).Sample(t =>
        {
            using var keys = new DeviceKeys(t.Item1);
            var question = new string(t.Item2);
            var login = Answer.Compute(keys, Purpose.Login, question, Now);
            var action = Answer.Compute(keys, Purpose.Action, question, Now);
            var payment = Answer.Compute(keys, Purpose.Payment, question, Now, Payment);
            Assert.Equal(AnswerVerdict.Correct, Answer.Verify(keys, Purpose.Login, question, null, login, Now, TimeWindow.Default));
            Assert.Equal(AnswerVerdict.Correct, Answer.Verify(keys, Purpose.Action, question, null, action, Now, TimeWindow.Default));
            Assert.Equal(AnswerVerdict.Correct, Answer.Verify(keys, Purpose.Payment, question, Payment, payment, Now, TimeWindow.Default));
            // A collision of two independent 8-digit answers is 1 in 10^8 per pair; with a window of 7 steps,
            // 7 in 10^8: over 300 samples the chance of a spurious pass is below 10^-4.
            Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Action, question, null, login, Now, TimeWindow.Default));
            Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Payment, question, Payment, login, Now, TimeWindow.Default));
            Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Login, question, null, action, Now, TimeWindow.Default));
            Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Login, question, null, payment, Now, TimeWindow.Default));
        }, iter: 300);

    [Fact]
    public void Payment_answer_fails_when_any_detail_changes()
    {
        using var keys = new DeviceKeys(SHA256.HashData("Cipherpad vector device A"u8));
        var answer = Answer.Compute(keys, Purpose.Payment, "12345678", Now, Payment);

        Assert.Equal(AnswerVerdict.Correct, VerifyPayment(keys, answer, PaymentDetails.Create("123456789012", "12.5", "usd")));
        Assert.Equal(AnswerVerdict.Wrong, VerifyPayment(keys, answer, PaymentDetails.Create("123456789013", "12.50", "USD")));
        Assert.Equal(AnswerVerdict.Wrong, VerifyPayment(keys, answer, PaymentDetails.Create("123456789012", "12.51", "USD")));
        Assert.Equal(AnswerVerdict.Wrong, VerifyPayment(keys, answer, PaymentDetails.Create("123456789012", "12.49", "USD")));
        Assert.Equal(AnswerVerdict.Wrong, VerifyPayment(keys, answer, PaymentDetails.Create("123456789012", "12.50", "EUR")));
        Assert.Equal(AnswerVerdict.Wrong, VerifyPayment(keys, answer, PaymentDetails.Create("123456789012", "1250", "JPY")));
    }

    [Fact]
    public void Payment_answer_fails_when_amount_changes_by_one_minor_unit_for_random_payments() =>
        Gen.Select(Gen.Byte.Array[32], Gen.Long[1, 999_999_999_999], Gen.String[Gen.Char['!', '~'], 1, 64]).Sample(t =>
        {
            var (secret, cents, payee) = t;
            using var keys = new DeviceKeys(secret);
            var amount = $"{cents / 100}.{cents % 100:00}";
            var payment = PaymentDetails.Create(payee, amount, "USD");
            var answer = Answer.Compute(keys, Purpose.Payment, "12345678", Now, payment);
            var oneCentMore = PaymentDetails.Create(payee, $"{(cents + 1) / 100}.{(cents + 1) % 100:00}", "USD");
            Assert.Equal(AnswerVerdict.Correct, VerifyPayment(keys, answer, payment));
            Assert.Equal(AnswerVerdict.Wrong, VerifyPayment(keys, answer, oneCentMore));
        }, iter: 300);

    [Theory]
    [InlineData(0, AnswerVerdict.Correct)]
    [InlineData(-5, AnswerVerdict.Correct)]
    [InlineData(-6, AnswerVerdict.Wrong)]
    [InlineData(1, AnswerVerdict.Correct)]
    [InlineData(2, AnswerVerdict.Wrong)]
    [InlineData(-24 * 60, AnswerVerdict.Wrong)]
    public void An_answer_is_accepted_only_within_the_time_window(int minutesOffset, AnswerVerdict expected)
    {
        using var keys = new DeviceKeys(SHA256.HashData("Cipherpad vector device A"u8));
        var madeAt = Now.AddMinutes(minutesOffset);
        var answer = Answer.Compute(keys, Purpose.Login, "12345678", madeAt);
        Assert.Equal(expected, Answer.Verify(keys, Purpose.Login, "12345678", null, answer, Now, TimeWindow.Default));
    }

    [Fact]
    public void A_wider_window_accepts_an_older_answer()
    {
        using var keys = NewDevice();
        var answer = Answer.Compute(keys, Purpose.Login, "12345678", Now.AddMinutes(-9));
        Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Login, "12345678", null, answer, Now, TimeWindow.Default));
        Assert.Equal(AnswerVerdict.Correct, Answer.Verify(keys, Purpose.Login, "12345678", null, answer, Now, new TimeWindow(10, 0)));
    }

    [Fact]
    public void An_answer_from_another_device_is_wrong()
    {
        using var mine = NewDevice();
        using var theirs = NewDevice();
        var answer = Answer.Compute(theirs, Purpose.Login, "12345678", Now);
        Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(mine, Purpose.Login, "12345678", null, answer, Now, TimeWindow.Default));
    }

    [Theory]
    [InlineData("9808 4054", AnswerVerdict.Correct)]
    [InlineData(" 9808-4054 ", AnswerVerdict.Correct)]
    [InlineData("98\t08 40-54", AnswerVerdict.Correct)]
    [InlineData("9808405", AnswerVerdict.Malformed)]
    [InlineData("980840544", AnswerVerdict.Malformed)]
    [InlineData("9808405x", AnswerVerdict.Malformed)]
    [InlineData("９８０８４０５４", AnswerVerdict.Malformed)]
    [InlineData("", AnswerVerdict.Malformed)]
    [InlineData("98084055", AnswerVerdict.Wrong)]
    public void Typed_answers_are_read_tolerantly(string typed, AnswerVerdict expected)
    {
        using var keys = new DeviceKeys(SHA256.HashData("Cipherpad vector device A"u8));
        Assert.Equal(expected, Answer.Verify(keys, Purpose.Login, "12345678", null, typed, Now, TimeWindow.Default));
    }

    [Fact]
    public void A_typed_answer_ignores_exactly_space_tab_no_break_space_and_hyphen_minus()
    {
        var ignored = Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => Answer.Normalize($"9808{c}4054") is not null).ToArray();

        Assert.Equal(['\t', ' ', '-', '\u00A0'], ignored);
    }

    /// <summary>The characters docs/protocol.md §4 lists as trimmed from payee, amount and currency: Unicode's White_Space.</summary>
    public static readonly char[] WhiteSpace =
        ['\t', '\n', '\v', '\f', '\r', ' ', '\u0085', '\u00A0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006',
         '\u2007', '\u2008', '\u2009', '\u200A', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000'];

    [Fact]
    public void Payment_details_trim_exactly_the_white_space_the_protocol_lists()
    {
        var all = Enumerable.Range(0, 0x10000).Select(c => (char)c).ToArray();

        Assert.Equal(WhiteSpace, all.Where(c => PaymentDetails.TryCreate($"{c}123{c}", "1", "USD", out var p, out _) && p.Payee == "123"));
        Assert.Equal(WhiteSpace, all.Where(c => PaymentDetails.TryCreate("123", $"{c}1{c}", "USD", out var p, out _) && p.MinorUnits == 100));
        Assert.Equal(WhiteSpace, all.Where(c => PaymentDetails.TryCreate("123", "1", $"{c}USD{c}", out _, out _)));
    }

    [Fact]
    public void Answers_are_grouped_for_display()
    {
        Assert.Equal("1234 5678", Answer.Group("12345678"));
        Assert.Equal("123 456 78", Answer.Group("12345678", 3));
        Assert.Equal("12345678", Answer.Normalize("1234-5678"));
        Assert.Null(Answer.Normalize("1234-567"));
    }

    [Fact]
    public void Purpose_and_payment_details_must_agree()
    {
        using var keys = NewDevice();
        Assert.Throws<ArgumentException>(() => Answer.Compute(keys, Purpose.Payment, "12345678", Now));
        Assert.Throws<ArgumentException>(() => Answer.Compute(keys, Purpose.Login, "12345678", Now, Payment));
        Assert.Throws<ArgumentException>(() => Answer.Compute(keys, Purpose.Login, "12345", Now));
        Assert.Throws<ArgumentException>(() => Answer.Compute(keys, Purpose.Login, "1234567a", Now));
    }

    [Fact]
    public void Questions_are_digits_of_the_asked_length()
    {
        foreach (var length in new[] { 6, 8, 10, 64 })
        {
            var question = Question.Generate(length);
            Assert.Equal(length, question.Length);
            Assert.True(Question.IsWellFormed(question, length));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Question.Generate(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Question.Generate(65));
    }

    [Fact]
    public void Question_digits_are_uniform()
    {
        // Chi-square over 200,000 digits with 9 degrees of freedom: 50 is far beyond p = 10^-6 (about 41).
        var counts = new int[10];
        for (var i = 0; i < 25_000; i++)
        {
            foreach (var digit in Question.Generate(8))
            {
                counts[digit - '0']++;
            }
        }
        var expected = 200_000 / 10.0;
        var chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 50, $"chi-square {chiSquare:F1} over counts {string.Join(",", counts)}");
    }

    [Fact]
    public void Question_generation_rejects_the_biased_tail_of_a_byte()
    {
        using var random = new ScriptedRandom([250, 255, 9, 251, 19, 249, 0, 100, 37, 1]);
        Assert.Equal("999007", Question.Generate(6, random));
    }

    [Fact]
    public void Disposed_device_keys_are_cleared_and_unusable()
    {
        var keys = NewDevice();
        var login = keys.AnswerKey(Purpose.Login); // derived on first use, and cleared with the rest
        var payload = keys.PayloadKey;
        keys.Dispose();
        Assert.Equal(-1, login.IndexOfAnyExcept((byte)0));
        Assert.Equal(-1, payload.IndexOfAnyExcept((byte)0));
        Assert.Throws<ObjectDisposedException>(() => keys.AnswerKey(Purpose.Login).ToArray());
        Assert.Throws<ObjectDisposedException>(() => keys.AnswerKey(Purpose.Payment).ToArray());
        Assert.Throws<ObjectDisposedException>(() => keys.PayloadKey.ToArray());
        Assert.Throws<ObjectDisposedException>(() => keys.PadRequestKey.ToArray());
        Assert.Throws<ObjectDisposedException>(() => keys.KeyId);
    }

    private sealed class ScriptedRandom(byte[] bytes) : RandomNumberGenerator
    {
        private int _next;

        public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

        public override void GetBytes(Span<byte> data)
        {
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = bytes[_next++];
            }
        }
    }

    [Theory]
    [InlineData("12345678", 1)]
    [InlineData("12345678-87654321", 2)]
    [InlineData("123456-654321-000000", 3)]
    [InlineData("12345678-87654321-11111111-22222222", 0)]
    [InlineData("12345678-8765432", 0)]
    [InlineData("12345678--87654321", 0)]
    [InlineData("12345678-", 0)]
    [InlineData("-12345678", 0)]
    [InlineData("1234567a", 0)]
    [InlineData("12345", 0)]
    [InlineData("", 0)]
    public void A_question_has_one_to_three_parts_of_one_length(string question, int parts) =>
        Assert.Equal(parts, Question.PartCount(question));

    [Fact]
    public void A_compound_answer_is_the_answers_to_its_parts_joined_and_every_part_must_be_right()
    {
        using var keys = NewDevice();
        var question = Question.Generate(8, 3);
        var parts = question.Split(Question.Separator);
        var answer = Answer.Compute(keys, Purpose.Payment, question, Now, Payment);

        Assert.Equal(string.Concat(parts.Select(p => Answer.Compute(keys, Purpose.Payment, p, Now, Payment))), answer);
        Assert.Equal(24, Answer.DigitsFor(question));
        Assert.Equal(AnswerVerdict.Correct, Answer.Verify(keys, Purpose.Payment, question, Payment, Answer.Group(answer), Now, TimeWindow.Default));
        for (var part = 0; part < 3; part++)
        {
            var oneWrong = answer.ToCharArray();
            oneWrong[(part * 8) + 3] = (char)('0' + ((oneWrong[(part * 8) + 3] - '0' + 1) % 10));
            Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Payment, question, Payment, new string(oneWrong), Now, TimeWindow.Default));
        }
        Assert.Equal(AnswerVerdict.Malformed, Answer.Verify(keys, Purpose.Payment, question, Payment, answer.AsSpan(0, 16), Now, TimeWindow.Default));
        Assert.Equal(AnswerVerdict.Wrong, Answer.Verify(keys, Purpose.Payment, question, PaymentDetails.Create("123456789012", "12.51", "USD"), answer, Now,
            TimeWindow.Default));
    }
}
