using System.Buffers.Text;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cipherpad.Contracts.Activations;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Activation;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests;

/// <summary>
/// The JSON names and values on the wire are the API's promise to relying parties written in any language: these
/// tests read raw JSON, so a renamed contract property or a changed naming policy fails here and not at a customer.
/// </summary>
public sealed class ApiWireFormatTests
{
    [Fact]
    public async Task Challenge_verify_and_policy_responses_keep_their_wire_names()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var challenge = await RawAsync(await shop.PostAsync("/api/v1/challenges",
            Json("""{"login":"ann@example.com","purpose":"payment","payee":"123","amount":"12.5","currency":"USD"}""")));
        var verdict = await RawAsync(await shop.PostAsync($"/api/v1/challenges/{challenge.GetProperty("challengeId").GetGuid()}/verify",
            Json("""{"answer":"0000 0000","userIp":"192.0.2.1"}""")));
        var policy = await RawAsync(await shop.GetAsync("/api/v1/accounts/policy?login=ann@example.com"));

        Assert.Equal(["challengeId", "purpose", "method", "question", "expiresAt", "qrPayload", "qrImage", "status", "attemptsLeft", "payment", "description",
            "matchNumber"],
            Names(challenge));
        Assert.Equal(["payee", "amount", "currency"], Names(challenge.GetProperty("payment")));
        Assert.Equal(("payment", "app", "pending", "12.50"), (challenge.GetProperty("purpose").GetString(), challenge.GetProperty("method").GetString(),
            challenge.GetProperty("status").GetString(), challenge.GetProperty("payment").GetProperty("amount").GetString()));
        Assert.Equal(JsonValueKind.Null, challenge.GetProperty("description").ValueKind);
        Assert.Equal(["result", "attemptsLeft", "retryAfterSeconds"], Names(verdict));
        Assert.Equal("wrong", verdict.GetProperty("result").GetString());
        Assert.Equal(["login", "confirmAllOperations", "appMethod", "smsMethod", "smsLeftToday", "smsLeftThisHour", "methods"], Names(policy));
    }

    [Fact]
    public async Task Activation_responses_keep_their_wire_names()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        using var api = factory.CreateClient();

        var started = await RawAsync(await api.PostAsync("/api/v1/activations", Json("""{"email":"ann@example.com"}""")));
        var activationId = started.GetProperty("activationId").GetString()!;
        using var pad = ActivationClient.Begin("ann@example.com", activationId, code, Base64Url.DecodeFromChars(started.GetProperty("serverPublicKey").GetString()))!;
        var finished = await RawAsync(await api.PostAsync($"/api/v1/activations/{activationId}/finish", Json($$"""
            {"email":"ann@example.com","clientPublicKey":"{{Base64Url.EncodeToString(pad.ClientPublicKey)}}",
             "clientConfirmation":"{{Base64Url.EncodeToString(pad.ClientConfirmation)}}","deviceName":"test pad"}
            """)));

        Assert.Equal(["activationId", "serverPublicKey", "expiresAt"], Names(started));
        Assert.Equal(["serverConfirmation", "deviceId", "email"], Names(finished));
        Assert.NotNull(pad.Finish(Base64Url.DecodeFromChars(finished.GetProperty("serverConfirmation").GetString())));
    }

    [Fact]
    public void Requests_written_with_the_contract_types_carry_the_names_the_server_reads()
    {
        Assert.Equal(["login", "purpose", "description", "payee", "amount", "currency", "method"],
            Names(JsonSerializer.SerializeToElement(new CreateChallengeRequest("ann@example.com"), JsonSerializerOptions.Web)));
        Assert.Equal(["answer", "payee", "amount", "currency", "userIp"],
            Names(JsonSerializer.SerializeToElement(new VerifyRequest("1234 5678"), JsonSerializerOptions.Web)));
        Assert.Equal(["email"], Names(JsonSerializer.SerializeToElement(new StartActivationRequest("ann@example.com"), JsonSerializerOptions.Web)));
        Assert.Equal(["email", "clientPublicKey", "clientConfirmation", "deviceName", "deviceKind"],
            Names(JsonSerializer.SerializeToElement(new FinishActivationRequest("ann@example.com", "k", "c", "pad", "cli"), JsonSerializerOptions.Web)));
    }

    [Fact]
    public void The_contract_names_every_purpose_and_verify_result_the_server_sends()
    {
        Assert.Equal(Constants(typeof(ChallengePurposes)), Enum.GetValues<Purpose>().Select(purpose => purpose.WireName()).Order(StringComparer.Ordinal));
        Assert.Equal(Constants(typeof(VerifyResults)), Enum.GetValues<VerifyResult>().Select(ChallengeService.ResultName).Order(StringComparer.Ordinal));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> RawAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Names(JsonElement body) => body.EnumerateObject().Select(property => property.Name).ToArray();

    private static string[] Constants(Type names) =>
        names.GetFields().Select(field => (string)field.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToArray();
}
