using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>E-mail through a real SMTP conversation (MailKit), SMS through the HTTP JSON webhook gateway.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private readonly List<(string? Authorization, JsonElement Body)> _sms = [];
    private WebApplication _gateway = null!;
    private int _gatewayStatus = 200;
    private TaskCompletionSource _gatewayAnswers = CompletedGate();
    private TaskCompletionSource? _hungGate;
    private Uri _gatewayUri = null!;
    private int _smtpPort;

    public async Task InitializeAsync()
    {
        _smtpPort = _smtp.Port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _gateway = builder.Build();
        _gateway.MapPost("/sms", async (HttpContext context) =>
        {
            await _gatewayAnswers.Task.WaitAsync(context.RequestAborted);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            lock (_sms)
            {
                _sms.Add((context.Request.Headers.Authorization, body));
            }
            return Results.StatusCode(_gatewayStatus);
        });
        await _gateway.StartAsync();
        _gatewayUri = new Uri(_gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    public async Task DisposeAsync()
    {
        _gatewayAnswers.TrySetResult();
        _hungGate?.TrySetResult();
        await _gateway.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private CipherpadFactory Factory(int? smtpPort = null, Dictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Cipherpad:Email:SmtpHost"] = "127.0.0.1",
            ["Cipherpad:Email:SmtpPort"] = (smtpPort ?? _smtpPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cipherpad:Sms:WebhookUrl"] = new Uri(_gatewayUri, "/sms").ToString(),
            ["Cipherpad:Sms:WebhookToken"] = "gateway-token",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        return new(DatabaseProvider.Sqlite, null, settings: all);
    }

    private static async Task<List<Notifications.OutboxMessage>> OutboxAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>().OutboxMessages.AsNoTracking().OrderBy(m => m.CreatedAt).ToListAsync();
    }

    [Fact]
    public async Task Registration_mail_goes_by_SMTP_and_the_activation_code_by_the_SMS_webhook()
    {
        using var factory = Factory();
        using var browser = factory.Browser();

        Assert.Equal(HttpStatusCode.Redirect, (await Journeys.SubmitRegistrationAsync(browser, "ann@example.com")).StatusCode);
        await factory.SendOutboxAsync();
        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("ann@example.com", mail.To.Mailboxes.Single().Address);
        var confirmPage = await ConfirmEmailPage.OpenAsync(browser, Journeys.ConfirmationLink(mail.TextBody ?? ""));
        var sent = await confirmPage.ChooseMethodsAsync(app: true);
        await factory.SendOutboxAsync();

        Assert.True(sent.CodeSent, "the page says the activation code was sent");
        var (authorization, body) = Assert.Single(_sms);
        Assert.Equal("Bearer gateway-token", authorization);
        Assert.Equal("+491701234567", body.GetProperty("to").GetString());
        Assert.Matches(@"Cipherpad activation code: \d{4}-\d{4}-\d{4}", body.GetProperty("text").GetString());
        Assert.False(Directory.Exists(Path.Combine(factory.DataDirectory, "outbox")), "nothing goes to the outbox when SMTP and the gateway are set");
    }

    [Fact]
    public async Task A_failing_SMS_gateway_delays_the_activation_code_until_a_retry_gets_through()
    {
        using var factory = Factory();
        using var browser = factory.Browser();
        await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        await factory.SendOutboxAsync();
        var confirmPage = await ConfirmEmailPage.OpenAsync(browser, Journeys.ConfirmationLink(_smtp.Messages.Single().TextBody ?? ""));

        _gatewayStatus = 503;
        var page = await confirmPage.ChooseMethodsAsync(app: true);
        await factory.SendOutboxAsync();
        var waiting = (await OutboxAsync(factory)).Single(m => m.Channel == Notifications.OutboxChannel.Sms);
        _gatewayStatus = 200;
        await factory.SendOutboxAsync(); // the retry is not due yet
        Assert.Single(_sms);
        factory.Time.Offset += TimeSpan.FromSeconds(6);
        await factory.SendOutboxAsync();

        Assert.True(page.CodeSent, "the page says the activation code was sent");
        Assert.Equal((1, null), (waiting.Attempts, waiting.SentAt));
        Assert.Contains("503", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(2, _sms.Count);
        Assert.Equal(_sms[0].Body.GetProperty("text").GetString(), _sms[1].Body.GetProperty("text").GetString());
        var sent = (await OutboxAsync(factory)).Single(m => m.Channel == Notifications.OutboxChannel.Sms);
        Assert.NotNull(sent.SentAt);
        Assert.Empty(sent.BodyProtected); // the code is not kept once it is sent
    }

    /// <summary>Registers ann with the cipher pad and SMS over the real gateway; returns a relying party's client.</summary>
    private async Task<HttpClient> AnnWithSmsAsync(CipherpadFactory factory)
    {
        using var browser = factory.Browser();
        await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        await factory.SendOutboxAsync();
        var confirmPage = await ConfirmEmailPage.OpenAsync(browser, Journeys.ConfirmationLink(_smtp.Messages.Single().TextBody ?? ""));
        await confirmPage.ChooseMethodsAsync(app: true, sms: true);
        await factory.SendOutboxAsync();
        var code = System.Text.RegularExpressions.Regex.Match(_sms.Last().Body.GetProperty("text").GetString()!, @"\d{4}-\d{4}-\d{4}").Value;
        using var api = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Journeys.ActivateAsync(api, "ann@example.com", code)).Response.StatusCode);
        return await Journeys.RelyingPartyClientAsync(factory);
    }

    private static string SmsAnswer(string text) => System.Text.RegularExpressions.Regex.Match(text, @"type ([0-9]{4} [0-9]{4}) \(question").Groups[1].Value;

    [Fact]
    public async Task An_SMS_answer_the_gateway_refuses_waits_for_a_retry_and_is_charged_only_once_confirmed()
    {
        using var factory = Factory();
        using var shop = await AnnWithSmsAsync(factory);
        var sentBefore = _sms.Count;

        _gatewayStatus = 503;
        var payment = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "1", Amount: "1", Currency: "USD", Method: "sms"));
        await factory.SendOutboxAsync();
        var refused = (await OutboxAsync(factory)).Last();
        _gatewayStatus = 200;
        factory.Time.Offset += TimeSpan.FromSeconds(6);
        await factory.SendOutboxAsync();
        var text = _sms.Last().Body.GetProperty("text").GetString()!;
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
        var feesBeforeAnswer = await db.FeeLedger.CountAsync();
        var challenge = (await payment.Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var verified = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(SmsAnswer(text)));

        Assert.Equal(HttpStatusCode.Created, payment.StatusCode);
        Assert.Equal((Notifications.OutboxChannel.Sms, 1, null), (refused.Channel, refused.Attempts, refused.SentAt));
        Assert.Contains("503", refused.LastError, StringComparison.Ordinal);
        Assert.Equal(sentBefore + 2, _sms.Count); // refused once, then delivered
        Assert.Contains("confirm a payment of 1.00 USD to 1", text, StringComparison.Ordinal);
        Assert.Equal(0, feesBeforeAnswer);
        Assert.Equal(VerifyResults.Success, verified.Result);
        Assert.Equal(challenge.ChallengeId, (await db.FeeLedger.SingleAsync()).ChallengeId);
    }

    [Fact]
    public async Task A_hanging_SMS_gateway_holds_no_relying_party_and_the_answer_arrives_when_the_outbox_sends_it()
    {
        using var factory = Factory(settings: new() { ["Cipherpad:Outbox:SendTimeout"] = "00:00:01" });
        using var shop = await AnnWithSmsAsync(factory);
        var sentBefore = _sms.Count;
        _gatewayAnswers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // accepts the request and never answers

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", Method: "sms"));
        var took = clock.Elapsed;
        await factory.SendOutboxAsync(); // the attempt runs into the send timeout
        var waiting = (await OutboxAsync(factory)).Last();
        _hungGate = _gatewayAnswers;
        _gatewayAnswers = CompletedGate(); // the next request is answered; the timed-out one never is, so it is never counted
        factory.Time.Offset += TimeSpan.FromSeconds(6);
        await factory.SendOutboxAsync();
        var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var verified = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(SmsAnswer(_sms.Last().Body.GetProperty("text").GetString()!)));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(took < TimeSpan.FromSeconds(5), $"the relying party waited {took.TotalSeconds:0.0} s for a hanging SMS gateway");
        Assert.Equal((1, null), (waiting.Attempts, waiting.SentAt));
        Assert.Contains("no answer within 1 s", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(sentBefore + 1, _sms.Count);
        Assert.Equal(VerifyResults.Success, verified.Result);
    }

    [Fact]
    public async Task A_committed_mail_wakes_the_background_sender_without_waiting_for_its_poll()
    {
        using var factory = Factory(settings: new()
        {
            ["Cipherpad:Outbox:SendInBackground"] = "true",
            ["Cipherpad:Outbox:PollInterval"] = "00:10:00",
        });
        using var browser = factory.Browser();
        await browser.GetAsync("/health"); // the sender's first pass, over an empty outbox, is done before the mail exists

        await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_smtp.Messages.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        Assert.Single(_smtp.Messages);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the mail went long before the ten-minute poll");
    }

    [Fact]
    public async Task A_hanging_SMTP_server_holds_no_request_and_the_mail_waits_for_a_retry()
    {
        using var hanging = new TcpListener(IPAddress.Loopback, 0);
        hanging.Start(); // accepts connections and never says a word
        using var factory = Factory(((IPEndPoint)hanging.LocalEndpoint).Port, new()
        {
            ["Cipherpad:Outbox:SendInBackground"] = "true",
            ["Cipherpad:Outbox:SendTimeout"] = "00:00:01",
            ["Cipherpad:Outbox:PollInterval"] = "00:00:00.100",
        });
        using var browser = factory.Browser();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        var took = clock.Elapsed;
        Notifications.OutboxMessage? failed = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && failed is null)
        {
            await Task.Delay(100);
            failed = (await OutboxAsync(factory)).SingleOrDefault(m => m.Attempts > 0 && m.ClaimedUntil == null);
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(took < TimeSpan.FromSeconds(5), $"registration answered in {took.TotalSeconds:0.0} s with SMTP hanging");
        Assert.NotNull(failed);
        Assert.Null(failed.SentAt);
        Assert.Contains("no answer within 1 s", failed.LastError, StringComparison.Ordinal);
        using var again = factory.Browser();
        Assert.Contains("already exists", WebUtility.HtmlDecode(await (await Journeys.SubmitRegistrationAsync(again, "ann@example.com")).Content.ReadAsStringAsync()),
            StringComparison.Ordinal);
    }
}
