using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Cipherpad.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb into a temporary folder, pg_ctl start on a free loopback
/// port, stopped and deleted at the end. Fails loudly when PostgreSQL is not installed.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _directory = "";
    private string _binDirectory = "";
    private int _port;

    /// <summary>
    /// Whether commits wait for the disk, as in production: on for a benchmark, off (the default) for tests, which need the
    /// database's logic, not its durability, and run faster without the flushes.
    /// </summary>
    public bool Durable { get; init; }

    /// <summary>The cluster's data directory; its <c>postmaster.pid</c> names the process every other one is a child of.</summary>
    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>The loopback port it listens on.</summary>
    public int Port => _port;

    /// <summary>The full path of one of the installed PostgreSQL's programs, such as <c>pgbench</c>.</summary>
    public string ProgramPath(string name) => Path.Combine(_binDirectory, name);

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20";

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "cipherpad_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task InitializeAsync()
    {
        _binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed, so the PostgreSQL tests cannot run: install it (Debian: apt-get install postgresql) " +
            "or run .ci/run, which does. initdb and pg_ctl are looked for in /usr/lib/postgresql/*/bin and on PATH.");
        _directory = Path.Combine(Path.GetTempPath(), "cipherpad-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await RunAsync("chown", ["postgres:postgres", _directory], null);
        }
        _port = FreePort();
        var data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(_binDirectory, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], runAs);
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o",
            $"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 {(Durable ? "-c fsync=on -c synchronous_commit=on -c full_page_writes=on" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")} -c max_connections=200",
            "start"], runAs);
    }

    public async Task DisposeAsync()
    {
        if (_directory.Length == 0 || !Directory.Exists(_directory))
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"],
                Environment.UserName == "root" ? "postgres" : null);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string? FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderDescending(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return candidates.Concat(path).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string[] arguments, string? runAs)
    {
        var start = runAs is null ? new ProcessStartInfo(program) : new ProcessStartInfo("runuser");
        if (runAs is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
