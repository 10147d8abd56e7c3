using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Web;

/// <summary>
/// Absolute addresses of this server as people see it (<c>Cipherpad:PublicUrl</c>), for e-mailed links, SMS and
/// pages. Never built from the request's Host header, which a client chooses: a link in an e-mail must point here.
/// </summary>
public sealed class PublicLinks(IOptions<CipherpadOptions> options)
{
    /// <summary>The server's address without a trailing slash, as <c>cipherpad activate --server</c> takes it.</summary>
    public string Server => options.Value.PublicUrl.TrimEnd('/');

    /// <summary>An absolute link to <paramref name="path"/> (such as <c>/recover/confirm</c>), with a token if one is given.</summary>
    public string To(string path, string? token = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The path '{path}' must start with '/'.", nameof(path));
        }
        return token is null ? Server + path : $"{Server}{path}?token={Uri.EscapeDataString(token)}";
    }

    /// <summary>The command that activates a cipher pad for <paramref name="email"/> against this server.</summary>
    public string ActivateCommand(string email) => $"cipherpad activate --server {Server} --email {email}";
}
