using Cipherpad.Server.Accounts;

namespace Cipherpad.Server.Tests.Accounts;

/// <summary>The rules every security answer meets, at registration and on /account/security-question alike.</summary>
public sealed class SecurityAnswerRulesTests
{
    private const string Question = "What is your favourite colour?";

    private static string? Problem(string answer, string question = Question) =>
        AccountRules.SecurityAnswerProblem(answer, question, "Ann", "Example", "ann@example.com", "ann", "+491701234567")?.ToString();

    [Theory]
    [InlineData("blue")]
    [InlineData("  Blue ")]
    [InlineData("red")]
    [InlineData("b l u e")]
    [InlineData("abcde")]
    public void A_short_answer_is_refused_naming_the_field(string answer)
    {
        Assert.Equal("The security answer must be at least 6 characters, not counting spaces: a short answer such as a colour is among the first guesses. "
            + "Several words only you would give work best.", Problem(answer));
    }

    [Theory]
    [InlineData("yellow")]
    [InlineData("PASSWORD")]
    [InlineData("i don't know")]
    [InlineData("123456")]
    [InlineData("zzzzzzzz")]
    public void An_answer_guessed_first_is_refused(string answer) =>
        Assert.Equal("That security answer is too easy to guess; choose one only you know.", Problem(answer));

    [Theory]
    [InlineData("favourite colour")]
    [InlineData("Your favourite colour!")]
    [InlineData("my favourite colour")]
    [InlineData("What is your favourite colour?")]
    public void An_answer_made_of_the_question_s_words_is_refused(string answer) =>
        Assert.StartsWith("The security answer must not repeat the question's words", Problem(answer), StringComparison.Ordinal);

    [Theory]
    [InlineData("!!!???...")]
    [InlineData("- - - + + +")]
    public void An_answer_without_letters_or_digits_is_refused(string answer) =>
        Assert.StartsWith("The security answer must", Problem(answer), StringComparison.Ordinal);

    [Theory]
    [InlineData("ann example")]
    [InlineData("+491701234567")]
    public void An_answer_from_the_account_s_own_details_is_refused(string answer) =>
        Assert.Equal("The security answer must not be your name, e-mail or phone number.", Problem(answer));

    [Theory]
    [InlineData("Grandma's blue teapot")]
    [InlineData("Dire Straits in Leipzig")]
    [InlineData("the blue of my first bicycle")]
    [InlineData("Краснодар 1987")]
    public void An_answer_only_its_owner_would_give_is_taken(string answer) => Assert.Null(Problem(answer));
}
