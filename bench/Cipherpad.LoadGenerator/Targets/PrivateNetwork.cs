using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cipherpad.LoadGenerator.Measurement;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// A network of its own for a server that cannot be told to listen on loopback only (yubiserver binds every address). This
/// program runs again inside <c>unshare --net --pid</c>: new network and process namespaces, where loopback is the only
/// interface, brought up with <c>ip</c>. That run starts the server, measures it like every other target, and writes its
/// results as one line of JSON. When it ends, or is killed at its deadline, the kernel ends every process in the namespace
/// with it, the server that put itself in the background too.
/// </summary>
internal static class PrivateNetwork
{
    /// <summary>The option that tells this program it is the run inside the private network.</summary>
    public const string Option = "--in-private-network";

    private const string ResultsMarker = "results: ";
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs the yubiserver benchmark in a private network; null when that cannot be made or the run failed.</summary>
    public static async Task<IReadOnlyList<PhaseResult>?> MeasureYubiserverAsync(LoadOptions options, TextWriter log)
    {
        var (unshare, ip) = (Programs.Find("unshare"), Programs.Find("ip"));
        if (unshare is null || ip is null)
        {
            log.WriteLine("yubiserver: could not be measured: it listens on every address, and a network of its own needs unshare (util-linux) and ip (iproute2)");
            return null;
        }
        var start = new ProcessStartInfo(unshare) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in UnshareArguments(ip, options))
        {
            start.ArgumentList.Add(argument);
        }
        using var run = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start.");
        var results = new TaskCompletionSource<IReadOnlyList<PhaseResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastError = "";
        run.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.StartsWith(ResultsMarker, StringComparison.Ordinal) == true)
            {
                results.TrySetResult(JsonSerializer.Deserialize<List<PhaseResult>>(line.Data[ResultsMarker.Length..], Json)!);
            }
        };
        run.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                lastError = text;
                log.WriteLine(text);
            }
        };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(Deadline(options));
        try
        {
            await run.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            run.Kill(entireProcessTree: true);
            log.WriteLine($"yubiserver: stopped: the run inside its network did not end within {Deadline(options).TotalSeconds:0} s");
            return null;
        }
        if (run.ExitCode == 0 && results.Task.IsCompletedSuccessfully)
        {
            return await results.Task;
        }
        log.WriteLine($"yubiserver: could not be measured: the run in a network of its own failed ({run.ExitCode}): {lastError}");
        return null;
    }

    /// <summary>The run inside the private network: measures yubiserver and writes the results to standard output.</summary>
    public static async Task<int> MeasureYubiserverHereAsync(LoadOptions options)
    {
        var log = Console.Error;
        IReadOnlyList<PhaseResult> results;
        await using (var target = await YubiserverTarget.StartAsync(options, log))
        {
            results = await TargetBenchmark.RunAsync(target, options, log);
        }
        Console.Out.WriteLine(ResultsMarker + JsonSerializer.Serialize(results, Json));
        return 0;
    }

    private static IEnumerable<string> UnshareArguments(string ip, LoadOptions options)
    {
        // --kill-child: if unshare itself is killed, so is the run; --mount-proc: /proc shows the namespace's own processes.
        string[] namespaces = ["--net", "--pid", "--fork", "--mount-proc", "--kill-child"];
        // Without root, a user namespace of its own gives the rights to bring loopback up.
        string[] user = Environment.UserName == "root" ? [] : ["--map-root-user"];
        string[] shell = ["--", "/bin/sh", "-c", $"'{ip}' link set lo up && exec \"$@\"", "sh"];
        return [.. namespaces, .. user, .. shell, .. ThisProgram(), "yubiserver", Option, .. options.ToArguments()];
    }

    private static string[] ThisProgram()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, typeof(PrivateNetwork).Assembly.Location] : [host];
    }

    // Starting (tokens, the daemon), the longest warm-up, two phases and their stragglers, with a minute to spare.
    private static TimeSpan Deadline(LoadOptions options) =>
        TimeSpan.FromSeconds(options.MaxWarmupSeconds + 2 * options.Seconds + 60) + 4 * options.Timeout;
}
