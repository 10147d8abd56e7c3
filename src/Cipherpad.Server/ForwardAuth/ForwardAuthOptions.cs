namespace Cipherpad.Server.ForwardAuth;

/// <summary>Putting Cipherpad's sign-in in front of other sites through a reverse proxy (<c>Cipherpad:ForwardAuth</c>).</summary>
public sealed class ForwardAuthOptions
{
    /// <summary>
    /// The host names of the sites the proxy protects (<c>wiki.example.com</c>, or <c>*.example.com</c> for every
    /// subdomain): sign-in returns people only to addresses on these hosts. Empty: forward-auth is off.
    /// </summary>
    public List<string> ProtectedHosts { get; set; } = [];

    /// <summary>How long after answering a question a sign-in still opens a protected site; empty: as long as the session lasts.</summary>
    public TimeSpan? MaxSessionAge { get; set; }

    /// <summary>Whether <paramref name="address"/> is an http(s) address on a protected host.</summary>
    public bool Protects(string? address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            return false;
        }
        var host = uri.IdnHost;
        return ProtectedHosts.Any(pattern => pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase));
    }
}
