using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/signin</c> before a question: the e-mail form.</summary>
public sealed class SignInPage : HtmlPage
{
    private SignInPage(HttpClient browser, string address, IHtmlDocument document)
        : base(browser, address, document)
    {
    }

    /// <summary>The local page the sign-in returns to, as the form carries it.</summary>
    public string ReturnUrl => Document.QuerySelector<IHtmlInputElement>("input[name=ReturnUrl]")?.Value ?? "";

    public static new async Task<SignInPage> OpenAsync(HttpClient browser, string? returnUrl = null)
    {
        var address = returnUrl is null ? "/signin" : $"/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        return new(browser, address, await ReadAsync(browser, address));
    }

    /// <summary>Asks for a question for <paramref name="email"/>; the next page shows it.</summary>
    public async Task<SignInQuestionPage> AskForQuestionAsync(string email)
    {
        using var response = await SubmitAsync("Start", new Dictionary<string, string> { ["Email"] = email });
        return new(Browser, Address, await ParseAsync(response));
    }
}
