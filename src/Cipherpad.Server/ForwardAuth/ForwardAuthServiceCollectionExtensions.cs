using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Cipherpad.Server.ForwardAuth;

public static class ForwardAuthServiceCollectionExtensions
{
    /// <summary>The cookie that only the forward-auth endpoints read.</summary>
    public const string CookieScheme = "ForwardAuth";

    /// <summary>
    /// When forward-auth is on: a second cookie naming the same sign-in session, issued and removed with the personal
    /// account's, valid for <see cref="ForwardAuthOptions.CookieDomain"/>. The proxies of the protected sites pass it on
    /// (and their sites see it), so it is good for nothing but <c>/auth/*</c>: a site that keeps it cannot open the
    /// personal account or sign in at a relying party with it. It does not slide (the proxy would drop a renewed cookie):
    /// it lasts as long as the session row says, checked on every request.
    /// </summary>
    public static IServiceCollection AddForwardAuth(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ForwardAuth.ProtectedHosts.Count == 0)
        {
            return services;
        }
        services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "cipherpad_forward";
            cookie.Cookie.Domain = string.IsNullOrWhiteSpace(options.ForwardAuth.CookieDomain) ? null : options.ForwardAuth.CookieDomain;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = options.Sessions.AbsoluteLifetime;
            cookie.SlidingExpiration = false;
            cookie.Events.OnValidatePrincipal = Sessions.SessionServiceCollectionExtensions.RejectUnlessSessionOpenAsync;
        });
        services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, main =>
        {
            var signedIn = main.Events.OnSignedIn;
            main.Events.OnSignedIn = async context =>
            {
                await signedIn(context);
                await context.HttpContext.SignInAsync(CookieScheme, context.Principal!);
            };
            var signingOut = main.Events.OnSigningOut;
            main.Events.OnSigningOut = async context =>
            {
                await signingOut(context);
                await context.HttpContext.SignOutAsync(CookieScheme);
            };
        });
        return services;
    }
}
