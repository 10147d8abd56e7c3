using System.Globalization;
using Cipherpad.Core.Oath;

namespace Cipherpad.Core.Answers;

/// <summary>
/// The OCRA suites of Cipherpad's answers: 8 digits of HMAC-SHA256 over the question (QN, its exact length),
/// the payment binding (S064, payments only) and the minute (T1M).
/// </summary>
public static class AnswerSuites
{
    /// <summary>Digits in an answer.</summary>
    public const int AnswerDigits = 8;

    private static readonly OcraSuite[] QuestionSuites = Build("OCRA-1:HOTP-SHA256-8:QN{0:00}-T1M");
    private static readonly OcraSuite[] PaymentSuites = Build("OCRA-1:HOTP-SHA256-8:QN{0:00}-S064-T1M");

    /// <summary>The suite for <paramref name="purpose"/> and a question of <paramref name="questionLength"/> digits.</summary>
    public static OcraSuite For(Purpose purpose, int questionLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(questionLength, Question.MinLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(questionLength, Question.MaxLength);
        return (purpose == Purpose.Payment ? PaymentSuites : QuestionSuites)[questionLength];
    }

    private static OcraSuite[] Build(string format)
    {
        var suites = new OcraSuite[Question.MaxLength + 1];
        for (var length = Question.MinLength; length <= Question.MaxLength; length++)
        {
            suites[length] = OcraSuite.Parse(string.Format(CultureInfo.InvariantCulture, format, length));
        }
        return suites;
    }
}
