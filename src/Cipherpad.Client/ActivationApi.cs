using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Core.Activation;

namespace Cipherpad.Client;

/// <summary>The cipher pad's only network use: the two calls of activation (docs/protocol.md §6).</summary>
public static class ActivationApi
{
    public static async Task<(byte[] DeviceSecret, Guid DeviceId)> ActivateAsync(Uri server, string email, string code, string deviceName,
        CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        JsonElement started;
        try
        {
            var start = await http.PostAsJsonAsync("/api/v1/activations", new { email }, cancellationToken);
            started = await ReadAsync(start, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new CipherpadCliException($"Cannot reach the server at {server}: {exception.Message}", 1, "unreachable");
        }
        var activationId = started.GetProperty("activationId").GetString()!;
        using var client = ActivationClient.Begin(email, activationId, code, Base64Url.DecodeFromChars(started.GetProperty("serverPublicKey").GetString()))
            ?? throw new CipherpadCliException("The server sent an invalid key; activation stopped.", 1, "protocol");
        var finish = await http.PostAsJsonAsync($"/api/v1/activations/{Uri.EscapeDataString(activationId)}/finish", new
        {
            email,
            clientPublicKey = Base64Url.EncodeToString(client.ClientPublicKey),
            clientConfirmation = Base64Url.EncodeToString(client.ClientConfirmation),
            deviceName,
        }, cancellationToken);
        var finished = await ReadAsync(finish, cancellationToken);
        var secret = client.Finish(Base64Url.DecodeFromChars(finished.GetProperty("serverConfirmation").GetString()))
            ?? throw new CipherpadCliException("The server could not prove it knows the activation code: this is not the server that sent it. Nothing was stored.",
                1, "server-not-confirmed");
        return (secret, finished.GetProperty("deviceId").GetGuid());
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
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
