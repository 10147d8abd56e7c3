using System.Globalization;
using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/register</c>: the account's details, the security question, the human check and a field only robots fill in.</summary>
public sealed class RegisterPage : HtmlPage
{
    private static readonly string[] Words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

    private RegisterPage(HttpClient browser, IHtmlDocument document)
        : base(browser, "/register", document)
    {
    }

    /// <summary>The human check's question, as its label shows it.</summary>
    public string HumanQuestion => TextOf("label[for=HumanAnswer]") ?? "";

    public static async Task<RegisterPage> OpenAsync(HttpClient browser) => new(browser, await ReadAsync(browser, "/register"));

    /// <summary>Creates the account; a success redirects, a refusal shows the form again with its problems.</summary>
    public Task<HttpResponseMessage> RegisterAsync(string email, string phone, string securityAnswer, string? humanAnswer = null) =>
        SubmitAsync("", new Dictionary<string, string>
        {
            ["FirstName"] = "Ann",
            ["LastName"] = "Example",
            ["Email"] = email,
            ["Phone"] = phone,
            ["SecurityQuestion"] = "What was on my grandmother's shelf?",
            ["SecurityAnswer"] = securityAnswer,
            ["HumanAnswer"] = humanAnswer ?? SolveHumanCheck(HumanQuestion),
            ["Website"] = "",
        });

    /// <summary>The answer to the human check's question ("What is seven plus 3? (digits)").</summary>
    public static string SolveHumanCheck(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var words = question.Split(' ', '?');
        Assert.True(words is ["What", "is", var number, "plus", _, ..] && Words.Contains(number, StringComparer.Ordinal),
            $"the page shows a human check, not \"{question}\"");
        return (Array.IndexOf(Words, words[2]) + int.Parse(words[4], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
    }
}
