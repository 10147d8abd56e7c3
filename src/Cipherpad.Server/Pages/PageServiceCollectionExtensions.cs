using Microsoft.AspNetCore.Authentication.Cookies;

namespace Cipherpad.Server.Pages;

public static class PageServiceCollectionExtensions
{
    /// <summary>The Razor pages and the cookie that keeps a person signed in to their personal account.</summary>
    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddRazorPages();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.LoginPath = "/signin";
            cookie.Cookie.Name = "cipherpad";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        return services;
    }
}
