using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Cipherpad.Server.RelyingParties;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.WebEncoders;

namespace Cipherpad.Server.Localization;

public static class LocalizationExtensions
{
    /// <summary>The encoder of pages written outside Razor: every letter as itself, as Razor's (<see cref="AddLanguages"/>), markup escaped.</summary>
    public static HtmlEncoder PageEncoder { get; } = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>
    /// The resources of <see cref="Texts"/>, and the <see cref="Translator"/> for e-mails and SMS. Pages write every letter as itself, Cyrillic too,
    /// rather than as a character reference; the encoder still escapes markup.
    /// </summary>
    public static IServiceCollection AddLanguages(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<Translator>();
        services.Configure<WebEncoderOptions>(encoder => encoder.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    /// <summary>
    /// Chooses each browser request's language (<see cref="Languages"/>) before anything that may write a page, error pages
    /// included. The relying-party API, whose texts are English for developers, skips it.
    /// </summary>
    public static IApplicationBuilder UseLanguages(this IApplicationBuilder app)
    {
        var options = Languages.RequestOptions();
        return app.UseWhen(http => !RelyingPartyAuthentication.IsRelyingPartyApi(http), pages => pages.UseRequestLocalization(options));
    }

    /// <summary>
    /// A stored code, such as an authorization log's result (<c>wrong-code</c>), in the current UI language: its translation
    /// is keyed <c>log:wrong-code</c>, apart from page texts that read the same. A code without one is shown as it is.
    /// </summary>
    public static string LogTerm(this IStringLocalizer localizer, string code)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var term = localizer["log:" + code];
        return term.ResourceNotFound ? code : term.Value;
    }

    /// <summary>
    /// A sentence with markup inside, such as <c>Pay {0} to {1}.</c> with amounts in bold: the translation is encoded and
    /// the parts, already HTML, go into its placeholders.
    /// </summary>
    public static IHtmlContent Html(this IStringLocalizer localizer, string format, params IHtmlContent[] parts)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var encoded = PageEncoder.Encode(localizer[format].Value);
        return new HtmlString(string.Format(CultureInfo.InvariantCulture, encoded, parts.Select(part =>
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            part.WriteTo(writer, PageEncoder);
            return writer.ToString();
        }).ToArray<object>()));
    }

    /// <summary>The text in the current UI language.</summary>
    public static string Shown(this IStringLocalizer localizer, Text text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.In(localizer);
    }
}
