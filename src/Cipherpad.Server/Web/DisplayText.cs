using System.Buffers;
using System.Globalization;
using System.Text;
using Cipherpad.Server.Localization;

namespace Cipherpad.Server.Web;

/// <summary>
/// The one rule for text a person will read — a pad's name, an action's description, a support message, a name at
/// registration. Control characters and invisible formatting are refused where the text arrives: a direction override
/// (U+202E) lets whoever wrote the text make the cipher pad or a page show it in another order than it is stored and
/// signed. Joiners stay allowed, since emoji and some scripts are written with them. Lengths are counted in Unicode
/// characters, so a limit never falls inside one.
/// </summary>
public static class DisplayText
{
    /// <summary>Why <paramref name="text"/> cannot be shown as it is, or null; line breaks and tabs only when <paramref name="multiLine"/>.</summary>
    public static Text? Problem(string text, Text what, bool multiLine = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return $"{what} contains characters that cannot be shown.";
            }
            if (!IsShowable(rune, multiLine))
            {
                return $"{what} contains characters that cannot be shown (control or direction characters, such as U+{rune.Value:X4}).";
            }
            rest = rest[consumed..];
        }
        return null;
    }

    /// <summary>
    /// <paramref name="text"/> with every character that cannot be shown written as its code (<c>[U+202E]</c>): for text
    /// stored before this rule, so that wherever it is shown (a pad's name in a list, the log, a mail, a confirmation of
    /// renaming or revoking it) it is seen for what it is.
    /// </summary>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
            if (status == OperationStatus.Done && IsShowable(rune, multiLine: false))
            {
                shown.Append(rest[..consumed]);
            }
            else
            {
                shown.Append(CultureInfo.InvariantCulture, $"[U+{(status == OperationStatus.Done ? rune.Value : rest[0]):X4}]");
            }
            rest = rest[consumed..];
        }
        return shown.ToString();
    }

    /// <summary>The number of Unicode characters (scalar values), the unit every length limit on shown text uses.</summary>
    public static int Length(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    private static bool IsShowable(Rune rune, bool multiLine)
    {
        if (multiLine && rune.Value is '\n' or '\r' or '\t')
        {
            return true;
        }
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.Format => rune.Value is 0x200C or 0x200D, // zero-width non-joiner and joiner
            _ => true,
        };
    }
}
