using Cipherpad.Testing;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// The .NET runtime settings (<c>DOTNET_*</c>) that the shipped systemd unit gives the server: every server measured, the
/// hello-world ceiling included, runs with them, so that the figures are those of the server as deployed.
/// </summary>
internal static class DeployedRuntime
{
    private const string Prefix = "Environment=DOTNET_";

    public static IReadOnlyDictionary<string, string> Settings { get; } = Read();

    /// <summary>The settings as the report prints them.</summary>
    public static string Describe() =>
        Settings.Count == 0 ? "the runtime's defaults" : string.Join(", ", Settings.Select(setting => $"{setting.Key}={setting.Value}"));

    private static Dictionary<string, string> Read() =>
        File.ReadLines(Path.Combine(Repository.Root, "deploy", "systemd", "cipherpad.service"))
            .Where(line => line.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(line => line["Environment=".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
}
