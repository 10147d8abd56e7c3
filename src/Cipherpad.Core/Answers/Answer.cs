using Cipherpad.Core.Oath;
using Cipherpad.Core.Payments;

namespace Cipherpad.Core.Answers;

/// <summary>The outcome of checking a typed answer.</summary>
public enum AnswerVerdict
{
    /// <summary>The answer is right for this question, purpose, payment and time.</summary>
    Correct,
    /// <summary>The answer has the right number of digits but not the right ones.</summary>
    Wrong,
    /// <summary>The text is not an answer at all (not 8 digits per part of the question once spaces, tabs, no-break spaces and hyphen-minus are removed).</summary>
    Malformed,
}

/// <summary>Making, showing, reading and checking answers: the cipher pad's and the server's shared rules.</summary>
public static class Answer
{
    /// <summary>
    /// The answer to <paramref name="question"/> for <paramref name="purpose"/> at <paramref name="now"/>.
    /// A payment needs <paramref name="payment"/>; the other purposes must not have it.
    /// A compound question's answer is the answers to its parts, joined in order.
    /// </summary>
    /// <exception cref="ArgumentException">The question is not a question (<see cref="Question.PartCount"/>), or the payment details do not fit the purpose.</exception>
    public static string Compute(DeviceKeys keys, Purpose purpose, string question, DateTimeOffset now, PaymentDetails? payment = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(question);
        var partLength = PartLength(question);
        var answer = new System.Text.StringBuilder(DigitsFor(question));
        for (var start = 0; start < question.Length; start += partLength + 1)
        {
            var part = question.Substring(start, partLength);
            var suite = SuiteFor(purpose, part, payment);
            answer.Append(Ocra.Compute(suite, keys.AnswerKey(purpose), Input(part, payment, suite.TimeStepAt(now))));
        }
        return answer.ToString();
    }

    /// <summary>How many digits the answer to <paramref name="question"/> has: 8 for each of its parts.</summary>
    /// <exception cref="ArgumentException">The question is not a question.</exception>
    public static int DigitsFor(ReadOnlySpan<char> question) => PartCountOf(question) * AnswerSuites.AnswerDigits;

    /// <summary>
    /// Checks <paramref name="typedAnswer"/> (spaces, tabs, no-break spaces and hyphen-minus ignored) against every time step of
    /// <paramref name="window"/> around <paramref name="now"/>, comparing in constant time. A compound question is answered
    /// when every part's 8 digits match, each at any step of the window. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The question is not a question, or the payment details do not fit the purpose.</exception>
    public static AnswerVerdict Verify(DeviceKeys keys, Purpose purpose, ReadOnlySpan<char> question, PaymentDetails? payment,
        ReadOnlySpan<char> typedAnswer, DateTimeOffset now, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(window);
        var partLength = PartLength(question);
        Span<char> answer = stackalloc char[DigitsFor(question)];
        if (!TryNormalize(typedAnswer, answer))
        {
            return AnswerVerdict.Malformed;
        }
        var key = keys.AnswerKey(purpose);
        var allFound = true;
        // Every step of every part is checked, so the time taken does not tell which step or part matched.
        for (var part = 0; part * (partLength + 1) < question.Length; part++)
        {
            var partQuestion = question.Slice(part * (partLength + 1), partLength);
            var partAnswer = answer.Slice(part * AnswerSuites.AnswerDigits, AnswerSuites.AnswerDigits);
            var suite = SuiteFor(purpose, partQuestion, payment);
            allFound &= Ocra.VerifyTimeWindow(suite, key, Input(partQuestion, payment, suite.TimeStepAt(now)),
                window.PastSteps, window.FutureSteps, partAnswer);
        }
        return allFound ? AnswerVerdict.Correct : AnswerVerdict.Wrong;
    }

    /// <summary>Shows an answer in groups, such as <c>1234 5678</c>.</summary>
    public static string Group(string answer, int groupSize = 4)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        var builder = new System.Text.StringBuilder(answer.Length + (answer.Length / groupSize));
        for (var i = 0; i < answer.Length; i++)
        {
            if (i > 0 && i % groupSize == 0)
            {
                builder.Append(' ');
            }
            builder.Append(answer[i]);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Reads a typed answer: space, tab, no-break space (U+00A0) and hyphen-minus are ignored, nothing else; what
    /// remains must be exactly <paramref name="digits"/>.Length ASCII digits, which are written there.
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> typed, Span<char> digits)
    {
        var count = 0;
        foreach (var c in typed)
        {
            if (c is ' ' or '-' or '\t' or '\u00A0')
            {
                continue;
            }
            if (!char.IsAsciiDigit(c) || count == digits.Length)
            {
                return false;
            }
            digits[count++] = c;
        }
        return count == digits.Length;
    }

    /// <summary>Reads a typed answer as <paramref name="digits"/> digits (8 per part of the question), or null when it is not one.</summary>
    public static string? Normalize(string? typed, int digits = AnswerSuites.AnswerDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, Question.MaxParts * AnswerSuites.AnswerDigits);
        Span<char> normalized = stackalloc char[digits];
        return TryNormalize(typed, normalized) ? new string(normalized) : null;
    }

    private static int PartCountOf(ReadOnlySpan<char> question) => Question.PartCount(question) is var parts and > 0
        ? parts
        : throw new ArgumentException(
            $"A question is {Question.MinLength} to {Question.MaxLength} decimal digits, or up to {Question.MaxParts} such parts of one length joined by '{Question.Separator}'.",
            nameof(question));

    private static int PartLength(ReadOnlySpan<char> question) =>
        (question.Length - (PartCountOf(question) - 1)) / PartCountOf(question);

    private static OcraSuite SuiteFor(Purpose purpose, ReadOnlySpan<char> question, PaymentDetails? payment)
    {
        if ((purpose == Purpose.Payment) != (payment is not null))
        {
            throw new ArgumentException(purpose == Purpose.Payment
                ? "A payment answer needs the payee, amount and currency."
                : $"A {purpose.WireName()} answer has no payment details.", nameof(payment));
        }
        return AnswerSuites.For(purpose, question.Length);
    }

    private static OcraInput Input(ReadOnlySpan<char> question, PaymentDetails? payment, long timeStep) =>
        new(question)
        {
            Session = payment is null ? default : payment.SessionData,
            TimeStep = timeStep,
        };
}
