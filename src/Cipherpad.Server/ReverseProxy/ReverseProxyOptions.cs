namespace Cipherpad.Server.ReverseProxy;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>Forwarded</c> headers are believed
/// (<c>Cipherpad:ReverseProxy</c>). Empty, the default, believes no forwarded header: every address is the connection's own.
/// </summary>
public sealed class ReverseProxyOptions
{
    /// <summary>
    /// IP addresses (<c>10.0.0.5</c>, <c>::1</c>) and networks in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) of the
    /// proxies in front of the server. Only a request arriving from one of them has its forwarded headers read.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
