using Microsoft.Playwright;

namespace Cipherpad.Testing;

/// <summary>The Debian Chromium that the browser tests drive through Playwright (nothing is downloaded at run time).</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>A headless Chromium with a profile of its own in <paramref name="profileDirectory"/>, as a person's browser.</summary>
    public static Task<IBrowserContext> LaunchPersistentAsync(IPlaywright playwright, string profileDirectory, BrowserTypeLaunchPersistentContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        ArgumentNullException.ThrowIfNull(options);
        EnsureInstalled();
        options.ExecutablePath = Path;
        options.Headless = true;
        options.Args = Arguments;
        return playwright.Chromium.LaunchPersistentContextAsync(profileDirectory, options);
    }

    /// <summary>A headless Chromium; <paramref name="arguments"/> are added to the quiet defaults (such as a fake camera).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        EnsureInstalled();
        return playwright.Chromium.LaunchAsync(new() { ExecutablePath = Path, Headless = true, Args = [.. Arguments, .. arguments] });
    }

    private static readonly string[] Arguments = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"];

    private static void EnsureInstalled()
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"Chromium is not installed at {Path}, so the browser tests cannot run: " +
                "install it (Debian: apt-get install chromium) or run .ci/run, which does.");
        }
    }
}
