using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/connect/authorize</c>: Cipherpad's OpenID Connect sign-in and confirmation page, at each of its steps.</summary>
public sealed class AuthorizePage : HtmlPage
{
    private AuthorizePage(HttpClient browser, string address, IHtmlDocument document)
        : base(browser, address, document)
    {
    }

    /// <summary>What the page asks to confirm (a payment's amount and payee, an action's description), or null for a sign-in.</summary>
    public string? Operation => TextOf("#operation");

    public string? Question => TextOf("#question");

    /// <summary>The authorization request's parameters, as the page's forms post them back.</summary>
    public IReadOnlyDictionary<string, string> RequestParameters => Document.QuerySelectorAll<IHtmlInputElement>("main form input[type=hidden]")
        .Where(input => input.Name is not (null or "Email" or "ChallengeId" or "Method" or "MatchNumber" or "__RequestVerificationToken"))
        .GroupBy(input => input.Name!).ToDictionary(group => group.Key, group => group.First().Value, StringComparer.Ordinal);

    /// <summary>The page for <paramref name="response"/> if it is one (a 200); null when the endpoint redirected instead.</summary>
    public static async Task<AuthorizePage?> FromResponseAsync(HttpClient browser, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.StatusCode == System.Net.HttpStatusCode.OK
            ? new AuthorizePage(browser, response.RequestMessage!.RequestUri!.PathAndQuery, await ParseAsync(response))
            : null;
    }

    /// <summary>Asks for a question for <paramref name="email"/>; the next page shows it.</summary>
    public async Task<AuthorizePage> AskForQuestionAsync(string email)
    {
        using var response = await SubmitAsync("Start", new Dictionary<string, string> { ["Email"] = email });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return new(Browser, Address, await ParseAsync(response));
    }

    /// <summary>Types <paramref name="answer"/>; a success redirects to the client with a code, anything else shows the page again.</summary>
    public Task<HttpResponseMessage> AnswerAsync(string answer, IReadOnlyDictionary<string, string>? tampered = null)
    {
        var fields = new Dictionary<string, string>(tampered ?? new Dictionary<string, string>()) { ["Answer"] = answer };
        return SubmitAsync("Answer", fields);
    }

    public static async Task<AuthorizePage> ParseShownAsync(HttpClient browser, HttpResponseMessage response) =>
        await FromResponseAsync(browser, response) ?? throw new InvalidOperationException($"Expected the authorize page, got {(int)response.StatusCode} {response.Headers.Location}.");
}
