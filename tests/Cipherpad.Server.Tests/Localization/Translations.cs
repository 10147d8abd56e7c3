using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.Localization;

/// <summary>The Russian resource as the repository holds it, and the texts the pages ask for.</summary>
internal static partial class Translations
{
    /// <summary>Each English text of <c>Texts.ru.resx</c> with its Russian.</summary>
    public static Dictionary<string, string> Russian() =>
        XDocument.Load(Path.Combine(Repository.Root, "src", "Cipherpad.Server", "Localization", "Texts.ru.resx")).Root!.Elements("data")
            .ToDictionary(data => data.Attribute("name")!.Value, data => data.Element("value")!.Value, StringComparer.Ordinal);

    /// <summary>The composite-format placeholders of <paramref name="format"/>, such as <c>{0}</c> and <c>{1:u}</c>, in order of their number.</summary>
    public static List<string> Placeholders(string format) =>
        [.. Placeholder().Matches(format.Replace("{{", "", StringComparison.Ordinal)).Select(m => m.Value).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The fixed texts that a Razor view (<c>T["…"]</c>, <c>T.Html("…")</c>) or the error pages (<c>texts["…"]</c>,
    /// <c>Advice("…")</c>, <c>Link(…, "…")</c>) look up.
    /// </summary>
    public static IEnumerable<string> LiteralKeys(string view) =>
        PageText().Matches(view).Select(m => m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal));

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?:\bT\[|\bT\.Html\(|\btexts\[|\bAdvice\(|\bLink\(""[^""]*"", )""((?:[^""\\]|\\.)*)""")]
    private static partial Regex PageText();
}
