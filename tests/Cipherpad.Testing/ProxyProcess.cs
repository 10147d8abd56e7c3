using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Cipherpad.Testing;

/// <summary>
/// What the reverse proxies the tests run as child processes share: a temporary folder of their own, the self-signed
/// certificate of a TLS listener, the process with its output kept, the wait until it listens (itself, not another process
/// that took its port first), and the kill and clean-up.
/// </summary>
internal sealed class ProxyProcess : IDisposable
{
    private readonly string _name;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>A proxy called <paramref name="name"/> in messages, which logs to <paramref name="logFile"/> in its folder.</summary>
    public ProxyProcess(string name, string logFile)
    {
        _name = name;
        Folder = Path.Combine(Path.GetTempPath(), $"cipherpad-{name.ToLowerInvariant()}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        LogFile = Path.Combine(Folder, logFile);
    }

    public string Folder { get; }

    public X509Certificate2? Certificate { get; private set; }

    public string CertificateFile => Path.Combine(Folder, "cert.pem");

    public string KeyFile => Path.Combine(Folder, "key.pem");

    public string LogFile { get; }

    /// <summary>Makes a certificate for <paramref name="host"/> (an address or a name), valid for an hour, and writes it and its key to PEM files.</summary>
    public async Task CreateCertificateAsync(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        await File.WriteAllTextAsync(CertificateFile, Certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(KeyFile, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Starts the proxy and returns once every one of <paramref name="ports"/> of 127.0.0.1 accepts connections.</summary>
    public async Task StartAsync(ProcessStartInfo start, IReadOnlyCollection<int> ports)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        foreach (var port in ports)
        {
            await WaitUntilListeningAsync(port);
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/>, which picks its free ports afresh each time, up to three times while another process
    /// takes one of them between its pick and the proxy's bind.
    /// </summary>
    public static async Task<T> StartAgainIfPortTakenAsync<T>(Func<Task<T>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The proxy's log, for failure messages.</summary>
    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : $"(no log in {LogFile})";

    public void Dispose()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process?.Dispose();
            Certificate?.Dispose();
            Directory.Delete(Folder, recursive: true);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>
    /// Waits until the proxy itself listens on <paramref name="port"/> of 127.0.0.1: a free port picked beforehand may be taken
    /// by another process first, which a connection would not tell from the proxy. The proxy then exits, and this throws
    /// <see cref="PortTakenException"/>, for the caller to start it again on other ports.
    /// </summary>
    private async Task WaitUntilListeningAsync(int port)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process!.HasExited)
            {
                await _process.WaitForExitAsync(); // the rest of its output
                string output;
                lock (_output)
                {
                    output = _output.ToString();
                }
                var message = $"{_name} exited with {_process.ExitCode}: {output} {Log()}";
                throw message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                    ? new PortTakenException(message)
                    : new InvalidOperationException(message);
            }
            if (Listens(_process.Id, port))
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{_name} did not listen on 127.0.0.1:{port} within 10 seconds: {Log()}");
    }

    /// <summary>Whether process <paramref name="pid"/> holds a socket listening on 127.0.0.1:<paramref name="port"/> (Linux's /proc).</summary>
    private static bool Listens(int pid, int port)
    {
        var local = $"0100007F:{port:X4}";
        var listening = File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[1] == local && fields[3] == "0A")
            .Select(fields => $"socket:[{fields[9]}]")
            .ToHashSet(StringComparer.Ordinal);
        if (listening.Count == 0)
        {
            return false;
        }
        try
        {
            return new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos()
                .Any(fd => fd.LinkTarget is { } target && listening.Contains(target));
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return false; // exited meanwhile: the next round says so
        }
    }
}

/// <summary>A proxy could not listen on a port picked as free: another process took it first.</summary>
public sealed class PortTakenException(string message) : InvalidOperationException(message);
