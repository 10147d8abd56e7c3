using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
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

    private readonly string _directory;
    private readonly Process _process;

    private Nginx(string directory, Process process, Uri address, X509Certificate2? certificate)
    {
        _directory = directory;
        _process = process;
        Address = address;
        Certificate = certificate;
    }

    /// <summary>Where clients reach the proxy: http://127.0.0.1:port, or https:// with <see cref="Certificate"/>.</summary>
    public Uri Address { get; }

    /// <summary>The self-signed certificate of the TLS listener, for clients to trust exactly it.</summary>
    public X509Certificate2? Certificate { get; }

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
    public static async Task<Nginx> StartAsync(Func<string, int, string> servers, bool tls = false, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"NGINX is not installed at {Binary}, so the reverse-proxy tests cannot run: install it " +
                "(Debian: apt-get install nginx) or run .ci/run, which does.");
        }
        var directory = Path.Combine(Path.GetTempPath(), "cipherpad-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        port ??= FreePort();
        X509Certificate2? certificate = null;
        var listen = $"listen 127.0.0.1:{port};";
        if (tls)
        {
            certificate = SelfSignedCertificate();
            await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
            using var key = certificate.GetECDsaPrivateKey()!;
            await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            listen = $"""
                listen 127.0.0.1:{port} ssl;
                        ssl_certificate {directory}/cert.pem;
                        ssl_certificate_key {directory}/key.pem;
                """;
        }
        // As root the workers would switch to nobody, who cannot use the temporary folder; otherwise the directive is ignored.
        var user = Environment.UserName == "root" ? "user root;" : "";
        var configuration = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configuration, $$"""
            {{user}}
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
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
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-p", directory, "-c", configuration, "-e", Path.Combine(directory, "error.log"), "-g", "daemon off;" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var nginx = new Nginx(directory, process, new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}"), certificate);
        try
        {
            await nginx.WaitUntilListeningAsync(port.Value);
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
        return nginx;
    }

    /// <summary>NGINX's error log, for failure messages.</summary>
    public string ErrorLog()
    {
        var file = Path.Combine(_directory, "error.log");
        return File.Exists(file) ? File.ReadAllText(file) : "(no error log)";
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            Certificate?.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"NGINX exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {ErrorLog()}");
            }
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"NGINX did not listen on 127.0.0.1:{port} within 10 seconds: {ErrorLog()}");
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }

    /// <summary>A port of 127.0.0.1 free now (another process could take it before it is bound).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>HTTP clients that connect from a chosen loopback address (Linux routes all of 127/8 locally), so a proxy sees distinct users.</summary>
public static class LoopbackClients
{
    /// <summary>
    /// A client from <paramref name="source"/> to <paramref name="server"/> that keeps cookies and does not follow redirects,
    /// trusting exactly <paramref name="certificate"/> for https.
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
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
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
