using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Contracts.Vault;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;

namespace Cipherpad.Client;

/// <summary>
/// The key vault's calls, each signed with the pad's request key (docs/protocol.md §8) as the server's pad API asks.
/// The pad answers a release's question itself, after checking that the question it got names the item it asked for.
/// </summary>
public sealed class VaultApi(PadAccount account) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(account.Server), Timeout = TimeSpan.FromSeconds(30) };
    private readonly DeviceKeys _keys = new(Convert.FromBase64String(account.DeviceSecret));

    public async Task<VaultVersion> StoreAsync(string name, byte[] content, CancellationToken cancellationToken) =>
        await SendAsync<VaultVersion>(HttpMethod.Post, "/api/v1/pad/vault/items",
            new StoreVaultItemRequest(name, System.Buffers.Text.Base64Url.EncodeToString(content)), cancellationToken);

    public async Task<VaultItemsResponse> ListAsync(CancellationToken cancellationToken) =>
        await SendAsync<VaultItemsResponse>(HttpMethod.Get, "/api/v1/pad/vault/items", null, cancellationToken);

    public async Task DeleteAsync(string name, int? version, CancellationToken cancellationToken) =>
        await SendAsync<JsonElement?>(HttpMethod.Post, "/api/v1/pad/vault/items/delete", new VaultItemReference(name, version), cancellationToken);

    /// <summary>Asks for the item, checks the question is the pad's own and names that item, answers it, and fetches the item with the ticket.</summary>
    public async Task<(ReleasedVaultItem Item, string Verified)> ReleaseAsync(string name, int? version, CancellationToken cancellationToken)
    {
        var release = await SendAsync<VaultReleaseResponse>(HttpMethod.Post, "/api/v1/pad/vault/releases", new VaultItemReference(name, version), cancellationToken);
        var opening = RequestPayload.Open(release.QrPayload, [_keys], DateTimeOffset.UtcNow);
        if (opening.Status != PayloadStatus.Verified || opening.Payload!.Purpose != Purpose.Action
            || opening.Payload.Description != release.Description || opening.Payload.Question != release.Question
            || !release.Description.Contains($"\"{name.Trim()}\"", StringComparison.Ordinal))
        {
            throw new CipherpadCliException("The server's release question is not one this pad can verify for that item; nothing was answered.", 1, "tampered");
        }
        var answer = Answer.Compute(_keys, Purpose.Action, release.Question, DateTimeOffset.UtcNow);
        var ticket = await SendAsync<VaultTicketResponse>(HttpMethod.Post, $"/api/v1/pad/vault/releases/{release.ReleaseId}/answer",
            new VaultReleaseAnswer(answer), cancellationToken);
        var fetched = await _http.PostAsJsonAsync("/api/v1/vault/tickets", new VaultTicketRequest(ticket.Ticket), cancellationToken);
        return (await ReadAsync<ReleasedVaultItem>(fetched, cancellationToken), "Verified: " + opening.Payload.Describe());
    }

    public void Dispose()
    {
        _http.Dispose();
        _keys.Dispose();
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{PadRequest.Scheme} device={account.DeviceId}, time={time}, mac={PadRequest.Mac(_keys, method.Method, path, time, bytes)}");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new CipherpadCliException($"Cannot reach the server at {account.Server}: {exception.Message}", 1, "unreachable");
        }
        using (response)
        {
            return await ReadAsync<T>(response, cancellationToken);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return response.StatusCode == System.Net.HttpStatusCode.NoContent ? default!
                : await response.Content.ReadFromJsonAsync<T>(cancellationToken) ?? throw new CipherpadCliException("The server sent an empty answer.", 1, "protocol");
        }
        string detail, code;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : $"{(int)response.StatusCode} {response.ReasonPhrase}";
            code = problem.TryGetProperty("code", out var c) ? c.GetString() ?? "server-error" : "server-error";
        }
        catch (JsonException)
        {
            (detail, code) = ($"{(int)response.StatusCode} {response.ReasonPhrase}", "server-error");
        }
        throw new CipherpadCliException(detail, 1, code);
    }
}
