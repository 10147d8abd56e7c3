using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.LoadGenerator.Http;
using Cipherpad.LoadGenerator.Measurement;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// The ceiling: <c>cipherpad-hello-world</c> (bench/Cipherpad.HelloWorld), ASP.NET Core with the server's host defaults and
/// nothing behind them, as a process of its own on 127.0.0.1. A round trip is two POSTs of the bodies a Cipherpad login
/// sends, with the same Authorization header, each echoed back: the HTTP and JSON work of a login without the login.
/// </summary>
internal sealed class HelloWorldTarget : ILoadTarget
{
    private const string Listening = "Listening on ";
    private readonly Process _process;
    private readonly PlainHttpClient _http;

    private HelloWorldTarget(Process process, PlainHttpClient http)
    {
        _process = process;
        _http = http;
        Server = ProcessCpu.Of(process.Id);
        ServerJit = ProcessCpu.TieredJit(process.Id);
    }

    public string Name => "hello world";
    public string RoundTripDescription => "two POSTs to /echo with a login's two request bodies, each parsed and written back";
    public ProcessCpu Server { get; }
    public ProcessCpu? ServerJit { get; }
    public ProcessCpu? Database => null;

    public static async Task<HelloWorldTarget> StartAsync(LoadOptions options, TextWriter log)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cipherpad-hello-world.dll"));
        foreach (var (key, value) in DeployedRuntime.Settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start cipherpad-hello-world.");
        try
        {
            var address = await AddressAsync(process, TimeSpan.FromSeconds(30));
            log.WriteLine($"hello world: cipherpad-hello-world (pid {process.Id}) on {address}");
            // The header a relying party sends to Cipherpad, so that requests are the same size.
            var http = new PlainHttpClient(address, options.Lanes, PlainHttpClient.Basic(Guid.NewGuid().ToString("N"), Convert.ToBase64String(new byte[32])));
            return new(process, http);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public async Task<string?> RoundTripAsync(int lane, CancellationToken cancellationToken)
    {
        var create = new CreateChallengeRequest($"load{lane}@example.com", ChallengePurposes.Login);
        if (await EchoAsync(lane, create, cancellationToken) is { } failure)
        {
            return failure;
        }
        return await EchoAsync(lane, new VerifyRequest("12345678", UserIp: "198.18.0.1"), cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        Stop(_process);
        return ValueTask.CompletedTask;
    }

    private async Task<string?> EchoAsync<T>(int lane, T body, CancellationToken cancellationToken)
    {
        var echoed = await _http.PostJsonAsync(lane, "/echo", body, cancellationToken);
        if (!echoed.IsSuccessStatusCode)
        {
            return $"echo: {echoed.Status}";
        }
        PlainHttpClient.ReadJson<JsonElement>(echoed);
        return null;
    }

    /// <summary>The address the program names in its first line of output.</summary>
    private static async Task<Uri> AddressAsync(Process process, TimeSpan timeout)
    {
        var output = new ConcurrentQueue<string>();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            output.Enqueue(line);
            if (line.StartsWith(Listening, StringComparison.Ordinal) && Uri.TryCreate(line[Listening.Length..].Trim(), UriKind.Absolute, out var uri))
            {
                address.TrySetResult(uri);
            }
        }
        process.OutputDataReceived += (_, line) => Read(line.Data);
        process.ErrorDataReceived += (_, line) => Read(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        var exited = process.WaitForExitAsync(deadline.Token);
        if (await Task.WhenAny(address.Task, exited) == address.Task)
        {
            return await address.Task;
        }
        throw new InvalidOperationException(
            $"cipherpad-hello-world did not say where it listens within {timeout.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        process.Dispose();
    }
}
