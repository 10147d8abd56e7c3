using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Cipherpad.Server.Sessions;

public static class SessionServiceCollectionExtensions
{
    /// <summary>
    /// Sign-in sessions and the cookie that names one: checked against the database on every request, renewed while
    /// used (<see cref="SessionOptions.IdleTimeout"/>), never past <see cref="SessionOptions.AbsoluteLifetime"/>.
    /// </summary>
    public static IServiceCollection AddSessions(this IServiceCollection services, SessionOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddScoped<SignInSessions>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.LoginPath = "/signin";
            cookie.Cookie.Name = "cipherpad";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = settings.IdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = RejectUnlessSessionOpenAsync;
        });
        return services;
    }

    /// <summary>A cookie's principal counts only while the session it names is open; otherwise the cookie is removed.</summary>
    public static async Task RejectUnlessSessionOpenAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SignInSessions>();
        if (context.Principal is null || !await sessions.IsOpenAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }
}
