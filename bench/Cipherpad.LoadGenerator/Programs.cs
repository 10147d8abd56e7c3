using System.Diagnostics;
using System.Globalization;

namespace Cipherpad.LoadGenerator;

/// <summary>Other programs: finding them, running them to the end, finding one already running.</summary>
internal static class Programs
{
    // Administration tools such as ip live in sbin, which a user's PATH may leave out.
    private static readonly string[] ExtraDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>The full path of <paramref name="name"/> on PATH or in an sbin folder, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs a program to its end (at most <paramref name="deadline"/>, a minute unless given) and returns its standard
    /// output; fails with its output when it fails, unless it may.
    /// </summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, bool mayFail = false, TimeSpan? deadline = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(deadline ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within {(deadline ?? TimeSpan.FromMinutes(1)).TotalSeconds:0} s.");
        }
        if (process.ExitCode != 0 && !mayFail)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await output}{await error}");
        }
        return await output;
    }

    /// <summary>The id of a running process of <paramref name="program"/> with <paramref name="argument"/> on its command line, or null.</summary>
    public static int? FindRunning(string program, string argument)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var processId))
            {
                continue;
            }
            string[] commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            if (Path.GetFileName(commandLine[0]) == program && commandLine.Contains(argument, StringComparer.Ordinal))
            {
                return processId;
            }
        }
        return null;
    }
}
