using System.Net.Sockets;
using System.Text.Json;
using Cipherpad.LoadGenerator.Targets;

namespace Cipherpad.LoadGenerator.Measurement;

internal static class RoundTrip
{
    /// <summary>
    /// One round trip on <paramref name="lane"/>, given up after <paramref name="timeout"/>. Returns null when it succeeded,
    /// else why not: the target's own reason, <c>timeout</c>, or the kind of transport error.
    /// </summary>
    public static async Task<string?> RunAsync(ILoadTarget target, int lane, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await target.RoundTripAsync(lane, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return "timeout";
        }
        catch (HttpRequestException exception)
        {
            return $"HTTP error: {exception.HttpRequestError}";
        }
        catch (SocketException exception)
        {
            return $"socket error: {exception.SocketErrorCode}";
        }
        catch (IOException exception)
        {
            return $"I/O error: {exception.Message}";
        }
        catch (JsonException)
        {
            return "unreadable JSON answer";
        }
    }
}
