using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary>
/// <c>/account/confirm/{id}</c>: an account change waiting for the cipher pad's action answer, and after the answer,
/// the change done or the answer's problem.
/// </summary>
public sealed class ConfirmChangePage : HtmlPage
{
    private ConfirmChangePage(HttpClient browser, string address, IHtmlDocument document)
        : base(browser, address, document)
    {
    }

    /// <summary>What the change does, while it waits.</summary>
    public string? Description => TextOf("#description");

    /// <summary>The action question for the cipher pad; null when the page asks none.</summary>
    public string? Question => TextOf("#question");

    /// <summary>"Done: …" once the change is applied; otherwise null.</summary>
    public string? Done => TextOf("#done");

    /// <summary>What went wrong with the answer, if anything.</summary>
    public string? AnswerProblem => TextOf("#answer-error");

    public static new async Task<ConfirmChangePage> OpenAsync(HttpClient browser, string address) => new(browser, address, await ReadAsync(browser, address));

    /// <summary>Types the cipher pad's <paramref name="answer"/> to the question.</summary>
    public async Task<ConfirmChangePage> ConfirmAsync(string answer)
    {
        Assert.True(Question is not null, "the page asks a question");
        using var response = await SubmitAsync("", new Dictionary<string, string> { ["Answer"] = answer });
        return new(Browser, Address, await ParseAsync(response));
    }
}
