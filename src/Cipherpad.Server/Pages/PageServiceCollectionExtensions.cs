namespace Cipherpad.Server.Pages;

public static class PageServiceCollectionExtensions
{
    /// <summary>The Razor pages; the cookie that keeps a person signed in is the sessions' (<c>AddSessions</c>).</summary>
    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddRazorPages();
        services.AddAuthorization();
        return services;
    }
}
