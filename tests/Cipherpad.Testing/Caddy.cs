using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Cipherpad.Testing;

/// <summary>
/// A real Caddy in front of servers on loopback: its Caddyfile, data, configuration and log in a temporary folder, its
/// listeners on free 127.0.0.1 ports, no admin endpoint, and no certificate but the self-signed one it is given (never
/// ACME), run in the foreground as a child process, killed and deleted on dispose. Fails loudly when Caddy is not installed.
/// </summary>
public sealed class Caddy : IDisposable
{
    public const string Binary = "/usr/bin/caddy";

    private readonly ProxyProcess _process;

    private Caddy(ProxyProcess process, int httpPort, int httpsPort, Uri address)
    {
        _process = process;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        Address = address;
    }

    /// <summary>Caddy's port for plain http: sites named <c>http://…</c>, and its redirects of the https sites to https.</summary>
    public int HttpPort { get; }

    /// <summary>Caddy's port for https sites.</summary>
    public int HttpsPort { get; }

    /// <summary>Where clients reach the proxy: https://host:<see cref="HttpsPort"/> with a TLS host, else http://127.0.0.1:<see cref="HttpPort"/>.</summary>
    public Uri Address { get; }

    /// <summary>The self-signed certificate of the TLS host, for clients to trust exactly it.</summary>
    public X509Certificate2? Certificate => _process.Certificate;

    /// <summary>
    /// Starts Caddy with the site blocks <paramref name="sites"/> writes, given the <c>tls</c> directive that makes a site use
    /// the certificate of <paramref name="tlsHost"/> (empty without one). Plain http is served on <paramref name="httpPort"/>,
    /// or a free port.
    /// </summary>
    public static Task<Caddy> StartAsync(Func<string, string> sites, string? tlsHost = null, int? httpPort = null) =>
        ProxyProcess.StartAgainIfPortTakenAsync(() => StartOnceAsync(sites, tlsHost, httpPort));

    private static async Task<Caddy> StartOnceAsync(Func<string, string> sites, string? tlsHost, int? httpPort)
    {
        ArgumentNullException.ThrowIfNull(sites);
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Caddy is not installed at {Binary}, so the Caddy reverse-proxy tests cannot run: install " +
                "it (Debian: apt-get install caddy) or run .ci/run, which does.");
        }
        var process = new ProxyProcess("Caddy", "caddy.log");
        var directory = process.Folder;
        var (http, https) = (httpPort ?? FreePort(), FreePort());
        var caddy = new Caddy(process, http, https, tlsHost is null ? new Uri($"http://127.0.0.1:{http}") : new Uri($"https://{tlsHost}:{https}"));
        try
        {
            var tls = "";
            if (tlsHost is not null)
            {
                await process.CreateCertificateAsync(tlsHost);
                tls = $"tls {process.CertificateFile} {process.KeyFile}";
            }
            // No admin endpoint, so that several run side by side; no certificate automation, so never ACME; no HTTP/3, so no UDP.
            var configuration = Path.Combine(directory, "Caddyfile");
            await File.WriteAllTextAsync(configuration, $$"""
                {
                    admin off
                    http_port {{http}}
                    https_port {{https}}
                    default_bind 127.0.0.1
                    auto_https disable_certs
                    storage file_system {{directory}}/data
                    servers {
                        protocols h1 h2
                    }
                    log {
                        output file {{process.LogFile}}
                    }
                }
                {{sites(tls)}}
                """);
            var start = new ProcessStartInfo(Binary) { ArgumentList = { "run", "--config", configuration, "--adapter", "caddyfile" } };
            foreach (var home in new[] { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME" })
            {
                start.Environment[home] = directory;
            }
            await process.StartAsync(start, tlsHost is null ? [http] : [http, https]);
        }
        catch
        {
            caddy.Dispose();
            throw;
        }
        return caddy;
    }

    /// <summary>Caddy's log, for failure messages.</summary>
    public string Log() => _process.Log();

    public void Dispose() => _process.Dispose();

    /// <summary>A port of 127.0.0.1 free now (another process could take it before it is bound).</summary>
    public static int FreePort() => ProxyProcess.FreePort();
}
