using Cipherpad.Server.Accounts;
using Cipherpad.Server.Sessions;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.ForwardAuth;

/// <summary>
/// The endpoints a reverse proxy asks, for every request to a site it protects, whether the person may pass: NGINX's
/// <c>auth_request</c> (<c>/auth/request</c>), Traefik's <c>forwardAuth</c> and Caddy's <c>forward_auth</c>
/// (<c>/auth/forward</c>). A browser with an open Cipherpad session (fresh enough for
/// <see cref="ForwardAuthOptions.MaxSessionAge"/>) of an account in <see cref="ForwardAuthOptions.AllowedUsers"/> gets 200 and
/// the person in <c>Remote-User</c>, <c>Remote-Email</c> and <c>Remote-Name</c>, which the proxy hands to the site; another
/// account gets 403; anyone else is sent to sign in, and back to the address they asked for. The session is read from the
/// forward-auth cookie only (<see cref="ForwardAuthServiceCollectionExtensions.CookieScheme"/>), which the proxy passes on
/// with the site's request.
/// </summary>
public static class ForwardAuthEndpoints
{
    public const string UserHeader = "Remote-User";
    public const string EmailHeader = "Remote-Email";
    public const string NameHeader = "Remote-Name";

    public static IEndpointRouteBuilder MapForwardAuth(this IEndpointRouteBuilder app)
    {
        // NGINX's auth_request takes only 2xx, 401 and 403: the way to sign in goes in the 401's Location header.
        app.MapGet("/auth/request", (Func<HttpContext, Task<IResult>>)(http => CheckAsync(http, StatusCodes.Status401Unauthorized))).ExcludeFromDescription();
        app.MapGet("/auth/forward", (Func<HttpContext, Task<IResult>>)(http => CheckAsync(http, StatusCodes.Status302Found))).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CheckAsync(HttpContext http, int refusal)
    {
        var services = http.RequestServices;
        var settings = services.GetRequiredService<IOptions<CipherpadOptions>>().Value.ForwardAuth;
        var (sessions, accounts, links, time) = (services.GetRequiredService<SignInSessions>(), services.GetRequiredService<AccountDirectory>(),
            services.GetRequiredService<PublicLinks>(), services.GetRequiredService<TimeProvider>());
        if (settings.ProtectedHosts.Count == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Forward-auth is off",
                detail: "Set Cipherpad:ForwardAuth:ProtectedHosts to the sites the proxy protects.");
        }
        var signedIn = (await http.AuthenticateAsync(ForwardAuthServiceCollectionExtensions.CookieScheme)).Principal;
        var session = signedIn is null ? null : await sessions.OpenAsync(signedIn, http.RequestAborted);
        if (session is not null && (settings.MaxSessionAge is not { } maxAge || time.GetUtcNow() - session.StartedAt <= maxAge))
        {
            var account = await accounts.GetAsync(session.AccountId, http.RequestAborted);
            if (!settings.Allows(account.Email))
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                    detail: "This Cipherpad account may not use this site.");
            }
            http.Response.Headers[UserHeader] = HeaderValue(account.Email);
            http.Response.Headers[EmailHeader] = HeaderValue(account.Email);
            http.Response.Headers[NameHeader] = HeaderValue(account.FullName);
            return Results.Ok();
        }
        var asked = OriginalAddress(http.Request);
        var signIn = settings.Protects(asked) ? links.To("/signin") + "?ReturnUrl=" + Uri.EscapeDataString(asked!) : links.To("/signin");
        http.Response.Headers.Location = signIn;
        return Results.StatusCode(refusal);
    }

    /// <summary>A header carries ASCII only: text in another script goes percent-encoded (RFC 3986), as the site must then read it.</summary>
    private static string HeaderValue(string text) => text.All(c => c is >= ' ' and <= '~') ? text : Uri.EscapeDataString(text);

    /// <summary>
    /// The address the person asked the protected site for, as the proxy passes it: NGINX in <c>X-Original-URL</c> (as the
    /// documented configuration sets it), Traefik and Caddy in <c>X-Forwarded-Proto</c>, <c>-Host</c> and <c>-Uri</c>.
    /// Only used to come back to after sign-in, and only on a protected host.
    /// </summary>
    private static string? OriginalAddress(HttpRequest request)
    {
        if (request.Headers["X-Original-URL"].ToString() is { Length: > 0 } original)
        {
            return original;
        }
        // When the proxy is trusted, X-Forwarded-Proto has already become the request's scheme (and is gone from the headers).
        var scheme = request.Headers["X-Forwarded-Proto"].ToString() is { Length: > 0 } proto ? proto : request.Scheme;
        var (host, path) = (request.Headers["X-Forwarded-Host"].ToString(), request.Headers["X-Forwarded-Uri"].ToString());
        return host.Length > 0 && scheme is "http" or "https" ? $"{scheme}://{host}{(path.StartsWith('/') ? path : "/")}" : null;
    }
}
