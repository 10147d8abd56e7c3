using System.Diagnostics;

namespace Cipherpad.Testing;

/// <summary>
/// Runs a script of <c>tests/interop</c> with Node, for clients Cipherpad did not write (openid-client). Its packages are
/// installed into that folder by <c>npm ci --prefix tests/interop</c>, which <c>.ci/run</c> does; without them the test
/// fails and says so.
/// </summary>
public static class NodeProgram
{
    public static string InteropFolder { get; } = Path.Combine(Repository.Root, "tests", "interop");

    /// <summary>Runs <c>node SCRIPT ARGS</c> in the interop folder and returns what it printed; fails with its errors if it exits otherwise than 0.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(InteropFolder, "node_modules")))
        {
            throw new InvalidOperationException($"The Node packages of {InteropFolder} are not installed: run npm ci --prefix tests/interop (or .ci/run).");
        }
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Node could not be started; is it installed (node on the PATH)?");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within 60 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} {arguments.FirstOrDefault()} exited with {process.ExitCode}: {await errors}");
        }
        return await output;
    }
}
