using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/activation/new-code</c>: "forgot your activation code?", the e-mail form and what it answers.</summary>
public sealed class NewActivationCodePage : HtmlPage
{
    public const string Path = "/activation/new-code";

    private NewActivationCodePage(HttpClient browser, string address, IHtmlDocument document)
        : base(browser, address, document)
    {
    }

    /// <summary>The notice shown after the form was sent; null while the form is shown.</summary>
    public string? LinkMailed => TextOf("#link-mailed");

    public static async Task<NewActivationCodePage> OpenAsync(HttpClient browser) => new(browser, Path, await ReadAsync(browser, Path));

    /// <summary>Asks for a link for <paramref name="email"/>; the form can be sent again from this page, as a reloading browser would.</summary>
    public async Task<NewActivationCodePage> RequestLinkAsync(string email)
    {
        using var response = await SubmitAsync("", new Dictionary<string, string> { ["Email"] = email });
        Assert.True(response.IsSuccessStatusCode, $"POST {Path} answered {(int)response.StatusCode}");
        return new(Browser, Address, await ParseAsync(response));
    }
}
