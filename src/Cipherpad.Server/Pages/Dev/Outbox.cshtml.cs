using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Cipherpad.Server.Pages.Dev;

/// <summary>Lists the outbox folders. Exists only in Development; elsewhere it answers 404.</summary>
public sealed partial class OutboxModel(IWebHostEnvironment environment, IOptions<CipherpadOptions> options) : PageModel
{
    public sealed record SmsView(string To, string Text, string At);

    public sealed record EmailView(string Subject, string To, string Date, string Body);

    /// <summary>
    /// A message's text for the page, every web address in it a link, so that a developer follows a confirmation or
    /// recovery link with a click; everything else is encoded as text.
    /// </summary>
    public static IHtmlContent WithLinks(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var html = new StringBuilder();
        var at = 0;
        foreach (Match link in WebAddress().Matches(text))
        {
            html.Append(HtmlEncoder.Default.Encode(text[at..link.Index]));
            var address = HtmlEncoder.Default.Encode(link.Value);
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{address}\">{address}</a>");
            at = link.Index + link.Length;
        }
        html.Append(HtmlEncoder.Default.Encode(text[at..]));
        return new HtmlString(html.ToString());
    }

    [GeneratedRegex(@"https?://[^\s<>""]+[^\s<>"".,;:!?)]")]
    private static partial Regex WebAddress();

    public List<SmsView> Sms { get; } = [];
    public List<EmailView> Emails { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }
        var settings = options.Value;
        foreach (var file in Newest(settings.DataPath(settings.Sms.OutboxDirectory), "*.json"))
        {
            using var json = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(file, cancellationToken));
            Sms.Add(new SmsView(json.RootElement.GetProperty("to").GetString()!, json.RootElement.GetProperty("text").GetString()!,
                json.RootElement.GetProperty("at").ToString()));
        }
        foreach (var file in Newest(settings.DataPath(settings.Email.OutboxDirectory), "*.eml"))
        {
            using var message = await MimeMessage.LoadAsync(file, cancellationToken);
            Emails.Add(new EmailView(message.Subject ?? "", message.To.ToString(), message.Date.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                message.TextBody ?? ""));
        }
        return Page();
    }

    private static IEnumerable<string> Newest(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, pattern).OrderByDescending(f => f, StringComparer.Ordinal).Take(50) : [];
}
