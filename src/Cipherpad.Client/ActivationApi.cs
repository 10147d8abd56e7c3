using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Contracts.Activations;
using Cipherpad.Core.Activation;

namespace Cipherpad.Client;

/// <summary>The two calls of activation (docs/protocol.md §6).</summary>
public static class ActivationApi
{
    public static async Task<(byte[] DeviceSecret, Guid DeviceId)> ActivateAsync(Uri server, string email, string code, string deviceName,
        CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        StartActivationResponse started;
        try
        {
            var start = await http.PostAsJsonAsync("/api/v1/activations", new StartActivationRequest(email), cancellationToken);
            started = await ReadAsync<StartActivationResponse>(start, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new CipherpadCliException($"Cannot reach the server at {server}: {exception.Message}", 1, "unreachable");
        }
        using var client = ActivationClient.Begin(email, started.ActivationId, code, Base64Url.DecodeFromChars(started.ServerPublicKey))
            ?? throw new CipherpadCliException("The server sent an invalid key; activation stopped.", 1, "protocol");
        var finish = await http.PostAsJsonAsync($"/api/v1/activations/{Uri.EscapeDataString(started.ActivationId)}/finish",
            new FinishActivationRequest(email, Base64Url.EncodeToString(client.ClientPublicKey), Base64Url.EncodeToString(client.ClientConfirmation), deviceName,
                DeviceKind: "cli"),
            cancellationToken);
        var finished = await ReadAsync<FinishActivationResponse>(finish, cancellationToken);
        var secret = client.Finish(Base64Url.DecodeFromChars(finished.ServerConfirmation))
            ?? throw new CipherpadCliException("The server could not prove it knows the activation code: this is not the server that sent it. Nothing was stored.",
                1, "server-not-confirmed");
        return (secret, finished.DeviceId);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new CipherpadCliException("The server sent an empty answer; activation stopped.", 1, "protocol");
        }
        string detail;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() ?? response.ReasonPhrase ?? "" : response.ReasonPhrase ?? "";
        }
        catch (JsonException)
        {
            detail = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        var code = response.StatusCode switch
        {
            HttpStatusCode.Forbidden => "wrong-code",
            HttpStatusCode.Gone => "code-void",
            _ => "server-error",
        };
        throw new CipherpadCliException(detail, 1, code);
    }
}
