using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cipherpad.Testing;

/// <summary>
/// Podman, for the tests that build and run the container image of deploy/container the way docs/operations.md does.
/// This machine cannot reach Microsoft's container registry, so the two images the Containerfile starts from are stood
/// in for by images made here: Debian from the package mirror (mmdebstrap), with this machine's own .NET laid out as
/// Microsoft's images lay it out — <c>dotnet</c> in /usr/share/dotnet, the runtime image's user <c>app</c> with uid 1654.
/// </summary>
public static class Podman
{
    private const string Program = "/usr/bin/podman";
    private const string Debstrap = "/usr/bin/mmdebstrap";
    private const string StandInPrefix = "localhost/cipherpad-standin/";
    private static readonly SemaphoreSlim Building = new(1, 1);
    private static readonly Lazy<string> Configuration = new(WriteConfiguration);

    /// <summary>Runs <c>podman</c> with <paramref name="arguments"/> to its end, or fails after <paramref name="timeout"/>.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is missing, so the container image cannot be built: install podman and runc " +
                "(Debian: apt-get install podman runc mmdebstrap) or run .ci/run, which does.");
        }
        var start = new ProcessStartInfo(Program, arguments);
        start.Environment["CONTAINERS_CONF"] = Configuration.Value;
        return ProgramRun.ToEndAsync(start, timeout);
    }

    /// <summary>Runs <c>podman</c> and returns what it wrote, failing with its errors when it exits with anything but 0.</summary>
    public static async Task<string> RunCheckedAsync(TimeSpan timeout, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(timeout, arguments);
        return exitCode == 0
            ? output.Trim()
            : throw new InvalidOperationException($"podman {string.Join(' ', arguments)} exited with {exitCode}:{Environment.NewLine}{Tail(error)}");
    }

    /// <summary>
    /// The stand-ins for <c>mcr.microsoft.com/dotnet/sdk:10.0</c> and <c>mcr.microsoft.com/dotnet/aspnet:10.0</c>, built
    /// once per machine (the Debian base) and once per test run (the .NET layers, so they hold the .NET that runs the tests).
    /// </summary>
    public static async Task<(string Sdk, string Runtime)> StandInImagesAsync()
    {
        await Building.WaitAsync();
        try
        {
            var debian = await DebianAsync();
            var dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            var context = Directory.CreateTempSubdirectory("cipherpad-standin-");
            try
            {
                // The package mirrors here are reached through this machine's own certificate authorities: the SDK's restore needs them.
                var certificates = Directory.CreateDirectory(Path.Combine(context.FullName, "certificates"));
                foreach (var authority in Directory.EnumerateFiles("/usr/local/share/ca-certificates", "*.crt"))
                {
                    File.Copy(authority, Path.Combine(certificates.FullName, Path.GetFileName(authority)));
                }
                var sdk = StandInPrefix + "sdk:10.0";
                await BuildAsync(context.FullName, dotnet, sdk, $"""
                    FROM {debian}
                    COPY certificates/ /usr/local/share/ca-certificates/
                    RUN cp -a /mnt/dotnet /usr/share/dotnet && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && update-ca-certificates >/dev/null
                    ENV DOTNET_RUNNING_IN_CONTAINER=true NUGET_XMLDOC_MODE=skip NUGET_CERT_REVOCATION_MODE=offline
                    """);
                var runtime = StandInPrefix + "aspnet:10.0";
                await BuildAsync(context.FullName, dotnet, runtime, $"""
                    FROM {debian}
                    RUN mkdir /usr/share/dotnet && cp -a /mnt/dotnet/dotnet /mnt/dotnet/host /mnt/dotnet/shared /usr/share/dotnet/ \
                        && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
                        && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --create-home app
                    ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
                    """);
                return (sdk, runtime);
            }
            finally
            {
                context.Delete(recursive: true);
            }
        }
        finally
        {
            Building.Release();
        }
    }

    private static async Task<string> DebianAsync()
    {
        // Debian 12, whatever the host runs: the package names below are that release's.
        const string codename = "bookworm";
        var image = StandInPrefix + "debian:" + codename;
        if ((await RunAsync(TimeSpan.FromSeconds(30), "image", "exists", image)).ExitCode == 0)
        {
            return image;
        }
        var root = Path.Combine(Path.GetTempPath(), $"cipherpad-debian-{Guid.NewGuid():N}.tar");
        try
        {
            var (exitCode, _, error) = await ProgramRun.ToEndAsync(new ProcessStartInfo(Debstrap,
                ["--variant=minbase", "--include=ca-certificates,libssl3,libicu72,tzdata", codename, root]), TimeSpan.FromMinutes(10));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"mmdebstrap exited with {exitCode}:{Environment.NewLine}{Tail(error)}");
            }
            await RunCheckedAsync(TimeSpan.FromMinutes(5), "import", root, image);
            return image;
        }
        finally
        {
            File.Delete(root);
        }
    }

    private static async Task BuildAsync(string context, string dotnet, string tag, string containerfile)
    {
        var file = Path.Combine(context, "Containerfile");
        await File.WriteAllTextAsync(file, containerfile);
        await RunCheckedAsync(TimeSpan.FromMinutes(10), "build", "--volume", $"{dotnet}:/mnt/dotnet:ro", "--file", file, "--tag", tag, context);
    }

    // This machine mounts cgroup v1 controllers beside a cgroup v2 hierarchy, which crun refuses and runc accepts, and it does
    // not let a container raise its limits to podman's defaults: both are settings of this machine, not of the image.
    private static string WriteConfiguration()
    {
        var openFiles = File.ReadAllLines("/proc/self/limits").Single(line => line.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        var file = Path.Combine(Path.GetTempPath(), $"cipherpad-containers-{Environment.ProcessId}.conf");
        File.WriteAllText(file, $"""
            [containers]
            default_ulimits = ["nofile={openFiles}:{openFiles}", "nproc=4096:4096"]

            [engine]
            runtime = "runc"
            """);
        return file;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
