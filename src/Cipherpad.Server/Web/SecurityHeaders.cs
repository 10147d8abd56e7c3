namespace Cipherpad.Server.Web;

/// <summary>
/// What every response tells the browser, so that a page of this server cannot be framed (clickjacking a confirmation),
/// run a script or style that an injection slipped into it, be sniffed into another type, leak a link's token through
/// the Referer, or stay in a cache after sign-out; and, over HTTPS, that the browser must never come back over HTTP.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Everything from this server only: its scripts (<c>wwwroot/js</c>) and its stylesheet (<c>wwwroot/css</c>), never
    /// inline; images also as <c>data:</c> URLs (the QR code of a question); forms post only here; no page in a frame.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'";

    private const string FormRedirectItem = "cipherpad:form-redirect-origin";
    private const string AutoPostItem = "cipherpad:auto-post";

    /// <summary>
    /// The one script of OpenIddict's <c>response_mode=form_post</c> page, which posts the authorization response to the
    /// client (the ASP.NET Core OpenID Connect handler asks for that mode by default); allowed by its hash, and only on
    /// OpenIddict's form-post responses (<c>OidcServiceCollectionExtensions</c>).
    /// </summary>
    private static readonly string AutoPostScriptHash =
        "'sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("document.form.submit();"u8)) + "'";

    /// <summary>
    /// Lets this response's form post end at <paramref name="address"/>'s origin: browsers hold the redirect after a form
    /// post to <c>form-action</c> too. For a sign-in returning to a site that asked for it — an OpenID Connect client's
    /// registered return address (whose form-post response page may also run its one script:
    /// <paramref name="postsAuthorizationResponse"/>), a site behind forward-auth — never for an address a visitor chose alone.
    /// </summary>
    public static void AllowFormRedirectTo(HttpContext context, Uri address, bool postsAuthorizationResponse = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is "http" or "https")
        {
            context.Items[FormRedirectItem] = address.GetLeftPart(UriPartial.Authority);
            context.Items[AutoPostItem] = postsAuthorizationResponse;
        }
    }

    private static string PolicyFor(HttpContext context)
    {
        if (context.Items[FormRedirectItem] is not string origin)
        {
            return ContentSecurityPolicy;
        }
        var policy = ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {origin}", StringComparison.Ordinal);
        return context.Items[AutoPostItem] is true
            ? policy.Replace("script-src 'self'", $"script-src 'self' {AutoPostScriptHash}", StringComparison.Ordinal)
            : policy;
    }

    /// <summary>
    /// Links carry one-time tokens (recovery, e-mail confirmation, aliases): no address is handed to another site.
    /// </summary>
    public const string ReferrerPolicy = "no-referrer";

    /// <summary>
    /// Sets the headers on every response, when it starts, so that neither the exception handler (which clears the
    /// response) nor antiforgery (which would set <c>X-Frame-Options: SAMEORIGIN</c>) can leave them out or weaken them.
    /// Outside Development, adds <c>Strict-Transport-Security</c> to responses to HTTPS requests; it goes after
    /// <c>UseTrustedProxies</c>, so a request that reached a listed reverse proxy over HTTPS counts as HTTPS.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = PolicyFor(context);
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        return app;
    }

    /// <summary>
    /// <c>Cache-Control: no-store</c> on every response not served from <c>wwwroot</c>: pages and API answers carry
    /// personal data, questions, codes and tokens, which no browser or proxy cache may keep. Goes after <c>UseStaticFiles</c>.
    /// An endpoint that sets its own <c>Cache-Control</c> (a question's QR code, kept privately) keeps it.
    /// </summary>
    public static WebApplication UseNoStore(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (string.IsNullOrEmpty(context.Response.Headers.CacheControl))
                {
                    context.Response.Headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
