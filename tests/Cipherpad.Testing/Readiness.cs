using System.Diagnostics;
using System.Net;

namespace Cipherpad.Testing;

/// <summary>Waiting for a server started outside the test host (a process, a container) to say it can serve.</summary>
public static class Readiness
{
    /// <summary>
    /// Asks <c>/health/ready</c> at <paramref name="address"/> until it answers 200 (true), or until
    /// <paramref name="isRunning"/> says the server stopped or <paramref name="timeout"/> is up (false).
    /// </summary>
    public static async Task<bool> WaitAsync(Uri address, Func<Task<bool>> isRunning, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(isRunning);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && await isRunning())
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        return false;
    }
}
