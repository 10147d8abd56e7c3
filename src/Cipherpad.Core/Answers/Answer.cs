using Cipherpad.Core.Oath;
using Cipherpad.Core.Payments;

namespace Cipherpad.Core.Answers;

/// <summary>The outcome of checking a typed answer.</summary>
public enum AnswerVerdict
{
    /// <summary>The answer is right for this question, purpose, payment and time.</summary>
    Correct,
    /// <summary>The answer is 8 digits but not the right ones.</summary>
    Wrong,
    /// <summary>The text is not an answer at all (not 8 digits once spaces, tabs, no-break spaces and hyphen-minus are removed).</summary>
    Malformed,
}

/// <summary>Making, showing, reading and checking answers: the cipher pad's and the server's shared rules.</summary>
public static class Answer
{
    /// <summary>
    /// The answer to <paramref name="question"/> for <paramref name="purpose"/> at <paramref name="now"/>.
    /// A payment needs <paramref name="payment"/>; the other purposes must not have it.
    /// </summary>
    /// <exception cref="ArgumentException">The question is not 6–64 digits, or the payment details do not fit the purpose.</exception>
    public static string Compute(DeviceKeys keys, Purpose purpose, string question, DateTimeOffset now, PaymentDetails? payment = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(question);
        var suite = SuiteFor(purpose, question, payment);
        return Ocra.Compute(suite, keys.AnswerKey(purpose), Input(question, payment, suite.TimeStepAt(now)));
    }

    /// <summary>
    /// Checks <paramref name="typedAnswer"/> (spaces, tabs, no-break spaces and hyphen-minus ignored) against every time step of
    /// <paramref name="window"/> around <paramref name="now"/>, comparing in constant time. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The question is not 6–64 digits, or the payment details do not fit the purpose.</exception>
    public static AnswerVerdict Verify(DeviceKeys keys, Purpose purpose, ReadOnlySpan<char> question, PaymentDetails? payment,
        ReadOnlySpan<char> typedAnswer, DateTimeOffset now, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(window);
        var suite = SuiteFor(purpose, question, payment);
        Span<char> answer = stackalloc char[AnswerSuites.AnswerDigits];
        if (!TryNormalize(typedAnswer, answer))
        {
            return AnswerVerdict.Malformed;
        }
        var key = keys.AnswerKey(purpose);
        var currentStep = suite.TimeStepAt(now);
        Span<char> expected = stackalloc char[AnswerSuites.AnswerDigits];
        var found = false;
        // Every step is checked, so the time taken does not tell which step matched.
        for (var step = currentStep - window.PastSteps; step <= currentStep + window.FutureSteps; step++)
        {
            var error = Ocra.TryCompute(suite, key, Input(question, payment, step), expected, out _);
            if (error is not null)
            {
                throw new OcraException(error);
            }
            found |= Ocra.FixedTimeEquals(expected, answer);
        }
        return found ? AnswerVerdict.Correct : AnswerVerdict.Wrong;
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

    /// <summary>Reads a typed answer as 8 digits, or null when it is not one.</summary>
    public static string? Normalize(string? typed)
    {
        Span<char> digits = stackalloc char[AnswerSuites.AnswerDigits];
        return TryNormalize(typed, digits) ? new string(digits) : null;
    }

    private static OcraSuite SuiteFor(Purpose purpose, ReadOnlySpan<char> question, PaymentDetails? payment)
    {
        if (!Question.IsWellFormed(question, question.Length) || question.Length < Question.MinLength || question.Length > Question.MaxLength)
        {
            throw new ArgumentException($"A question is {Question.MinLength} to {Question.MaxLength} decimal digits.", nameof(question));
        }
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
