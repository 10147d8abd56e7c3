using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Cipherpad.Server.Localization;
using Microsoft.Extensions.Localization;

namespace Cipherpad.Server.Web;

/// <summary>
/// Problems (a page not found, a bad request, too many requests, a crash) answered to a person's browser as a page in the
/// site's design that says what to do next, instead of the API's JSON. Every other caller — the APIs, OpenID Connect's
/// back channel, a reverse proxy's forward-auth checks, anything that does not ask for HTML — keeps RFC 7807 problem
/// details. Registered before the framework's JSON writer, so it is asked first.
/// </summary>
public sealed class HtmlProblemPages : IProblemDetailsWriter
{
    private static readonly HtmlEncoder Encoder = LocalizationExtensions.PageEncoder;
    private static readonly string[] MachinePaths = ["/api", "/connect", "/auth", "/.well-known", "/openapi", "/health"];

    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        return !MachinePaths.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            && request.Headers.Accept.Any(accept => accept?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var texts = http.RequestServices.GetRequiredService<IStringLocalizer<Texts>>();
        var (title, advice) = Explain(status, http, texts);
        // A crash's own words are for the server's log, not for the page; every other problem's detail tells the person what was wrong.
        var detail = status >= 500 ? null : context.ProblemDetails.Detail;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Page(status, title, detail, advice, texts), Encoding.UTF8, http.RequestAborted);
    }

    private static (string Title, string Advice) Explain(int status, HttpContext http, IStringLocalizer<Texts> texts)
    {
        string Link(string href, string text) => $"<a href=\"{href}\">{Encoder.Encode(texts[text])}</a>";
        string Advice(string format, params string[] links) =>
            string.Format(CultureInfo.InvariantCulture, Encoder.Encode(texts[format]), links);
        return status switch
        {
            StatusCodes.Status404NotFound => (texts["Page not found"],
                Advice("The address may be mistyped, or the page has moved. Start again from the {0}, or sign in to {1}.",
                    Link("/", "home page"), Link("/signin", "your personal account"))),
            StatusCodes.Status429TooManyRequests => (texts["Too many requests"],
                Encoder.Encode($"{texts["This address has sent too many requests for now."]} {RetryAfter(http, texts)} {texts["Nothing you sent has been lost by waiting."]}")),
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => (texts["Not allowed"],
                Advice("You may need to sign in first: {0}.", Link("/signin", "Sign in"))),
            >= 500 => (texts["Something went wrong on our side"],
                Advice("The request could not be completed. Nothing was changed unless a page said so. Try again in a moment; if it keeps happening, {0}.",
                    Link("/support", "tell us"))),
            _ => (texts["This request could not be handled"],
                Advice("Go back, check what you entered and try again, or start from the {0}.", Link("/", "home page"))),
        };
    }

    private static string RetryAfter(HttpContext http, IStringLocalizer<Texts> texts) =>
        int.TryParse(http.Response.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds < 120 ? texts["Try again in {0} seconds.", seconds] : texts["Try again in {0} minutes.", (seconds + 59) / 60]
            : texts["Try again in a minute."];

    private static string Page(int status, string title, string? detail, string advice, IStringLocalizer<Texts> texts)
    {
        var encoder = Encoder;
        var detailHtml = string.IsNullOrWhiteSpace(detail) ? "" : $"<p class=\"alert-error\" id=\"problem-detail\">{encoder.Encode(detail)}</p>";
        return $"""
            <!DOCTYPE html>
            <html lang="{Languages.Current}">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <title>{encoder.Encode(title)} · Cipherpad</title>
                <link rel="stylesheet" href="/css/site.css" />
                <link rel="icon" href="/pad/icon.svg" type="image/svg+xml" />
            </head>
            <body>
            <header class="site-header"><div class="bar"><a class="brand" href="/"><img src="/pad/icon.svg" alt="" width="28" height="28" /> Cipherpad</a></div></header>
            <main id="content">
            <p class="muted">{encoder.Encode(texts["Error {0}", status.ToString(CultureInfo.InvariantCulture)])}</p>
            <h1>{encoder.Encode(title)}</h1>
            {detailHtml}
            <p>{advice}</p>
            </main>
            <footer class="site-footer">Cipherpad · <a href="/support">{encoder.Encode(texts["Support"])}</a></footer>
            </body>
            </html>
            """;
    }
}
