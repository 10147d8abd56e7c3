using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Cipherpad.LoadGenerator.Measurement;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// yubiserver (Debian package <c>yubiserver</c>), a small HOTP/OATH and Yubikey OTP validation server in C over SQLite, as
/// the yardstick for a second factor checked over HTTP. A round trip is one HOTP validation,
/// <c>GET /wsapi/2.0/oauthverify?otp=&lt;public id&gt;&lt;code&gt;</c>, each with a fresh code from its lane's own token.
/// yubiserver answers every request on a connection of its own and closes it, so each round trip opens one.
/// It cannot be told which address to listen on and binds them all, so it is only started where loopback is the only
/// interface: inside the private network namespace of <see cref="PrivateNetwork"/>.
/// It serves one request at a time correctly and no more: it reads each request into a buffer on the stack of its read
/// callback and answers it from there in a later callback, so the next connection's read overwrites a request not yet
/// answered; with two or more in flight it answers the wrong request or, given a request without <c>otp=</c>, crashes
/// (0.6-3.1: <c>strlen(NULL)</c>). So it is measured with one round trip in flight, and its CPU per validation is the
/// fairer comparison.
/// </summary>
internal sealed class YubiserverTarget : ILoadTarget
{
    public const string NotInstalled = "yubiserver: not installed (apt-get install yubiserver)";
    // The empty database the package ships; its init script copies it into place the same way.
    private const string EmptyDatabase = "/etc/yubiserver/yubiserver.sqlite.init";
    private const int OneAtATime = 1;
    private readonly Cleanup _cleanup;
    private readonly HttpClient _http;
    private readonly HotpToken[] _tokens;

    private YubiserverTarget(Cleanup cleanup, HttpClient http, HotpToken[] tokens, int processId)
    {
        _cleanup = cleanup;
        _http = http;
        _tokens = tokens;
        Server = ProcessCpu.Of(processId);
    }

    public string Name => "yubiserver";
    public string RoundTripDescription => "one HOTP validation, GET /wsapi/2.0/oauthverify, on a new connection (yubiserver closes each)";
    public ProcessCpu Server { get; }
    public ProcessCpu? Database => null; // SQLite, inside the server process
    public int MaxInFlight => OneAtATime;

    public static bool IsInstalled => Programs.Find("yubiserver") is not null && Programs.Find("yubiserver-admin") is not null && File.Exists(EmptyDatabase);

    public static async Task<YubiserverTarget> StartAsync(LoadOptions options, TextWriter log)
    {
        if (NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback) is { } other)
        {
            throw new InvalidOperationException($"yubiserver listens on every address, and this network has {other.Name}: it is only started in a private network.");
        }
        var cleanup = new Cleanup();
        try
        {
            var folder = cleanup.Add(Directory.CreateTempSubdirectory("cipherpad-yubiserver-"), directory =>
            {
                directory.Delete(recursive: true);
                return ValueTask.CompletedTask;
            });
            var database = Path.Combine(folder.FullName, "yubiserver.sqlite");
            File.Copy(EmptyDatabase, database);
            var lanes = Math.Min(options.Lanes, OneAtATime);
            log.WriteLine($"yubiserver: adding {lanes} HOTP token(s), one per lane…");
            var tokens = await AddTokensAsync(database, lanes);
            // Started as root, yubiserver drops to its own user, which must be able to write its database and log.
            await Programs.RunAsync("chown", ["-R", "yubiserver", folder.FullName], mayFail: true);
            var port = FreePort();
            await Programs.RunAsync(Programs.Find("yubiserver")!, ["-d", database, "-l", Path.Combine(folder.FullName, "yubiserver.log"), "-p",
                port.ToString(CultureInfo.InvariantCulture)]);
            // It has put itself in the background; find it, and stop it at the end.
            var processId = cleanup.Add(await DaemonAsync(database, port, TimeSpan.FromSeconds(10)), daemon =>
            {
                if (Programs.FindRunning("yubiserver", database) == daemon)
                {
                    using var process = Process.GetProcessById(daemon);
                    process.Kill();
                }
                return ValueTask.CompletedTask;
            });
            log.WriteLine($"yubiserver: pid {processId} on port {port}, in a network of its own");
            var http = cleanup.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = lanes })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = Timeout.InfiniteTimeSpan,
            }, client =>
            {
                client.Dispose();
                return ValueTask.CompletedTask;
            });
            http.DefaultRequestHeaders.ConnectionClose = true; // what yubiserver does anyway
            return new(cleanup, http, tokens, processId);
        }
        catch
        {
            await cleanup.DisposeAsync();
            throw;
        }
    }

    public async Task<string?> RoundTripAsync(int lane, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/wsapi/2.0/oauthverify?otp={_tokens[lane].NextPassword()}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"validate: {(int)response.StatusCode}";
        }
        var status = body.Split("\r\n").FirstOrDefault(line => line.StartsWith("status=", StringComparison.Ordinal));
        return status == "status=OK" ? null : $"validate: {status ?? "no status"}";
    }

    public ValueTask DisposeAsync() => _cleanup.DisposeAsync();

    private static async Task<HotpToken[]> AddTokensAsync(string database, int count)
    {
        var tokens = new HotpToken[count];
        for (var lane = 0; lane < count; lane++)
        {
            // yubiserver-admin wants a nickname of at most 16 characters, a 12-character public id and a 40-digit hex secret.
            tokens[lane] = new HotpToken($"cpbench{lane:D5}");
            await Programs.RunAsync(Programs.Find("yubiserver-admin")!,
                ["-b", database, "-o", "-a", $"lane{lane}", tokens[lane].PublicId, tokens[lane].SecretHex]);
        }
        return tokens;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The process id of the yubiserver serving <paramref name="database"/>, once it accepts connections.</summary>
    private static async Task<int> DaemonAsync(string database, int port, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (Programs.FindRunning("yubiserver", database) is { } processId && await AcceptsAsync(port))
            {
                return processId;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"yubiserver did not listen on port {port} within {timeout.TotalSeconds:0} s.");
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
