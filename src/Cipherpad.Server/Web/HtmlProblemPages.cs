using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Cipherpad.Server.Web;

/// <summary>
/// Problems (a page not found, a bad request, too many requests, a crash) answered to a person's browser as a page in the
/// site's design that says what to do next, instead of the API's JSON. Every other caller — the APIs, OpenID Connect's
/// back channel, a reverse proxy's forward-auth checks, anything that does not ask for HTML — keeps RFC 7807 problem
/// details. Registered before the framework's JSON writer, so it is asked first.
/// </summary>
public sealed class HtmlProblemPages : IProblemDetailsWriter
{
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
        var (title, advice) = Explain(status, http);
        // A crash's own words are for the server's log, not for the page; every other problem's detail tells the person what was wrong.
        var detail = status >= 500 ? null : context.ProblemDetails.Detail;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Page(status, title, detail, advice), Encoding.UTF8, http.RequestAborted);
    }

    private static (string Title, string Advice) Explain(int status, HttpContext http) => status switch
    {
        StatusCodes.Status404NotFound => ("Page not found",
            "The address may be mistyped, or the page has moved. Start again from the <a href=\"/\">home page</a>, or <a href=\"/signin\">sign in</a> to your personal account."),
        StatusCodes.Status429TooManyRequests => ("Too many requests",
            "This address has sent too many requests for now. " + RetryAfter(http) + " Nothing you sent has been lost by waiting."),
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => ("Not allowed",
            "You may need to <a href=\"/signin\">sign in</a> first."),
        >= 500 => ("Something went wrong on our side",
            "The request could not be completed. Nothing was changed unless a page said so. Try again in a moment; if it keeps happening, <a href=\"/support\">tell us</a>."),
        _ => ("This request could not be handled",
            "Go back, check what you entered and try again, or start from the <a href=\"/\">home page</a>."),
    };

    private static string RetryAfter(HttpContext http) =>
        int.TryParse(http.Response.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? $"Try again in {(seconds < 120 ? $"{seconds} seconds" : $"{(seconds + 59) / 60} minutes")}."
            : "Try again in a minute.";

    private static string Page(int status, string title, string? detail, string advice)
    {
        var encoder = HtmlEncoder.Default;
        var detailHtml = string.IsNullOrWhiteSpace(detail) ? "" : $"<p class=\"alert-error\" id=\"problem-detail\">{encoder.Encode(detail)}</p>";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
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
            <p class="muted">Error {status.ToString(CultureInfo.InvariantCulture)}</p>
            <h1>{encoder.Encode(title)}</h1>
            {detailHtml}
            <p>{advice}</p>
            </main>
            <footer class="site-footer">Cipherpad · <a href="/support">Support</a></footer>
            </body>
            </html>
            """;
    }
}
