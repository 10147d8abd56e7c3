using Microsoft.Playwright;

namespace Cipherpad.Testing;

/// <summary>The Debian Chromium that the browser tests drive through Playwright (nothing is downloaded at run time).</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>A headless Chromium; <paramref name="arguments"/> are added to the quiet defaults (such as a fake camera).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"Chromium is not installed at {Path}, so the browser tests cannot run: " +
                "install it (Debian: apt-get install chromium) or run .ci/run, which does.");
        }
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", .. arguments],
        });
    }
}
