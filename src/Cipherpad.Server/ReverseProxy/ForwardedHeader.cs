using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Cipherpad.Server.ReverseProxy;

/// <summary>
/// One hop of a <c>Forwarded</c> header: the address the proxy received the request from (<see cref="ForwardedHeader.Unknown"/>
/// when it did not say, hid it, or said something malformed) and the scheme it was received over, if it said.
/// </summary>
public readonly record struct ForwardedHop(string For, string? Proto);

/// <summary>
/// Reads the standard <c>Forwarded</c> header (RFC 7239) into hops, left to right as the proxies appended them, so it can
/// be handed to ASP.NET Core's forwarded-headers middleware as <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>.
/// A hop that cannot be read becomes <see cref="Unknown"/>, which no address matches, so the walk from the right stops
/// there: a client cannot make a malformed or hidden hop count as an address.
/// </summary>
public static class ForwardedHeader
{
    public const string Name = "Forwarded";

    /// <summary>RFC 7239's word for a node nobody can name; also what unreadable or obfuscated nodes become.</summary>
    public const string Unknown = "unknown";

    public static IReadOnlyList<ForwardedHop> Parse(StringValues values)
    {
        var hops = new List<ForwardedHop>();
        foreach (var value in values)
        {
            foreach (var element in SplitOutsideQuotes(value ?? "", ','))
            {
                if (element.Trim().Length > 0)
                {
                    hops.Add(ParseElement(element));
                }
            }
        }
        return hops;
    }

    private static ForwardedHop ParseElement(string element)
    {
        string? node = null;
        string? proto = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in SplitOutsideQuotes(element, ';'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? "" : pair[..equals].Trim();
            if (name.Length == 0 || !name.All(IsTokenChar) || !seen.Add(name) || ParseValue(pair[(equals + 1)..].Trim()) is not { } value)
            {
                return new ForwardedHop(Unknown, null);
            }
            if (name.Equals("for", StringComparison.OrdinalIgnoreCase))
            {
                node = value;
            }
            else if (name.Equals("proto", StringComparison.OrdinalIgnoreCase))
            {
                proto = value.ToLowerInvariant() is var scheme && scheme is "http" or "https" ? scheme : null;
            }
        }
        return new ForwardedHop(node is null ? Unknown : Address(node), proto);
    }

    /// <summary>
    /// A token or a quoted string, unquoted. Also an unquoted address with ':' or brackets, which the RFC forbids but proxy
    /// configurations often send (<c>for=$remote_addr</c>); the address is checked strictly afterwards either way.
    /// </summary>
    private static string? ParseValue(string text)
    {
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var unquoted = new StringBuilder(text.Length);
            for (var i = 1; i < text.Length - 1; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length - 1)
                {
                    i++;
                }
                else if (text[i] is '"' or '\\')
                {
                    return null;
                }
                unquoted.Append(text[i]);
            }
            return unquoted.ToString();
        }
        return text.Length > 0 && text.All(c => IsTokenChar(c) || c is ':' or '[' or ']') ? text : null;
    }

    /// <summary>The address of a node (<c>192.0.2.43</c>, <c>192.0.2.43:4711</c>, <c>[2001:db8::17]:4711</c>), or Unknown.</summary>
    private static string Address(string node)
    {
        string host;
        string? port = null;
        if (node.StartsWith('['))
        {
            var close = node.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < node.Length && node[close + 1] != ':'))
            {
                return Unknown;
            }
            host = node[1..close];
            port = close + 1 < node.Length ? node[(close + 2)..] : null;
            return IsPort(port) && IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !host.Contains('%', StringComparison.Ordinal)
                ? v6.ToString()
                : Unknown;
        }
        var colons = node.Count(c => c == ':');
        if (colons == 1)
        {
            host = node[..node.IndexOf(':', StringComparison.Ordinal)];
            port = node[(host.Length + 1)..];
        }
        else
        {
            host = node;
        }
        if (!IsPort(port) || !IPAddress.TryParse(host, out var address) || host.Contains('%', StringComparison.Ordinal))
        {
            return Unknown;
        }
        // IPAddress also reads "10.1" as 10.0.0.1; an address on the wire is written out in full.
        return address.AddressFamily == AddressFamily.InterNetworkV6 || host.Count(c => c == '.') == 3 ? address.ToString() : Unknown;
    }

    private static bool IsPort(string? port) =>
        port is null
        || (port.Length is > 0 and <= 5 && port.All(char.IsAsciiDigit) && int.Parse(port, CultureInfo.InvariantCulture) <= 65535)
        || (port.Length > 1 && port[0] == '_' && port.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'));

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    /// <summary>Splits at <paramref name="separator"/> where it is not inside a quoted string (which may escape a quote).</summary>
    private static IEnumerable<string> SplitOutsideQuotes(string text, char separator)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (quoted && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
