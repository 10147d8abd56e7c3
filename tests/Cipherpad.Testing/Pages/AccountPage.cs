using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/account</c>: the greeting, settings, cipher pads, recent authorizations, fees, and signing out.</summary>
public sealed class AccountPage : HtmlPage
{
    private AccountPage(HttpClient browser, IHtmlDocument document)
        : base(browser, "/account", document)
    {
    }

    public string? Greeting => TextOf("#greeting");

    /// <summary>The value of "SMS answers left today".</summary>
    public string? SmsLeftToday => TextOf("#sms-left strong");

    /// <summary>The value of "Confirm all operations": on or off.</summary>
    public string? ConfirmAllOperations => TextOf("#confirm-all strong");

    /// <summary>The names in the cipher pads table.</summary>
    public IReadOnlyList<string> DeviceNames =>
    [
        .. Document.QuerySelectorAll("h2").Where(h => h.TextContent == "Cipher pads").Select(h => h.NextElementSibling)
            .SelectMany(table => table?.QuerySelectorAll("tr td:first-child") ?? Enumerable.Empty<IElement>()).Select(cell => cell.TextContent.Trim()),
    ];

    public static async Task<AccountPage> OpenAsync(HttpClient browser) => new(browser, await ReadAsync(browser, "/account"));

    /// <summary>Presses "Sign out".</summary>
    public Task<HttpResponseMessage> SignOutAsync()
    {
        var form = Document.QuerySelector<IHtmlFormElement>("nav form[method=post]");
        Assert.True(form is not null, "the page has a sign-out button");
        return SubmitAsync(form, new Dictionary<string, string>());
    }
}
