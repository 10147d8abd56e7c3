using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>E-mail through a real SMTP conversation (MailKit), SMS through the HTTP JSON webhook gateway.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private readonly List<(string? Authorization, JsonElement Body)> _sms = [];
    private WebApplication _gateway = null!;
    private int _gatewayStatus = 200;
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

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private CipherpadFactory Factory() => new(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
    {
        ["Cipherpad:Email:SmtpHost"] = "127.0.0.1",
        ["Cipherpad:Email:SmtpPort"] = _smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cipherpad:Sms:WebhookUrl"] = new Uri(_gatewayUri, "/sms").ToString(),
        ["Cipherpad:Sms:WebhookToken"] = "gateway-token",
    });

    [Fact]
    public async Task Registration_mail_goes_by_SMTP_and_the_activation_code_by_the_SMS_webhook()
    {
        using var factory = Factory();
        using var browser = factory.Browser();

        Assert.Equal(HttpStatusCode.Redirect, (await Journeys.SubmitRegistrationAsync(browser, "ann@example.com")).StatusCode);
        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("ann@example.com", mail.To.Mailboxes.Single().Address);
        var confirmPage = await browser.GetStringAsync(Journeys.ConfirmationLink(mail.TextBody ?? ""));
        var sent = await browser.PostAsync("/confirm-email", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Journeys.AntiforgeryToken(confirmPage),
            ["Ticket"] = Journeys.HiddenValue(confirmPage, "Ticket"),
            ["App"] = "true",
        }));

        Assert.Contains("Activation code sent", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (authorization, body) = Assert.Single(_sms);
        Assert.Equal("Bearer gateway-token", authorization);
        Assert.Equal("+491701234567", body.GetProperty("to").GetString());
        Assert.Matches(@"Cipherpad activation code: \d{4}-\d{4}-\d{4}", body.GetProperty("text").GetString());
        Assert.False(Directory.Exists(Path.Combine(factory.DataDirectory, "outbox")), "nothing goes to the outbox when SMTP and the gateway are set");
    }

    [Fact]
    public async Task A_failing_SMS_gateway_gives_a_clear_message_and_a_retry_works()
    {
        using var factory = Factory();
        using var browser = factory.Browser();
        await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        var confirmPage = await browser.GetStringAsync(Journeys.ConfirmationLink(_smtp.Messages.Single().TextBody ?? ""));
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Journeys.AntiforgeryToken(confirmPage),
            ["Ticket"] = Journeys.HiddenValue(confirmPage, "Ticket"),
            ["App"] = "true",
        };

        _gatewayStatus = 503;
        var failed = await (await browser.PostAsync("/confirm-email", new FormUrlEncodedContent(form))).Content.ReadAsStringAsync();
        _gatewayStatus = 200;
        var retried = await (await browser.PostAsync("/confirm-email", new FormUrlEncodedContent(form))).Content.ReadAsStringAsync();

        Assert.Contains("could not send the SMS", failed, StringComparison.Ordinal);
        Assert.Contains("Activation code sent", retried, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_SMS_answer_that_could_not_be_sent_neither_counts_nor_is_charged()
    {
        using var factory = Factory();
        using var browser = factory.Browser();
        await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        var confirmPage = await browser.GetStringAsync(Journeys.ConfirmationLink(_smtp.Messages.Single().TextBody ?? ""));
        await browser.PostAsync("/confirm-email", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Journeys.AntiforgeryToken(confirmPage),
            ["Ticket"] = Journeys.HiddenValue(confirmPage, "Ticket"),
            ["App"] = "true",
            ["Sms"] = "true",
        }));
        var code = System.Text.RegularExpressions.Regex.Match(_sms.Last().Body.GetProperty("text").GetString()!, @"\d{4}-\d{4}-\d{4}").Value;
        using var api = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Journeys.ActivateAsync(api, "ann@example.com", code)).Response.StatusCode);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        _gatewayStatus = 503;
        var login = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", Method: "sms"));
        var payment = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "1", Amount: "1", Currency: "USD", Method: "sms"));

        Assert.Equal(HttpStatusCode.BadGateway, login.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, payment.StatusCode);
        Assert.Equal(5, (await shop.PolicyAsync("ann@example.com")).SmsLeftToday);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Empty(scope.ServiceProvider.GetRequiredService<Storage.CipherpadDbContext>().FeeLedger);
    }

    [Fact]
    public async Task When_SMTP_is_unreachable_nothing_of_the_registration_is_kept()
    {
        await _smtp.DisposeAsync(); // the port now refuses connections
        using var factory = Factory();
        using var browser = factory.Browser();

        var response = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");

        Assert.Contains("Nothing was saved", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var again = factory.Browser();
        Assert.DoesNotContain("already exists", await (await Journeys.SubmitRegistrationAsync(again, "ann@example.com")).Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
    }
}
