using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary>
/// <c>/confirm-email</c>, opened from the registration mail's link: the e-mail is confirmed and the person chooses their
/// answer methods; after the choice it says where the activation code went.
/// </summary>
public sealed class ConfirmEmailPage : HtmlPage
{
    private ConfirmEmailPage(HttpClient browser, string address, IHtmlDocument document)
        : base(browser, address, document)
    {
    }

    public bool Confirmed => Heading == "Your e-mail is confirmed";

    public bool CodeSent => Heading == "Activation code sent";

    /// <summary>Opens the link of the registration mail (its path and query).</summary>
    public static new async Task<ConfirmEmailPage> OpenAsync(HttpClient browser, string link) => new(browser, link, await ReadAsync(browser, link));

    /// <summary>Ticks the cipher pad and, if <paramref name="sms"/>, answers by SMS, and asks for the activation code.</summary>
    public async Task<ConfirmEmailPage> ChooseMethodsAsync(bool app = true, bool sms = false)
    {
        Assert.True(Confirmed, "the page offers the choice of methods");
        var ticked = new Dictionary<string, string>();
        foreach (var (name, on) in new[] { ("app", app), ("sms", sms) })
        {
            Assert.NotNull(Document.QuerySelector($"input[type=checkbox][name={name}]"));
            if (on)
            {
                ticked[name] = "true";
            }
        }
        using var response = await SubmitAsync("", ticked);
        return new(Browser, "/confirm-email", await ParseAsync(response));
    }
}
