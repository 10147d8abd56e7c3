namespace Cipherpad.Server.Storage;

/// <summary>
/// Statement texts as keys of the hot path's caches (combined texts, compiled statements, row parsers, reads sent ahead),
/// each looked up several times per request. A string's own hash reads every character of a statement hundreds long; this
/// one reads its length and three characters. The texts are the server's own statements, not a caller's input, and equal
/// texts are almost always the same string, which <see cref="Equals(string, string)"/> sees at once; two different
/// statements with the same hash only share a bucket and are still told apart by their characters.
/// </summary>
internal sealed class SqlText : IEqualityComparer<string>
{
    public static readonly SqlText Comparer = new();

    private SqlText()
    {
    }

    public static int Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : HashCode.Combine(text.Length, text[text.Length / 3], text[text.Length / 2], text[^1]);
    }

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string obj) => Hash(obj);
}
