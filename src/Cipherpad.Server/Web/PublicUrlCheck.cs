using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Web;

/// <summary>
/// <c>Cipherpad:PublicUrl</c> does not follow <c>--urls</c>: links in mails and SMS point wherever it says, and a server
/// started on another port sends links nobody can open. Once the server listens, this says where links point and warns
/// when no address it listens on serves that URL. Behind a trusted reverse proxy the public URL is the proxy's and
/// differs by design, so then it is only said, not warned about.
/// </summary>
public static class PublicUrlCheck
{
    public static WebApplication LogPublicUrlOnStart(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var options = app.Services.GetRequiredService<IOptions<CipherpadOptions>>().Value;
            // The addresses as bound, after start: with port 0, the port the system chose.
            var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Check(options.PublicUrl, [.. listening], options.ReverseProxy.TrustedProxies.Count > 0,
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PublicLinks).FullName!));
        });
        return app;
    }

    internal static void Check(string publicUrl, IReadOnlyCollection<string> listening, bool behindTrustedProxy, ILogger logger)
    {
        logger.LogInformation("Links in e-mails and SMS point at {PublicUrl} (Cipherpad:PublicUrl)", publicUrl);
        // No addresses: a server that is not a socket (the tests' in-memory one), nothing to compare.
        if (listening.Count == 0 || listening.Any(address => Serves(address, publicUrl)))
        {
            return;
        }
        var addresses = string.Join(", ", listening);
        if (behindTrustedProxy)
        {
            logger.LogInformation("The server listens on {Addresses}, not at {PublicUrl}: as expected behind the trusted reverse proxy that serves it",
                addresses, publicUrl);
            return;
        }
        logger.LogWarning("Cipherpad:PublicUrl is {PublicUrl}, but the server listens on {Addresses}: links in e-mails and SMS point where it " +
            "does not answer. Set Cipherpad:PublicUrl (Cipherpad__PublicUrl) to the address people open. If a reverse proxy serves " +
            "{PublicUrl}, list it in Cipherpad:ReverseProxy:TrustedProxies, which the server needs behind a proxy anyway and which " +
            "silences this warning.", publicUrl, addresses, publicUrl);
    }

    /// <summary>
    /// Whether a server listening on <paramref name="listening"/> (as Kestrel reports it, such as <c>http://127.0.0.1:5080</c>
    /// or <c>http://[::]:5080</c>) answers at <paramref name="publicUrl"/>: the same scheme and port, and a listener on
    /// every interface, or loopback for a loopback URL and another interface for another name. Host names are not
    /// resolved, so a name is taken to reach any address that is not loopback.
    /// </summary>
    internal static bool Serves(string listening, string publicUrl)
    {
        var address = BindingAddress.Parse(listening);
        if (address.IsUnixPipe)
        {
            // Only a proxy reaches a socket file; whether it serves the URL cannot be told from here.
            return true;
        }
        var url = new Uri(publicUrl);
        return string.Equals(address.Scheme, url.Scheme, StringComparison.OrdinalIgnoreCase) && address.Port == url.Port
            && (address.Host is "0.0.0.0" or "[::]" or "*" or "+" || IsLoopback(address.Host) == IsLoopback(url.Host));
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
