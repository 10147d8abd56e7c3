using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/register</c>: the account's details, the security question, the human check and a field only robots fill in.</summary>
public sealed class RegisterPage : HtmlPage
{
    private RegisterPage(HttpClient browser, IHtmlDocument document)
        : base(browser, "/register", document)
    {
    }

    public static async Task<RegisterPage> OpenAsync(HttpClient browser) => new(browser, await ReadAsync(browser, "/register"));

    /// <summary>Creates the account; a success redirects, a refusal shows the form again with its problems.</summary>
    public Task<HttpResponseMessage> RegisterAsync(string email, string phone, string securityAnswer, string? humanCheck = null, string firstName = "Ann",
        string securityQuestion = "What was on my grandmother's shelf?") =>
        SubmitAsync("", new Dictionary<string, string>
        {
            ["FirstName"] = firstName,
            ["LastName"] = "Example",
            ["Email"] = email,
            ["Phone"] = phone,
            ["SecurityQuestion"] = securityQuestion,
            ["SecurityAnswer"] = securityAnswer,
            ["HumanCheck"] = humanCheck ?? SolveHumanCheck(),
            ["Website"] = "",
        });

    /// <summary>What the page's script does: solves the proof of work the page carries and returns the form's HumanCheck value.</summary>
    public string SolveHumanCheck() => Journeys.SolveHumanCheck(Document.DocumentElement.OuterHtml);
}
