using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Cipherpad.Testing;

/// <summary>
/// The real <c>cipherpad-server</c> program as a process of its own, on a free port of 127.0.0.1 only, over the database
/// and data folder of a <see cref="CipherpadFactory"/> and with its master key: what a test needs when the server itself
/// must die, as it does under <c>kill -9</c>. Disposing kills it if it still runs, so no test leaves a server behind.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string Listening = "Now listening on: ";
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    /// <summary>Where the server listens, such as http://127.0.0.1:41234.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The server's process id, for reading what it costs in <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The last lines the server wrote, for a failure's message.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the server on <paramref name="factory"/>'s database and data folder with its master key, plus
    /// <paramref name="settings"/> (configuration keys such as <c>Cipherpad:RateLimits:AddressPerMinute</c>), and returns
    /// once <c>/health</c> answers 200. Fails with the server's own output when it is not up within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(CipherpadFactory factory, IReadOnlyDictionary<string, string>? settings = null,
        TimeSpan? timeout = null)
    {
        // Port 0: the system picks a free port at bind time, so two tests can never race for one; the server names it in its log.
        var server = new ServerProcess(new Process { StartInfo = Program(factory, settings, "--urls", "http://127.0.0.1:0") });
        try
        {
            await server.StartAsync(timeout ?? TimeSpan.FromSeconds(45));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// How to run <c>cipherpad-server</c> with <paramref name="arguments"/> (host arguments, or an admin command) on
    /// <paramref name="factory"/>'s database and data folder with its master key, plus <paramref name="settings"/>.
    /// </summary>
    public static ProcessStartInfo Program(CipherpadFactory factory, IReadOnlyDictionary<string, string>? settings, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cipherpad-server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = factory.Environment,
            ["Cipherpad:DataDirectory"] = factory.DataDirectory,
            ["Cipherpad:PublicUrl"] = "http://localhost",
            ["Cipherpad:Database:Provider"] = factory.Provider.ToString(),
            ["Cipherpad:Database:ConnectionString"] = factory.ConnectionString ?? "",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment[Server.Security.MasterKey.EnvironmentVariable] = factory.MasterKey;
        return start;
    }

    private async Task StartAsync(TimeSpan timeout)
    {
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        var started = Stopwatch.StartNew();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var exited = _process.WaitForExitAsync(deadline.Token);
            if (await Task.WhenAny(_address.Task, exited) == exited)
            {
                await exited;
                throw new InvalidOperationException(
                    $"cipherpad-server exited with {_process.ExitCode} before it listened:{Environment.NewLine}{RecentOutput}");
            }
            Address = await _address.Task;
            using var client = new HttpClient { BaseAddress = Address, Timeout = timeout };
            while (!_process.HasExited)
            {
                try
                {
                    using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), deadline.Token);
                    if (health.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // not answering yet
                }
                await Task.Delay(100, deadline.Token);
            }
            throw new InvalidOperationException(
                $"cipherpad-server exited with {_process.ExitCode} before /health answered:{Environment.NewLine}{RecentOutput}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"cipherpad-server did not answer /health with 200 within {timeout.TotalSeconds:0} s " +
                $"(waited {started.Elapsed.TotalSeconds:0.0} s):{Environment.NewLine}{RecentOutput}");
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (line.Contains(Listening, StringComparison.Ordinal)
            && Uri.TryCreate(line[(line.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim(), UriKind.Absolute, out var address))
        {
            _address.TrySetResult(address);
        }
        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>
    /// <c>kill -9</c>: SIGKILL (what <see cref="Process.Kill(bool)"/> sends on Unix), so nothing in the server runs after
    /// it: no graceful shutdown, no open transaction disposed, nothing flushed. Returns the exit code once the process is gone:
    /// 137 (128 + 9) for a SIGKILL.
    /// </summary>
    public async Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started, or already gone
        }
        _process.Dispose();
    }
}
