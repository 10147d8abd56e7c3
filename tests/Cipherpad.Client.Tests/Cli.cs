using System.Diagnostics;
using System.Text.Json;

namespace Cipherpad.Client.Tests;

/// <summary>Runs the real <c>cipherpad</c> program in its own process, as a user or a script would.</summary>
public sealed class Cli(string home)
{
    public string Home { get; } = home;

    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public Task<Run> RunAsync(string? pin, params string[] arguments) => RunWithInputAsync(pin, null, arguments);

    public async Task<Run> RunWithInputAsync(string? pin, string? standardInput, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cipherpad.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("--home");
        start.ArgumentList.Add(Home);
        start.Environment["CIPHERPAD_KDF_ITERATIONS"] = "10000";
        start.Environment.Remove("CIPHERPAD_PIN");
        start.Environment.Remove("CIPHERPAD_NEW_PIN");
        if (pin is not null)
        {
            start.Environment["CIPHERPAD_PIN"] = pin;
        }
        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, (await output).Trim(), (await error).Trim());
    }
}
