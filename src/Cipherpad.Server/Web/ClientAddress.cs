namespace Cipherpad.Server.Web;

/// <summary>
/// The address a request came from, as throttles, the authorization log and notifications record it. Behind a trusted
/// reverse proxy it is the client's forwarded address (<see cref="ReverseProxy.ReverseProxyApplicationBuilderExtensions.UseTrustedProxies"/>
/// rewrites the connection's address before anything reads it); otherwise the connection's own.
/// </summary>
public static class ClientAddress
{
    /// <summary>What is recorded when the connection has no remote address (in-process test hosts, Unix sockets).</summary>
    public const string Unknown = "unknown";

    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress?.ToString() ?? Unknown;
    }

    /// <summary>
    /// The source a guess is counted against: an IPv4 address as it is, an IPv6 address as its /64 network, since one
    /// subscriber is given a whole /64 and can use any address in it. Anything else (a relying party's free text) as given.
    /// </summary>
    public static string GuessingSource(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!System.Net.IPAddress.TryParse(address, out var ip))
        {
            return address;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            return ip.MapToIPv4().ToString();
        }
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
