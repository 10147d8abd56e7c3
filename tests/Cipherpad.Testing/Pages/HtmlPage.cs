using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Cipherpad.Testing.Pages;

/// <summary>
/// A page of the server as a person sees it, parsed by a real HTML parser: its visible text, the problems it shows, and
/// its forms, which it submits the way a browser would (with the hidden fields it carries, such as the antiforgery token).
/// Pages with steps of their own have a class that knows their fields and returns the next page.
/// </summary>
public class HtmlPage
{
    private static readonly HtmlParser Parser = new();

    protected HtmlPage(HttpClient browser, string address, IHtmlDocument document)
    {
        Browser = browser;
        Address = address;
        Document = document;
    }

    protected HttpClient Browser { get; }

    /// <summary>The path and query the page was read from; a form without an action posts back here.</summary>
    public string Address { get; }

    public IHtmlDocument Document { get; }

    /// <summary>What the page shows, tags removed and entities decoded.</summary>
    public string Text => Document.Body?.TextContent ?? "";

    /// <summary>The whole markup with entities decoded, for checking that something appears nowhere at all, not even in an attribute.</summary>
    public string Source => WebUtility.HtmlDecode(Document.DocumentElement.OuterHtml);

    public string? Heading => TextOf("h1");

    /// <summary>The problems the page shows, in order.</summary>
    public IReadOnlyList<string> Problems => [.. Document.QuerySelectorAll(".error").Select(e => e.TextContent.Trim())];

    public static async Task<HtmlPage> OpenAsync(HttpClient browser, string address) =>
        new(browser, address, await ReadAsync(browser, address));

    /// <summary>The page a response carries (a page re-shown with its problems, or the page after a step).</summary>
    public static async Task<HtmlPage> FromAsync(HttpClient browser, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(browser, response.RequestMessage?.RequestUri?.PathAndQuery ?? "/", await ParseAsync(response));
    }

    protected static async Task<IHtmlDocument> ReadAsync(HttpClient browser, string address)
    {
        ArgumentNullException.ThrowIfNull(browser);
        using var response = await browser.GetAsync(address);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {address} answered {(int)response.StatusCode}");
        return await ParseAsync(response);
    }

    protected static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The text of the first element matching <paramref name="selector"/>, trimmed; null when the page has none.</summary>
    public string? TextOf(string selector) => Document.QuerySelector(selector)?.TextContent.Trim();

    /// <summary>
    /// Posts the page's form for <paramref name="handler"/> (the Razor page handler; empty for the page's own form) as a
    /// person who filled in exactly <paramref name="fields"/>: the form's hidden fields go along, a hidden field named in
    /// <paramref name="fields"/> takes the given value (as a tampered request would), and every other field is left empty.
    /// </summary>
    public Task<HttpResponseMessage> SubmitAsync(string handler, IReadOnlyDictionary<string, string>? fields = null) =>
        SubmitAsync(Form(handler), fields ?? new Dictionary<string, string>());

    /// <summary>
    /// Posts the page's form for <paramref name="handler"/> as a person who changed nothing in it: its hidden fields and the
    /// boxes the page shows ticked go along, and the fields in <paramref name="typed"/>, as typed.
    /// </summary>
    public Task<HttpResponseMessage> SubmitAsShownAsync(string handler, IReadOnlyDictionary<string, string>? typed = null)
    {
        var form = Form(handler);
        var fields = form.QuerySelectorAll<IHtmlInputElement>("input[type=checkbox][checked]").Where(box => !string.IsNullOrEmpty(box.Name))
            .ToDictionary(box => box.Name!, box => box.Value, StringComparer.Ordinal);
        foreach (var (name, value) in typed ?? new Dictionary<string, string>())
        {
            fields[name] = value;
        }
        return SubmitAsync(form, fields);
    }

    /// <summary>
    /// Chooses <paramref name="language"/> with the switch at the foot of the page, as a click on it would; a
    /// <paramref name="returnUrl"/> replaces the page's own, as a forged request would.
    /// </summary>
    public Task<HttpResponseMessage> SwitchLanguageAsync(string language, string? returnUrl = null)
    {
        var form = Document.QuerySelector<IHtmlFormElement>("form.language-switch");
        Assert.True(form is not null, $"{Address} has the language switch");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["language"] = language };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }
        return SubmitAsync(form, fields);
    }

    protected IHtmlFormElement Form(string handler)
    {
        var forms = Document.QuerySelectorAll<IHtmlFormElement>("main form[method=post]");
        var form = forms.FirstOrDefault(f => handler.Length == 0
            ? !(f.GetAttribute("action") ?? "").Contains("handler=", StringComparison.Ordinal)
            : (f.GetAttribute("action") ?? "").EndsWith("handler=" + handler, StringComparison.Ordinal));
        Assert.True(form is not null, $"{Address} has a form for the handler \"{handler}\"");
        return form;
    }

    protected async Task<HttpResponseMessage> SubmitAsync(IHtmlFormElement form, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(form);
        var values = form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]")
            .Where(input => !string.IsNullOrEmpty(input.Name))
            .ToDictionary(input => input.Name!, input => input.Value, StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }
        var action = form.GetAttribute("action");
        return await Browser.PostAsync(string.IsNullOrEmpty(action) ? Address : action, new FormUrlEncodedContent(values));
    }
}
