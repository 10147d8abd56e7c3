using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Testing;

/// <summary>An activated pad as the server knows it: its id and the secret it agreed.</summary>
public sealed record ActivatedPad(Guid DeviceId, byte[] Secret);

/// <summary>The phone pad's own API (<c>/api/v1/pad</c>), called as a pad does: every request signed (protocol.md §8).</summary>
public static class PadApi
{
    /// <summary>Registers <paramref name="email"/> and activates a pad for it; returns the pad's id and secret.</summary>
    public static async Task<ActivatedPad> RegisterAndActivateAsync(CipherpadFactory factory, string email)
    {
        ArgumentNullException.ThrowIfNull(factory);
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, email);
        using var api = factory.CreateClient();
        var (response, secret) = await Journeys.ActivateAsync(api, email, code, "phone", "web");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
        var accountId = (await db.Accounts.SingleAsync(a => a.Email == email)).Id;
        return new ActivatedPad((await db.Devices.SingleAsync(d => d.AccountId == accountId)).Id, secret!);
    }

    /// <summary>Sends <paramref name="body"/> (JSON, or nothing) signed by <paramref name="pad"/> at the server's time plus <paramref name="clockOffset"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(CipherpadFactory factory, ActivatedPad pad, HttpMethod method, string path, object? body = null,
        TimeSpan clockOffset = default, Func<byte[], byte[]>? tamper = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(pad);
        var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var time = (factory.Time.GetUtcNow() + clockOffset).ToUnixTimeSeconds();
        using var keys = new DeviceKeys(pad.Secret);
        var mac = PadRequest.Mac(keys, method.Method, path, time, bytes);
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(tamper?.Invoke(bytes) ?? bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", $"{PadRequest.Scheme} device={pad.DeviceId}, time={time}, mac={mac}");
        using var client = factory.CreateClient();
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SetApprovalAsync(CipherpadFactory factory, ActivatedPad pad, bool enabled) =>
        SendAsync(factory, pad, HttpMethod.Put, "/api/v1/pad/approval", new { enabled });

    public static async Task<JsonElement> PendingAsync(CipherpadFactory factory, ActivatedPad pad)
    {
        using var response = await SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/pending");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requests").Clone();
    }

    /// <summary>Approves <paramref name="challengeId"/> with <paramref name="answer"/> and <paramref name="number"/>; the decision's result.</summary>
    public static async Task<string> ApproveAsync(CipherpadFactory factory, ActivatedPad pad, Guid challengeId, string answer, int? number)
    {
        using var response = await SendAsync(factory, pad, HttpMethod.Post, $"/api/v1/pad/challenges/{challengeId}/approve", new { answer, number });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
    }

    public static async Task<string> DenyAsync(CipherpadFactory factory, ActivatedPad pad, Guid challengeId)
    {
        using var response = await SendAsync(factory, pad, HttpMethod.Post, $"/api/v1/pad/challenges/{challengeId}/deny");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
    }

    /// <summary>The pad's answer now to <paramref name="payload"/>, after checking it is authentic as the pad would.</summary>
    public static string AnswerPayload(CipherpadFactory factory, ActivatedPad pad, string payload)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(pad);
        using var keys = new DeviceKeys(pad.Secret);
        var opened = RequestPayload.Open(payload, [keys], factory.Time.GetUtcNow());
        Assert.Equal(PayloadStatus.Verified, opened.Status);
        return Answer.Compute(keys, opened.Payload!.Purpose, opened.Payload.Question, factory.Time.GetUtcNow(), opened.Payload.Payment);
    }
}
