using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests.Pad;

/// <summary>
/// A push wakes the phone pad in Chromium: the server posts the request to a push service (a local RFC 8030 service run by
/// the test, which checks the VAPID token and decrypts the message), and the test hands the decrypted message to the pad's
/// service worker as a push service would (DevTools' ServiceWorker.deliverPushMessage). The browser's own subscription
/// is the one thing played: headless Chromium has no push service of its own, so PushManager.subscribe returns the test
/// service's subscription.
/// </summary>
public sealed class PadPushTests() : BrowserTests(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
{
    ["Cipherpad:Push:EndpointHosts:0"] = "127.0.0.1",
}))
{
    private const string Email = "ann@example.com";
    private PushService _pushService = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _pushService = await PushService.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_pushService is not null)
        {
            await _pushService.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_push_wakes_the_pad_which_shows_the_request_verified_and_approves_it_with_the_sites_number()
    {
        using var subscription = _pushService.Subscribe();
        await using var context = await PhonePad.PhoneContextAsync(Browser, "notifications");
        await context.AddInitScriptAsync($$"""
            (() => {
              const subscription = {{JsonSerializer.Serialize(subscription.ToJson())}};
              const played = { endpoint: subscription.endpoint, expirationTime: null, toJSON: () => subscription, unsubscribe: async () => true };
              PushManager.prototype.subscribe = async function () { return played; };
              PushManager.prototype.getSubscription = async function () { return null; };
            })();
            """);
        using var browser = Factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(Factory, browser, Email);
        var pad = await PhonePad.OpenAsync(context, ServerAddress);
        await pad.CreatePinAsync("270394");
        await pad.ActivateAsync(Email, code);
        await Assertions.Expect(pad.Message).ToHaveTextAsync($"Activated: {Email} answers from this pad now.");
        await pad.Page.EvaluateAsync("() => navigator.serviceWorker.ready");

        await pad.TurnOnApprovalAsync("Settings saved.");

        using var relyingParty = await Journeys.RelyingPartyClientAsync(Factory);
        var challenge = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email, Method: "push"));
        await Factory.SendOutboxAsync();
        var delivery = await _pushService.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(challenge.ChallengeId.ToString(), delivery.Plaintext, StringComparison.Ordinal);

        // The push service hands the message to the pad's service worker.
        var devTools = await context.NewCDPSessionAsync(pad.Page);
        var registrations = new TaskCompletionSource<string>();
        devTools.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, update) =>
        {
            foreach (var registration in update!.Value.GetProperty("registrations").EnumerateArray())
            {
                if (registration.GetProperty("scopeURL").GetString()!.EndsWith("/pad/", StringComparison.Ordinal))
                {
                    registrations.TrySetResult(registration.GetProperty("registrationId").GetString()!);
                }
            }
        };
        await devTools.SendAsync("ServiceWorker.enable");
        var registrationId = await registrations.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await devTools.SendAsync("ServiceWorker.deliverPushMessage", new()
        {
            ["origin"] = ServerAddress.GetLeftPart(UriPartial.Authority),
            ["registrationId"] = registrationId,
            ["data"] = delivery.Plaintext,
        });

        await Assertions.Expect(pad.Page.Locator("#approve-details")).ToHaveTextAsync("Verified: log in at Demo Shop", new() { Timeout = 10_000 });
        var notifications = await pad.Page.EvaluateAsync<string[]>(
            "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title + ' / ' + n.body)");
        Assert.Equal(["Cipherpad: a request waits for you / Open the cipher pad to see who asks, and approve or refuse."], notifications);
        await pad.Page.FillAsync("#approve-number", challenge.MatchNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await pad.Page.ClickAsync("#approve-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Approved. Go back to the site.");
        Assert.Equal(ChallengeStatuses.Succeeded, (await relyingParty.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{challenge.ChallengeId}"))!.Status);
    }
}
