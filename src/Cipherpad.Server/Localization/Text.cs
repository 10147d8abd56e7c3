using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Localization;

namespace Cipherpad.Server.Localization;

/// <summary>
/// A text a person reads, kept as its English composite format and its arguments so that it can be shown in the reader's
/// language later: a page shows it in the request's language, an e-mail in the account's. Written as an ordinary
/// interpolated string where a <see cref="Text"/> is expected (<c>$"No account has the login '{login}'."</c> becomes the
/// format <c>No account has the login '{0}'.</c>, which is the key of its translation in <c>Texts.ru.resx</c>).
/// <see cref="ToString"/> is the English text, which the API returns.
/// </summary>
[InterpolatedStringHandler]
public sealed class Text
{
    private readonly StringBuilder? _format;
    private readonly List<object?> _arguments = [];
    private string? _builtFormat;

    public Text(int literalLength, int formattedCount)
    {
        _ = formattedCount;
        _format = new StringBuilder(literalLength + 8);
    }

    private Text(string format) => _builtFormat = format;

    /// <summary>The English composite format: the translation's key.</summary>
    public string Format => _builtFormat ??= _format!.ToString();

    public IReadOnlyList<object?> Arguments => _arguments;

    public void AppendLiteral(string literal) =>
        _format!.Append(literal.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));

    public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    public void AppendFormatted<T>(T value, string? format)
    {
        _format!.Append('{').Append(_arguments.Count.ToString(CultureInfo.InvariantCulture));
        if (format is not null)
        {
            _format.Append(':').Append(format);
        }
        _format.Append('}');
        _arguments.Add(value);
    }

    /// <summary>A text that is not translated, such as a name: shown as it is in every language.</summary>
    public static Text Verbatim(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Text("{0}") { _arguments = { text } };
    }

    /// <summary>A fixed text, whose translation is looked up by the text itself.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static implicit operator Text?(string? text) =>
        text is null ? null : new Text(text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));

    [return: NotNullIfNotNull(nameof(text))]
    public static Text? FromString(string? text) => text;

    /// <summary>The text in the language of <paramref name="localizer"/>'s culture (the current UI culture); English when it has no translation.</summary>
    public string In(IStringLocalizer localizer)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        if (Format.Length == 0)
        {
            return "";
        }
        var translated = localizer[Format];
        var format = translated.ResourceNotFound ? Format : translated.Value;
        return Compose(format, _arguments.Select(a => a is Text text ? text.In(localizer) : a), CultureInfo.CurrentUICulture);
    }

    /// <summary>The English text.</summary>
    public override string ToString() =>
        Compose(Format, _arguments.Select(a => a is Text text ? text.ToString() : a), CultureInfo.InvariantCulture);

    private static string Compose(string format, IEnumerable<object?> arguments, CultureInfo culture)
    {
        var values = arguments.ToArray();
        return values.Length == 0 ? Unescape(format) : string.Format(culture, format, values);
    }

    private static string Unescape(string format) =>
        format.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);
}
