using System.Net;

namespace Cipherpad.Server.ReverseProxy;

/// <summary>
/// The parsed <see cref="ReverseProxyOptions.TrustedProxies"/>: single addresses and networks. A peer outside them is a
/// client, whatever headers it sends, so nobody can choose the address every per-address defence keys on.
/// </summary>
public sealed class TrustedProxies
{
    private TrustedProxies(IReadOnlyList<IPAddress> addresses, IReadOnlyList<IPNetwork> networks)
    {
        Addresses = addresses;
        Networks = networks;
    }

    public IReadOnlyList<IPAddress> Addresses { get; }

    public IReadOnlyList<IPNetwork> Networks { get; }

    public bool IsEmpty => Addresses.Count == 0 && Networks.Count == 0;

    /// <summary>The entries, parsed; call only with entries that <see cref="Problem"/> accepts (validation runs at start).</summary>
    public static TrustedProxies From(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (Problem(entry) is { } problem)
            {
                throw new ArgumentException(problem, nameof(entries));
            }
            var text = entry.Trim();
            if (text.Contains('/', StringComparison.Ordinal))
            {
                networks.Add(IPNetwork.Parse(text));
            }
            else
            {
                var address = IPAddress.Parse(text);
                addresses.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            }
        }
        return new TrustedProxies(addresses, networks);
    }

    /// <summary>Why <paramref name="entry"/> is not an IP address or a CIDR network, or null when it is one.</summary>
    public static string? Problem(string? entry)
    {
        var text = entry?.Trim() ?? "";
        if (text.Length == 0)
        {
            return "is empty: give an IP address such as 10.0.0.5 or ::1, or a network such as 10.0.0.0/8 or fd00::/8.";
        }
        if (text.Contains('%', StringComparison.Ordinal))
        {
            return "names an interface zone (the part from %): leave it out.";
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return IsWrittenOut(text)
                ? null
                : "is not an IP address: give one such as 10.0.0.5 or ::1, or a network such as 10.0.0.0/8 or fd00::/8.";
        }
        if (!IsWrittenOut(text[..slash]) || !IPAddress.TryParse(text.AsSpan(0, slash), out var baseAddress)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            return "is not a network: give an address, a slash and the prefix length, such as 10.0.0.0/8 or fd00::/8.";
        }
        var maxPrefix = baseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > maxPrefix)
        {
            return $"has a prefix longer than the address's {maxPrefix} bits.";
        }
        if (prefix == 0)
        {
            return "trusts every address, so any client could choose the address it is known by: name the proxies' own network.";
        }
        if (!Truncate(baseAddress, prefix).Equals(baseAddress))
        {
            return $"has bits set after the first {prefix}: did you mean {new IPNetwork(Truncate(baseAddress, prefix), prefix)}?";
        }
        return null;
    }

    /// <summary>Whether <paramref name="peer"/> is one of the proxies (an IPv4 peer seen on a dual-stack socket too).</summary>
    public bool Trusts(IPAddress? peer)
    {
        if (peer is null)
        {
            return false;
        }
        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }
        return Addresses.Contains(peer) || Networks.Any(network => network.Contains(peer));
    }

    public override string ToString() => IsEmpty ? "none" : string.Join(", ", Addresses.Select(a => a.ToString()).Concat(Networks.Select(n => n.ToString())));

    // IPAddress also reads "10.1" as 10.0.0.1 and "10" as 0.0.0.10; a setting that means something else must not pass.
    private static bool IsWrittenOut(string text) =>
        IPAddress.TryParse(text, out var address) && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    private static IPAddress Truncate(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }
}
