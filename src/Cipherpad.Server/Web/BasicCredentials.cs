using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Cipherpad.Server.Web;

/// <summary>Why an Authorization header holds no HTTP Basic credentials.</summary>
public enum BasicCredentialsFailure
{
    None,
    /// <summary>There is no Authorization header, or it is blank.</summary>
    Missing,
    /// <summary>The header uses another scheme, such as Bearer.</summary>
    OtherScheme,
    /// <summary>The credentials after <c>Basic</c> are missing or are not base64.</summary>
    NotBase64,
    /// <summary>The decoded credentials have no ':' between the id and the secret.</summary>
    NoColon,
    /// <summary>The id before the ':' is empty.</summary>
    EmptyId,
}

/// <summary>
/// The id and secret of an HTTP Basic Authorization header (RFC 7617), as sent: parsing checks only their form,
/// never whether they are right. A malformed header is a failure to report, not an exception.
/// </summary>
public sealed record BasicCredentials(string Id, string Secret)
{
    public static bool TryParse(string? header, [NotNullWhen(true)] out BasicCredentials? credentials, out BasicCredentialsFailure failure)
    {
        credentials = null;
        failure = Parse(header, ref credentials);
        return failure == BasicCredentialsFailure.None;
    }

    private static BasicCredentialsFailure Parse(string? header, ref BasicCredentials? credentials)
    {
        var text = header.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return BasicCredentialsFailure.Missing;
        }
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return BasicCredentialsFailure.OtherScheme;
        }
        var encoded = space < 0 ? [] : text[(space + 1)..].Trim();
        var bytes = new byte[encoded.Length / 4 * 3 + 3];
        if (encoded.IsEmpty || !Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return BasicCredentialsFailure.NotBase64;
        }
        // An id cannot contain ':' (RFC 7617 §2), a secret can: split at the first one.
        var decoded = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return BasicCredentialsFailure.NoColon;
        }
        if (colon == 0)
        {
            return BasicCredentialsFailure.EmptyId;
        }
        credentials = new(decoded[..colon], decoded[(colon + 1)..]);
        return BasicCredentialsFailure.None;
    }
}
