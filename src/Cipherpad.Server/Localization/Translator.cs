using Microsoft.Extensions.Localization;

namespace Cipherpad.Server.Localization;

/// <summary>
/// Writes e-mails and SMS in their recipient's language (<see cref="Accounts.Account.Language"/>), which need not be the
/// language of the request that sends them: a relying party's API call, or a page in another language.
/// </summary>
public sealed class Translator(IStringLocalizer<Texts> texts)
{
    /// <summary><paramref name="text"/> in <paramref name="language"/>.</summary>
    public string In(string? language, Text text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using (Languages.Use(language))
        {
            return text.In(texts);
        }
    }

    /// <summary>A message's body in <paramref name="language"/>, a line per text; a null line is left out, an empty one is a blank line.</summary>
    public string Lines(string? language, params IEnumerable<Text?> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        using (Languages.Use(language))
        {
            return string.Join('\n', lines.OfType<Text>().Select(line => line.In(texts)));
        }
    }
}
