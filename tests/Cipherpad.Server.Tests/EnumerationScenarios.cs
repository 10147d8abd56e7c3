using System.Text.RegularExpressions;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// What a stranger who types e-mail addresses into the pages anyone can reach learns about them: nothing that tells an
/// address with an account from one without (docs/security.md, "Who learns whether an address has an account").
/// </summary>
public abstract partial class EnumerationScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    /// <summary>A page as a stranger compares it: its text with every digit the same, and the names of its fields.</summary>
    private static string Shape(HtmlPage page) =>
        Spaces().Replace(Digits().Replace(page.Text, "#"), " ").Trim() + " | " +
        string.Join(",", page.Document.QuerySelectorAll("input, img").Select(e => e.GetAttribute("name") ?? e.GetAttribute("alt") ?? e.LocalName));

    /// <summary>Asks for a sign-in question for <paramref name="email"/> and answers it wrongly six times, as a stranger would.</summary>
    private static async Task<List<string>> StrangerSignsInAsync(CipherpadFactory factory, string email)
    {
        using var browser = factory.Browser();
        HtmlPage page = await (await SignInPage.OpenAsync(browser)).AskForQuestionAsync(email);
        var seen = new List<string> { Shape(page) };
        for (var i = 0; i < 6 && page.Document.QuerySelector("input[name=Answer]") is not null; i++)
        {
            using var response = await page.SubmitAsync("Answer", new Dictionary<string, string> { ["Answer"] = "1234 5678" });
            page = await HtmlPage.FromAsync(browser, response);
            seen.Add(Shape(page));
        }
        return seen;
    }

    /// <summary>
    /// Compared with addresses whose unanswerable questions name one pad, as ann's real one does: a question that names more
    /// is charged to the guess budget as an account with that many pads (below), and locks sooner as such an account's would.
    /// </summary>
    [Fact]
    public async Task The_sign_in_page_shows_and_refuses_a_question_alike_for_an_account_an_account_without_a_pad_and_no_account()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var bob = await AddressNamingOnePadAsync(factory, "bob", async email =>
        {
            using var browser = factory.Browser();
            await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, email);
        });
        var nobodysAddress = await AddressNamingOnePadAsync(factory, "nobody", _ => Task.CompletedTask);

        var withPad = await StrangerSignsInAsync(factory, "ann@example.com");
        var withoutPad = await StrangerSignsInAsync(factory, bob);
        var nobody = await StrangerSignsInAsync(factory, nobodysAddress);

        Assert.Contains(withPad, shape => shape.Contains("Wrong answer. # attempt(s) left", StringComparison.Ordinal));
        Assert.Contains("This question is locked: too many wrong answers", withPad[^1], StringComparison.Ordinal);
        Assert.Equal(withPad, withoutPad);
        Assert.Equal(withPad, nobody);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var accounts = await db.Accounts.Select(a => a.Id).ToListAsync();
        Assert.False(await db.AuthorizationLog.AnyAsync(e => e.AccountId == null || !accounts.Contains(e.AccountId.Value)), "nothing is logged for an address with no account");
    }

    [Fact]
    public async Task Nobody_answers_the_question_shown_for_an_address_without_an_account()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();

        var question = await Journeys.StartSignInAsync(browser, "nobody@example.com");
        using var answered = await question.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, question.Question));
        var page = await HtmlPage.FromAsync(browser, answered);

        Assert.Equal(System.Net.HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("Wrong answer.", page.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The QR code says for which pads a question is sealed, by key ids that a real account's pads keep from one question to
    /// the next: asked twice, an address without an account names the same pads twice too, in a payload of the same shape.
    /// </summary>
    [Fact]
    public async Task Two_questions_for_the_same_address_name_the_same_pads_whether_or_not_it_has_an_account()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");

        var (annsFirst, annsBody) = await SealedForAsync(factory, "ann@example.com");
        var (annsSecond, _) = await SealedForAsync(factory, "ann@example.com");
        var (nobodysFirst, nobodysBody) = await SealedForAsync(factory, "nobody@example.com");
        var (nobodysSecond, _) = await SealedForAsync(factory, "Nobody@example.com ");

        Assert.Single(annsFirst);
        Assert.Equal(annsFirst, annsSecond);
        Assert.NotEmpty(nobodysFirst);
        Assert.Equal(nobodysFirst, nobodysSecond);
        Assert.NotEqual(annsFirst, nobodysFirst);
        // A question naming three pads or more is two parts long from the start, as a three-pad account's is.
        Assert.Equal(Digits().Replace(QuestionOf().Replace(annsBody, "q=…"), "#"), Digits().Replace(QuestionOf().Replace(nobodysBody, "q=…"), "#"));
    }

    /// <summary>
    /// A wrong answer spends an account's guess budget by how many pads could have answered: nobody's question spends it by
    /// how many pads its QR code names, so that an address whose question names several grows longer questions as an
    /// account with that many pads would.
    /// </summary>
    [Fact]
    public async Task A_wrong_answer_to_nobodys_question_spends_the_budget_of_as_many_pads_as_it_names()
    {
        using var factory = await CreateFactoryAsync();
        var (email, pads) = ("", new List<string>());
        for (var address = 0; address < 100 && pads.Count < 2; address++)
        {
            email = $"nobody{address}@example.com";
            (pads, _) = await SealedForAsync(factory, email);
        }
        Assert.True(pads.Count >= 2, "one address in four names two pads or more");
        var spentBefore = await SpentAsync(factory);

        using var browser = factory.Browser();
        var question = await (await SignInPage.OpenAsync(browser)).AskForQuestionAsync(email);
        var parts = Core.Answers.Question.PartCount(question.Question); // three pads or more make a fresh question two parts long
        using (await question.AnswerAsync(string.Join(Core.Answers.Question.Separator, Enumerable.Repeat("12345678", parts))))
        {
        }

        var settings = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CipherpadOptions>>().Value.Challenges;
        var expected = Cipherpad.Server.AnswerMethods.CipherPad.CipherPadMethod.ChanceOfGuess(pads.Count, settings, parts);
        Assert.InRange((await SpentAsync(factory) - spentBefore) / expected, 0.999, 1.001);
    }

    private static async Task<double> SpentAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.SumAsync(r => r.Spent);
    }

    /// <summary>The first of <c>{name}1@example.com</c>, <c>{name}2@…</c>, made ready by <paramref name="prepare"/>, whose question names one pad.</summary>
    private static async Task<string> AddressNamingOnePadAsync(CipherpadFactory factory, string name, Func<string, Task> prepare)
    {
        for (var number = 1; number <= 30; number++)
        {
            var email = $"{name}{number}@example.com";
            await prepare(email);
            if ((await SealedForAsync(factory, email)).KeyIds.Count == 1)
            {
                return email;
            }
        }
        throw new InvalidOperationException("Three addresses in four name one pad; thirty did not.");
    }

    /// <summary>The key ids a sign-in question's QR code names, and what it says before them.</summary>
    private static async Task<(List<string> KeyIds, string Body)> SealedForAsync(CipherpadFactory factory, string email)
    {
        using var browser = factory.Browser();
        var page = await (await SignInPage.OpenAsync(browser)).AskForQuestionAsync(email);
        var id = Guid.Parse(page.Document.QuerySelector("input[name=ChallengeId]")!.GetAttribute("value")!);
        await using var scope = factory.Services.CreateAsyncScope();
        var payload = (await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.SingleAsync(c => c.Id == id)).QrPayload!;
        var parts = payload.Split('#');
        return ([.. parts.Skip(1).Select(part => part.Split('.')[0])], parts[0]);
    }

    [GeneratedRegex(@"\d")]
    private static partial Regex Digits();

    [GeneratedRegex(@"q=[0-9-]+")]
    private static partial Regex QuestionOf();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

public sealed class SqliteEnumerationScenarios : EnumerationScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresEnumerationScenarios(PostgresServer postgres) : EnumerationScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());

    /// <summary>
    /// How long the page takes must not tell addresses apart either, and on PostgreSQL every command is a round trip: asking
    /// for a sign-in question sends the same statements for an account with a pad, an account without one and no account,
    /// whether or not the address was asked for a moment ago.
    /// </summary>
    [Fact]
    public async Task The_sign_in_page_sends_the_same_statements_for_an_account_an_account_without_a_pad_and_no_account()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using (var browser = factory.Browser())
        {
            await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "bob@example.com");
        }
        await StatementsOfAskingAsync(factory, "someone@example.com"); // the built-in relying party made, statements prepared

        var withPad = await StatementsOfAskingAsync(factory, "ann@example.com");
        Assert.Contains(withPad, statement => statement.Contains("\"Devices\"", StringComparison.Ordinal));
        Assert.Contains(withPad, statement => statement.StartsWith("SET LOCAL synchronous_commit TO OFF;\nINSERT INTO \"Challenges\"", StringComparison.Ordinal));
        foreach (var email in new[] { "ann@example.com", "bob@example.com", "bob@example.com", "nobody@example.com", "nobody@example.com" })
        {
            Assert.Equal(withPad, await StatementsOfAskingAsync(factory, email));
        }
    }

    private static async Task<List<string>> StatementsOfAskingAsync(CipherpadFactory factory, string email)
    {
        using var browser = factory.Browser();
        var page = await SignInPage.OpenAsync(browser);
        var statements = new List<string>();
        using (NpgsqlCommands.Record(factory, statements, byRequest: true))
        {
            Assert.NotNull((await page.AskForQuestionAsync(email)).Question);
        }
        return [.. Assert.Single(NpgsqlCommands.ByRequest(statements)).Select(statement => statement[(statement.IndexOf(' ', StringComparison.Ordinal) + 1)..])];
    }
}
