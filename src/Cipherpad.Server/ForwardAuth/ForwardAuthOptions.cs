namespace Cipherpad.Server.ForwardAuth;

/// <summary>Putting Cipherpad's sign-in in front of other sites through a reverse proxy (<c>Cipherpad:ForwardAuth</c>).</summary>
public sealed class ForwardAuthOptions
{
    /// <summary>
    /// The host names of the sites the proxy protects (<c>wiki.example.com</c>, or <c>*.example.com</c> for every
    /// subdomain): sign-in returns people only to addresses on these hosts. Empty: forward-auth is off.
    /// </summary>
    public List<string> ProtectedHosts { get; set; } = [];

    /// <summary>
    /// Who may pass: e-mail addresses (<c>ann@example.com</c>), whole domains (<c>*@example.com</c>) or <c>*</c> for every
    /// account. Required with <see cref="ProtectedHosts"/>: anyone can register an account, so "signed in" alone is not enough.
    /// </summary>
    public List<string> AllowedUsers { get; set; } = [];

    /// <summary>How long after answering a question a sign-in still opens a protected site; empty: as long as the session lasts.</summary>
    public TimeSpan? MaxSessionAge { get; set; }

    /// <summary>
    /// The domain the forward-auth cookie is valid for (<c>example.com</c>: also its subdomains), so that the proxy of a site
    /// on another host of that domain receives it. Empty: Cipherpad's host only. That cookie opens nothing but the
    /// forward-auth endpoints; the personal account's cookie never leaves Cipherpad's host.
    /// </summary>
    public string? CookieDomain { get; set; }

    /// <summary>Whether the account with <paramref name="email"/> may pass.</summary>
    public bool Allows(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return AllowedUsers.Any(allowed => allowed == "*"
            || (allowed.StartsWith("*@", StringComparison.Ordinal)
                ? email.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
                : string.Equals(email, allowed, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Whether <paramref name="address"/> is an http(s) address on a protected host.</summary>
    public bool Protects(string? address) => ProtectedAddress(address) is not null;

    /// <summary><paramref name="address"/> as parsed and written again, if it is an http(s) address on a protected host; else null.</summary>
    public Uri? ProtectedAddress(string? address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            return null;
        }
        var host = uri.IdnHost;
        return ProtectedHosts.Any(pattern => pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase)) ? uri : null;
    }
}
