using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Cipherpad.Server.Web;

/// <summary>
/// A moment as a page shows it: a <c>time</c> element that reads well in UTC without JavaScript ("5 Dec 2026, 14:05 UTC"),
/// with the exact UTC time on hover; <c>/js/site.js</c> rewrites it in the viewer's own time zone and language.
/// </summary>
public static class ShownTime
{
    public static IHtmlContent Of(DateTimeOffset moment)
    {
        var utc = moment.ToUniversalTime();
        var exact = utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var readable = utc.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return new HtmlString(
            $"<time datetime=\"{utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\" title=\"{HtmlEncoder.Default.Encode(exact)}\">{HtmlEncoder.Default.Encode(readable)}</time>");
    }

    /// <summary><see cref="Of(DateTimeOffset)"/>, or <paramref name="otherwise"/> when there is no moment.</summary>
    public static IHtmlContent Of(DateTimeOffset? moment, string otherwise) =>
        moment is { } known ? Of(known) : new HtmlString(HtmlEncoder.Default.Encode(otherwise));
}
