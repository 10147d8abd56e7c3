using Cipherpad.Core.Answers;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Challenges;

/// <summary>
/// Bounds the chance that guessing ever gets into an account, instead of blocking the guessers, who would block the
/// owner with them. Every answer, before it is evaluated, takes its chance of being right (its method's
/// <see cref="AnswerMethods.IAnswerMethod.GuessChanceAsync"/>) from the account's budget for the UTC day; an answer the
/// budget cannot pay for is not evaluated, and a right answer gives its chance back. So the wrong answers evaluated against
/// an account in a day have, together, at most <see cref="ChallengeOptions.GuessRiskPerDay"/> chance of having been
/// right, however many sources send them. To keep the owner in while strangers spend the budget, new questions grow
/// harder as it runs low: each part added to a question (<see cref="Question.Generate(int, int)"/>) makes a guess 10⁸ times
/// less likely and so 10⁸ times cheaper. Each step takes one conditional update, as for every other limit.
/// </summary>
public sealed class GuessRisks(CipherpadDbContext db, IOptions<CipherpadOptions> options, TimeProvider time)
{
    private double Budget => options.Value.Challenges.GuessRiskPerDay;

    /// <summary>
    /// How many parts a new question for the account needs: the fewest whose chance per guess, <paramref name="chanceOfGuess"/>
    /// for that many parts, leaves room in today's budget for all of the question's wrong answers.
    /// </summary>
    public async Task<int> PartsForNewQuestionAsync(Guid accountId, Func<int, Task<double>> chanceOfGuess, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chanceOfGuess);
        var spent = await db.SingleOrDefaultAsync<double?>(SpentSql, new { accountId, day = UtcPeriods.DayOf(time.GetUtcNow()) }, cancellationToken) ?? 0;
        for (var parts = 1; parts < Question.MaxParts; parts++)
        {
            if (spent + (options.Value.Challenges.MaxWrongAnswers * await chanceOfGuess(parts)) <= Budget)
            {
                return parts;
            }
        }
        return Question.MaxParts;
    }

    /// <summary><see cref="PartsForNewQuestionAsync"/>'s read, to send ahead.</summary>
    public ReadAhead SpentRead(Guid accountId) => ReadAhead.SingleOrDefault<double?>(SpentSql, new { accountId, day = UtcPeriods.DayOf(time.GetUtcNow()) });

    private const string SpentSql = """SELECT "Spent" FROM "GuessRisks" WHERE "AccountId" = @accountId AND "Day" = @day""";

    /// <summary>Takes <paramref name="chance"/> from today's budget before an answer is evaluated; false when it does not fit.</summary>
    public async Task<bool> TryTakeAsync(Guid accountId, double chance, CancellationToken cancellationToken)
    {
        // One statement, whoever else is taking: the day's first answer inserts the row, the others add to it if it fits.
        return await db.ExecuteAsync(
            """
            INSERT INTO "GuessRisks" ("AccountId", "Day", "Spent") SELECT @accountId, @day, @chance WHERE @chance <= @budget
            ON CONFLICT ("AccountId", "Day") DO UPDATE SET "Spent" = "GuessRisks"."Spent" + @chance WHERE "GuessRisks"."Spent" + @chance <= @budget
            """, new { accountId, day = UtcPeriods.DayOf(time.GetUtcNow()), chance, budget = Budget }, cancellationToken) == 1;
    }

    /// <summary>Gives back what a right answer took: it was the owner's, not a guess. Runs with the rest of <paramref name="batch"/>.</summary>
    public void GiveBack(StatementBatch batch, Guid accountId, double chance) =>
        batch.Add("""UPDATE "GuessRisks" SET "Spent" = "Spent" - @chance WHERE "AccountId" = @accountId AND "Day" = @day AND "Spent" >= @chance""",
            new { accountId, day = UtcPeriods.DayOf(time.GetUtcNow()), chance });
}
