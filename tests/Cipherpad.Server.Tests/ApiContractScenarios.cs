using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Activations;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Activation;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// What docs/api.md promises a relying party or a pad written from it alone: a challenge read after it is created says
/// the same as the create and as verify, and activation's finish follows the rules the page states.
/// </summary>
public sealed class ApiContractScenarios : IDisposable
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    public void Dispose() => _factory.Dispose();

    private static async Task<ChallengeResponse> ReadAsync(HttpClient shop, Guid id) =>
        (await shop.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{id}"))!;

    [Fact]
    public async Task The_QR_image_is_the_same_path_after_create_and_read_and_serves_the_PNG()
    {
        await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);

        var created = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
        var read = await ReadAsync(shop, created.ChallengeId);
        using var image = await shop.GetAsync(created.QrImage);

        Assert.Equal($"/api/v1/challenges/{created.ChallengeId}/qr.png", created.QrImage);
        Assert.Equal(created.QrImage, read.QrImage);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await image.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task Attempts_left_and_status_agree_between_verify_and_read()
    {
        var pad = await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
        var right = Journeys.AnswerWith(_factory, pad, Purpose.Login, challenge.Question);

        var wrong = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest("0000 0000"));
        var afterWrong = await ReadAsync(shop, challenge.ChallengeId);
        var success = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(right));
        var afterSuccess = await ReadAsync(shop, challenge.ChallengeId);
        var replay = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(right));

        Assert.Equal((5, "pending"), (challenge.AttemptsLeft, challenge.Status));
        Assert.Equal(("wrong", 4), (wrong.Result, wrong.AttemptsLeft));
        Assert.Equal((4, "pending"), (afterWrong.AttemptsLeft, afterWrong.Status));
        Assert.Equal(("success", 0), (success.Result, success.AttemptsLeft));
        Assert.Equal((0, "succeeded"), (afterSuccess.AttemptsLeft, afterSuccess.Status));
        Assert.Equal(("already-used", 0), (replay.Result, replay.AttemptsLeft));
    }

    [Fact]
    public async Task An_expired_question_reads_as_expired_with_no_attempts_left_as_verify_says()
    {
        await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
        _factory.Time.Offset += TimeSpan.FromMinutes(4);

        var read = await ReadAsync(shop, challenge.ChallengeId);
        var verified = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest("0000 0000"));

        Assert.Equal(("expired", 0), (verified.Result, verified.AttemptsLeft));
        Assert.Equal(("expired", 0), (read.Status, read.AttemptsLeft));
    }

    private async Task<(HttpClient Api, string Code)> CodeAsync()
    {
        using var browser = _factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(_factory, browser, "ann@example.com");
        return (_factory.CreateClient(), code);
    }

    private static async Task<StartActivationResponse> StartAsync(HttpClient api, string email)
    {
        var start = await api.PostAsJsonAsync("/api/v1/activations", new StartActivationRequest(email));
        start.EnsureSuccessStatusCode();
        return (await start.Content.ReadFromJsonAsync<StartActivationResponse>())!;
    }

    private static async Task<HttpResponseMessage> FinishAsync(HttpClient api, StartActivationResponse started, string email, string code,
        string? deviceName = null)
    {
        using var pad = ActivationClient.Begin(email, started.ActivationId, code, Base64Url.DecodeFromChars(started.ServerPublicKey))!;
        return await api.PostAsJsonAsync($"/api/v1/activations/{started.ActivationId}/finish", new FinishActivationRequest(email,
            Base64Url.EncodeToString(pad.ClientPublicKey), Base64Url.EncodeToString(pad.ClientConfirmation), deviceName));
    }

    private async Task<string> DeviceNameAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Devices.Select(d => d.Name).SingleAsync();
    }

    private static string Wrong(string code) => code[..^1] + (char)('0' + ((code[^1] - '0' + 1) % 10));

    [Fact]
    public async Task A_finish_may_be_retried_after_a_wrong_code_and_the_activation_is_spent_by_its_success()
    {
        var (api, code) = await CodeAsync();
        var started = await StartAsync(api, "ann@example.com");

        using var wrong = await FinishAsync(api, started, "ann@example.com", Wrong(code));
        using var right = await FinishAsync(api, started, "ann@example.com", code);
        using var again = await FinishAsync(api, started, "ann@example.com", code);

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("Cipher pad", await DeviceNameAsync()); // no name given: the default
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task A_finish_with_another_e_mail_than_the_start_is_a_wrong_code_and_spends_nothing()
    {
        var (api, code) = await CodeAsync();
        var started = await StartAsync(api, "ann@example.com");

        using var other = await FinishAsync(api, started, "bob@example.com", code);
        using var same = await FinishAsync(api, started, " ANN@example.com", code);

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("wrong-activation-code", (await other.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }
}
