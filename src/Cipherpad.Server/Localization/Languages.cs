using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Cipherpad.Server.Localization;

/// <summary>
/// The languages of the pages, e-mails and SMS. A browser's page is in the language chosen with the switch on every page
/// (a cookie), else the first of its <c>Accept-Language</c> that Cipherpad speaks, else English. Only the UI culture
/// follows the language: numbers, amounts and machine formats keep the invariant culture, and times are shown in the
/// viewer's own format by the page's script.
/// </summary>
public static class Languages
{
    public const string English = "en";
    public const string Russian = "ru";

    /// <summary>Each language's tag and its name in itself, as the switch shows it.</summary>
    public static readonly IReadOnlyList<(string Tag, string Name)> Supported = [(English, "English"), (Russian, "Русский")];

    public static readonly string CookieName = CookieRequestCultureProvider.DefaultCookieName;

    /// <summary>The supported language that <paramref name="tag"/> names (its first subtag), or null.</summary>
    public static string? Find(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }
        var primary = tag.Split('-', 2)[0].Trim();
        return Supported.Select(l => l.Tag).FirstOrDefault(l => string.Equals(l, primary, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The UI culture of a stored language, English when none is stored or it is no longer supported.</summary>
    public static CultureInfo CultureOf(string? language) => CultureInfo.GetCultureInfo(Find(language) ?? English);

    /// <summary>The language of the current UI culture, as stored on an account.</summary>
    public static string Current => Find(CultureInfo.CurrentUICulture.Name) ?? English;

    /// <summary>
    /// Makes <paramref name="language"/> the current UI culture until the result is disposed: for composing an e-mail or
    /// SMS in its recipient's language inside a request in another.
    /// </summary>
    public static IDisposable Use(string? language)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureOf(language);
        return new Restore(previous);
    }

    internal static RequestLocalizationOptions RequestOptions()
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo(English)),
            SupportedCultures = [CultureInfo.InvariantCulture],
            SupportedUICultures = [.. Supported.Select(l => CultureInfo.GetCultureInfo(l.Tag))],
        };
        options.RequestCultureProviders = [new LanguageChoice()];
        return options;
    }

    /// <summary>
    /// The switch's cookie, else the browser's most preferred language that Cipherpad speaks, matched by its first subtag
    /// (<c>ru-RU</c> is Russian). The framework's header provider would need every regional culture listed.
    /// </summary>
    private sealed class LanguageChoice : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var cookie = httpContext.Request.Cookies[CookieName];
            var chosen = cookie is null ? null : Find(CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures.FirstOrDefault().Value);
            chosen ??= httpContext.Request.GetTypedHeaders().AcceptLanguage
                .Where(l => l.Quality is null or > 0)
                .OrderByDescending(l => l.Quality ?? 1)
                .Select(l => Find(l.Value.Value))
                .FirstOrDefault(l => l is not null);
            return Task.FromResult(chosen is null ? null : new ProviderCultureResult(chosen));
        }
    }

    private sealed class Restore(CultureInfo previous) : IDisposable
    {
        public void Dispose() => CultureInfo.CurrentUICulture = previous;
    }
}
