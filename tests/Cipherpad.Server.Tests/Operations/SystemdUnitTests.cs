using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.Operations;

/// <summary>
/// The systemd unit shipped in deploy/systemd: systemd's own checker accepts it, and the server started the way the unit
/// starts it — its command line, its environment, the master key as a credential file — comes up ready and trusts the
/// proxy the unit names. Only the paths and the port are this machine's.
/// </summary>
public sealed partial class SystemdUnitTests
{
    private const string Analyzer = "/usr/bin/systemd-analyze";

    [Fact]
    public async Task The_shipped_unit_passes_systemd_analyze_and_starts_a_server_that_is_ready_with_the_key_from_its_credential()
    {
        var unit = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "systemd", "cipherpad.service"));
        var server = Path.Combine(AppContext.BaseDirectory, "cipherpad-server");
        var folder = Directory.CreateTempSubdirectory("cipherpad-systemd-");
        try
        {
            // systemd-analyze checks every key and that the program exists: point ExecStart at the built server.
            var checkedUnit = Path.Combine(folder.FullName, "cipherpad.service");
            await File.WriteAllTextAsync(checkedUnit, unit.Replace("/opt/cipherpad/cipherpad-server", server, StringComparison.Ordinal));
            var (verified, complaints) = await RunAsync(Analyzer, "verify", checkedUnit);
            Assert.True(verified == 0 && complaints.Length == 0, complaints);

            var data = Directory.CreateDirectory(Path.Combine(folder.FullName, "state"));
            var credentials = Directory.CreateDirectory(Path.Combine(folder.FullName, "credentials"));
            await File.WriteAllTextAsync(Path.Combine(credentials.FullName, "master-key"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            var port = Nginx.FreePort();
            var arguments = Directive(unit, "ExecStart").Split(' ')[1..].Select(argument => argument.Replace("5080", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            var start = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment.Clear();
            start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
            if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } dotnetRoot)
            {
                start.Environment["DOTNET_ROOT"] = dotnetRoot;
            }
            // What the unit's EnvironmentFile would hold on a real machine.
            start.Environment["Cipherpad__PublicUrl"] = "https://cipherpad.example.com";
            foreach (var setting in UnitEnvironment().Matches(unit).Select(match => (match.Groups["key"].Value, match.Groups["value"].Value)))
            {
                start.Environment[setting.Item1] = setting.Item2.Replace("/var/lib/cipherpad", data.FullName, StringComparison.Ordinal)
                    .Replace("%d", credentials.FullName, StringComparison.Ordinal);
            }
            using var process = Process.Start(start)!;
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
                var ready = await ReadyAsync(client, process);
                client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.70");
                using var page = await client.GetAsync(new Uri("/signin", UriKind.Relative));

                Assert.Equal(HttpStatusCode.OK, ready);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.True(File.Exists(Path.Combine(data.FullName, "cipherpad.db")), "the database is in the unit's state directory");
                Assert.False(File.Exists(Path.Combine(data.FullName, "master.key")), "the key came from the credential, none was made");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Directive(string unit, string name) =>
        unit.Split('\n').Single(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    private static async Task<HttpStatusCode> ReadyAsync(HttpClient client, Process process)
    {
        var ready = await Readiness.WaitAsync(client.BaseAddress!, () => Task.FromResult(!process.HasExited), TimeSpan.FromSeconds(45));
        return ready ? HttpStatusCode.OK
            : process.HasExited
                ? throw new InvalidOperationException($"the server exited with {process.ExitCode}: {await process.StandardOutput.ReadToEndAsync()} {await process.StandardError.ReadToEndAsync()}")
                : HttpStatusCode.ServiceUnavailable;
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string program, params string[] arguments)
    {
        if (!File.Exists(program))
        {
            throw new InvalidOperationException($"{program} is missing, so the systemd unit cannot be checked: install systemd (Debian: apt-get install systemd) or run .ci/run, which does.");
        }
        var (exitCode, _, error) = await ProgramRun.ToEndAsync(new ProcessStartInfo(program, arguments), TimeSpan.FromSeconds(60));
        return (exitCode, error.Trim());
    }

    [Fact]
    public async Task The_container_image_sets_the_runtime_settings_that_the_unit_sets()
    {
        var unit = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "systemd", "cipherpad.service"));
        var image = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "container", "Containerfile"));

        string[] unitSettings = [.. RuntimeSetting().Matches(unit).Select(match => match.Value).Order(StringComparer.Ordinal)];
        string[] imageSettings = [.. RuntimeSetting().Matches(image).Select(match => match.Value).Order(StringComparer.Ordinal)];

        Assert.Contains("DOTNET_GCgen0size=0x4000000", unitSettings);
        Assert.Equal(unitSettings, imageSettings);
    }

    [GeneratedRegex(@"DOTNET_[A-Za-z0-9_]+=[^\s\\]+")]
    private static partial Regex RuntimeSetting();

    [GeneratedRegex(@"^Environment=(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex UnitEnvironment();
}
