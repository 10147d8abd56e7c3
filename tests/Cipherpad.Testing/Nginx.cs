using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Cipherpad.Testing;

/// <summary>
/// A real NGINX reverse proxy in front of a server on loopback: its own configuration, pid file, temporary folders and
/// logs in a temporary folder, run in the foreground as a child process on a free 127.0.0.1 port, killed and deleted on
/// dispose. Fails loudly when NGINX is not installed.
/// </summary>
public sealed class Nginx : IDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    /// <summary>How NGINX forwards the client's address and scheme, as the operations guide recommends.</summary>
    public const string ForwardedHeaders = """
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        """;

    private readonly ProxyProcess _process;

    private Nginx(ProxyProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>Where clients reach the proxy: http://127.0.0.1:port, or https:// with <see cref="Certificate"/>.</summary>
    public Uri Address { get; }

    /// <summary>The self-signed certificate of the TLS listener, for clients to trust exactly it.</summary>
    public X509Certificate2? Certificate => _process.Certificate;

    /// <summary>Starts NGINX proxying every path to <paramref name="upstream"/> with <paramref name="proxyHeaders"/> in its location.</summary>
    public static Task<Nginx> StartAsync(Uri upstream, bool tls = false, string proxyHeaders = ForwardedHeaders)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return StartAsync((listen, _) => $$"""
            server {
                {{listen}}
                location / {
                    proxy_pass {{upstream.GetLeftPart(UriPartial.Authority)}};
                    proxy_set_header Host $host;
                    {{proxyHeaders}}
                }
            }
            """, tls);
    }

    /// <summary>
    /// Starts NGINX with the <c>server</c> blocks <paramref name="servers"/> writes, given the <c>listen</c> directive
    /// (and TLS settings) of its port, and the port: <paramref name="port"/>, or a free one.
    /// </summary>
    public static Task<Nginx> StartAsync(Func<string, int, string> servers, bool tls = false, int? port = null) =>
        ProxyProcess.StartAgainIfPortTakenAsync(() => StartOnceAsync(servers, tls, port));

    private static async Task<Nginx> StartOnceAsync(Func<string, int, string> servers, bool tls, int? port)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"NGINX is not installed at {Binary}, so the reverse-proxy tests cannot run: install it " +
                "(Debian: apt-get install nginx) or run .ci/run, which does.");
        }
        var process = new ProxyProcess("NGINX", "error.log");
        var directory = process.Folder;
        port ??= FreePort();
        var nginx = new Nginx(process, new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}"));
        try
        {
            var listen = $"listen 127.0.0.1:{port};";
            if (tls)
            {
                await process.CreateCertificateAsync("127.0.0.1");
                listen = $"""
                    listen 127.0.0.1:{port} ssl;
                            ssl_certificate {process.CertificateFile};
                            ssl_certificate_key {process.KeyFile};
                    """;
            }
            // As root the workers would switch to nobody, who cannot use the temporary folder; otherwise the directive is ignored.
            var user = Environment.UserName == "root" ? "user root;" : "";
            var configuration = Path.Combine(directory, "nginx.conf");
            await File.WriteAllTextAsync(configuration, $$"""
                {{user}}
                worker_processes 1;
                pid {{directory}}/nginx.pid;
                error_log {{process.LogFile}} info;
                events { worker_connections 256; }
                http {
                    access_log {{directory}}/access.log;
                    client_body_temp_path {{directory}}/client_body;
                    proxy_temp_path {{directory}}/proxy;
                    fastcgi_temp_path {{directory}}/fastcgi;
                    uwsgi_temp_path {{directory}}/uwsgi;
                    scgi_temp_path {{directory}}/scgi;
                    {{servers(listen, port.Value)}}
                }
                """);
            await process.StartAsync(new ProcessStartInfo(Binary)
            {
                ArgumentList = { "-p", directory, "-c", configuration, "-e", process.LogFile, "-g", "daemon off;" },
            }, [port.Value]);
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
        return nginx;
    }

    /// <summary>NGINX's error log, for failure messages.</summary>
    public string ErrorLog() => _process.Log();

    public void Dispose() => _process.Dispose();

    /// <summary>A port of 127.0.0.1 free now (another process could take it before it is bound).</summary>
    public static int FreePort() => ProxyProcess.FreePort();
}

/// <summary>HTTP clients that connect from a chosen loopback address (Linux routes all of 127/8 locally), so a proxy sees distinct users.</summary>
public static class LoopbackClients
{
    /// <summary>
    /// A client from <paramref name="source"/> to <paramref name="server"/> that keeps cookies and does not follow redirects,
    /// trusting exactly <paramref name="certificate"/> for https. A host name is reached at 127.0.0.1, as if it resolved there.
    /// </summary>
    public static HttpClient From(string source, Uri server, X509Certificate2? certificate = null)
    {
        var local = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    var host = IPAddress.TryParse(context.DnsEndPoint.Host, out var address) ? address : IPAddress.Loopback;
                    await socket.ConnectAsync(host, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (certificate is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
        }
        return new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
    }
}
