using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Challenges;

/// <summary>How questions are made and answered, and the back-off against guessing (<c>Cipherpad:Challenges</c>).</summary>
public sealed class ChallengeOptions
{
    /// <summary>Digits in a question, 6 to 64.</summary>
    [Range(6, 64)]
    public int QuestionLength { get; set; } = 8;

    /// <summary>How long a question can be answered.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:15:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Wrong answers after which a question is locked, 1 to 10.</summary>
    [Range(1, 10)]
    public int MaxWrongAnswers { get; set; } = 5;

    /// <summary>Minutes before the server's clock an answer may have been made in.</summary>
    [Range(0, 60)]
    public int PastSteps { get; set; } = 5;

    /// <summary>Minutes after the server's clock an answer may have been made in.</summary>
    [Range(0, 10)]
    public int FutureSteps { get; set; } = 1;

    /// <summary>Consecutive failures from one source for one account before it must wait; the wait then doubles per failure.</summary>
    [Range(1, 100)]
    public int FailuresBeforeBackoff { get; set; } = 5;

    /// <summary>
    /// Consecutive failures against an account from all sources together before every source that never succeeded for
    /// it must wait too (NIST SP 800-63B asks for at most 100).
    /// </summary>
    [Range(5, 100)]
    public int AccountFailuresBeforeBackoff { get; set; } = 20;

    /// <summary>
    /// The chance that guessing gets into an account in one UTC day, at most: the wrong answers evaluated against an account
    /// in a day may together have no more chance of having been right (see <see cref="GuessRisks"/>).
    /// </summary>
    [Range(1e-9, 1e-4)]
    public double GuessRiskPerDay { get; set; } = 1e-6;

    /// <summary>The longest wait the back-off imposes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);
}
