using Microsoft.Playwright;

namespace Cipherpad.Testing;

/// <summary>
/// A test class that drives Chromium against the real server: the server on a loopback port and one headless Chromium,
/// started before each test and stopped after it.
/// </summary>
public abstract class BrowserTests(CipherpadFactory factory) : IAsyncLifetime
{
    protected CipherpadFactory Factory { get; } = factory;

    protected IPlaywright Playwright { get; private set; } = null!;

    protected IBrowser Browser { get; private set; } = null!;

    /// <summary>The server's address.</summary>
    protected Uri ServerAddress { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        ServerAddress = Factory.StartOnLoopback();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(Playwright);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        Playwright?.Dispose();
        var unhandled = Factory.UnhandledExceptions();
        Factory.Dispose();
        // No journey a browser takes may end in a 500; when one did, its exception is what the test's failure shows.
        if (unhandled.Count > 0)
        {
            throw new InvalidOperationException($"The server failed {unhandled.Count} request(s) with an unhandled exception:{Environment.NewLine}{string.Join(Environment.NewLine, unhandled)}");
        }
    }
}
