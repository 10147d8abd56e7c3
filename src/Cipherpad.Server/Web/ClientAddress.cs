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
}
