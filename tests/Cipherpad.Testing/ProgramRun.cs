using System.Diagnostics;

namespace Cipherpad.Testing;

/// <summary>Runs a program to its end, as a test runs a command: its exit code and all it wrote, within a time limit.</summary>
public static class ProgramRun
{
    public static async Task<(int ExitCode, string Output, string Error)> ToEndAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await error);
    }
}
