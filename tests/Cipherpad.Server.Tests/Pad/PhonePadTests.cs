using System.Text;
using System.Text.Json;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests.Pad;

/// <summary>
/// The phone cipher pad (<c>/pad/</c>) in Chromium at a phone's size, as a person uses it: set a PIN, activate with the
/// code from the SMS, answer a site's questions (also with the network cut), scan the sign-in page's QR code with the
/// camera, and the PIN's limits.
/// </summary>
public sealed class PhonePadTests() : BrowserTests(new CipherpadFactory(DatabaseProvider.Sqlite, null))
{
    private const string Pin = "270394";
    private const string Email = "ann@example.com";

    /// <summary>A script function: the pixels of the page's QR code image, as <c>ImageData</c>.</summary>
    private const string QrImagePixels = """
        async () => {
          const img = document.querySelector('img[alt^="QR code"]');
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = img.naturalWidth;
          canvas.height = img.naturalHeight;
          const context = canvas.getContext('2d');
          context.drawImage(img, 0, 0);
          return context.getImageData(0, 0, canvas.width, canvas.height);
        }
        """;

    private static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    /// <summary>Registers <see cref="Email"/> and activates a pad in <paramref name="context"/> with the code from the SMS outbox.</summary>
    private async Task<PhonePad> ActivatedPadAsync(IBrowserContext context, int eraseAfter = 5, Uri? server = null)
    {
        using var browser = Factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(Factory, browser, Email);
        var pad = await PhonePad.OpenAsync(context, server ?? ServerAddress);
        await pad.CreatePinAsync(Pin, eraseAfter);
        await pad.ActivateAsync(Email, code);
        await Assertions.Expect(pad.Message).ToHaveTextAsync($"Activated: {Email} answers from this pad now.");
        return pad;
    }

    private static async Task<string> VerifyAsync(HttpClient relyingParty, ChallengeResponse challenge, string answer,
        (string Payee, string Amount, string Currency)? payment = null) =>
        (await relyingParty.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer, payment?.Payee, payment?.Amount, payment?.Currency))).Result;

    [Fact]
    public async Task A_person_installs_the_pad_activates_it_and_answers_with_the_network_cut()
    {
        // A profile of its own, as a person's browser has: Chromium offers no installation in an incognito-like context.
        await using var context = await Chromium.LaunchPersistentAsync(Playwright, Path.Combine(Factory.DataDirectory, "browser-profile"),
            PhonePad.PhoneContextOptions());
        var pad = await ActivatedPadAsync(context);
        await pad.Page.ScreenshotAsync(new() { Path = ScreenshotPath("pad-home.png") });
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
            Assert.Equal(("Phone", Server.Devices.Device.WebAppKind), await db.Devices.Select(d => ValueTuple.Create(d.Name, d.Kind)).SingleAsync());
        }

        // Installable: Chromium itself finds nothing missing (manifest, icons, service worker controlling the page).
        await pad.Page.EvaluateAsync("() => navigator.serviceWorker.ready");
        await pad.Page.ReloadAsync();
        Assert.True(await pad.Page.EvaluateAsync<bool>("() => navigator.serviceWorker.controller !== null"));
        var devTools = await context.NewCDPSessionAsync(pad.Page);
        var installability = await devTools.SendAsync("Page.getInstallabilityErrors");
        Assert.Equal("[]", installability!.Value.GetProperty("installabilityErrors").GetRawText());
        using (var manifest = JsonDocument.Parse(await (await pad.Page.APIRequest.GetAsync(new Uri(ServerAddress, "/pad/manifest.webmanifest").ToString())).TextAsync()))
        {
            Assert.Equal("standalone", manifest.RootElement.GetProperty("display").GetString());
            Assert.Contains(manifest.RootElement.GetProperty("icons").EnumerateArray(), icon => icon.GetProperty("sizes").GetString() == "512x512");
        }

        using var relyingParty = await Journeys.RelyingPartyClientAsync(Factory);
        await pad.UnlockAsync(Pin);
        var login = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email));
        Assert.Equal("success", await VerifyAsync(relyingParty, login, await pad.AnswerAsync("login", login.Question)));
        await pad.DoneAsync();

        // The network cut: the pad opens from its cache, unlocks and answers; the site checks the answers.
        await context.SetOfflineAsync(true);
        await pad.Page.ReloadAsync();
        Assert.False(await pad.Page.EvaluateAsync<bool>("() => fetch('/health').then(() => true, () => false)"));
        await pad.UnlockAsync(Pin);
        var pay = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email, "payment", Payee: "Z123456789012", Amount: "12.50", Currency: "WMZ"));
        // The answer fits one payment only: a mistyped amount gives an answer the site refuses.
        Assert.Equal("wrong", await VerifyAsync(relyingParty, pay, await pad.AnswerAsync("payment", pay.Question, ("Z123456789012", "12.51", "WMZ"))));
        await pad.DoneAsync();
        var payAnswer = await pad.AnswerAsync("payment", pay.Question, ("Z123456789012", "12.5", "wmz"));
        await pad.Page.ScreenshotAsync(new() { Path = ScreenshotPath("pad-answer.png") });
        Assert.Equal("success", await VerifyAsync(relyingParty, pay, payAnswer));
        await pad.DoneAsync();

        // A request pasted from a site's QR code is shown verified before it is answered; a changed one is refused.
        var action = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email, "action", Description: "Add correspondent Bob"));
        await pad.Page.ClickAsync("[data-go=request]");
        await pad.Page.FillAsync("#request-text", action.QrPayload.Replace("Bob", "Eve", StringComparison.Ordinal));
        await pad.Page.ClickAsync("#request-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("This request was changed after the server made it: do not answer it.");
        await Assertions.Expect(pad.Page.Locator("#request-verified")).ToBeHiddenAsync();
        await pad.Page.FillAsync("#request-text", action.QrPayload);
        await pad.Page.ClickAsync("#request-form button[type=submit]");
        await Assertions.Expect(pad.Page.Locator("#request-details")).ToHaveTextAsync("Verified: confirm \"Add correspondent Bob\" at Demo Shop");
        await pad.Page.ScreenshotAsync(new() { Path = ScreenshotPath("pad-request.png") });
        await pad.Page.ClickAsync("#request-answer");
        Assert.Equal("success", await VerifyAsync(relyingParty, action, await pad.ShownAnswerAsync()));
    }

    [Fact]
    public async Task Wrong_PINs_are_counted_before_they_are_checked_and_the_chosen_count_erases_the_pad()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await ActivatedPadAsync(context, eraseAfter: 3);
        await pad.Page.ReloadAsync();
        await Assertions.Expect(pad.Page.Locator("#erase-warning")).ToHaveTextAsync("3 wrong PINs in a row erase this pad.");

        // The page is closed while it checks a wrong PIN (PBKDF2 takes a moment): the try is counted all the same.
        var countedBeforeChecked = await pad.Page.EvaluateAsync<bool>("""
            async () => {
              const store = await import('/pad/store.js');
              let done = false;
              store.unlock('000000').then(() => { done = true; });
              while (!done) {
                if ((await store.padStatus()).wrongPins === 1) {
                  return !done;
                }
              }
              return false;
            }
            """);
        Assert.True(countedBeforeChecked);
        await pad.Page.CloseAsync();
        pad = await PhonePad.OpenAsync(context, ServerAddress);
        await Assertions.Expect(pad.Page.Locator("#erase-warning")).ToHaveTextAsync("2 wrong PINs in a row erase this pad.");

        // The right PIN starts the count again.
        await pad.UnlockAsync(Pin);
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Cipher pad");
        await pad.Page.ClickAsync("#lock");
        await Assertions.Expect(pad.Page.Locator("#erase-warning")).ToHaveTextAsync("3 wrong PINs in a row erase this pad.");

        await pad.UnlockAsync("111222");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Wrong PIN. 2 more wrong PINs in a row erase this pad.");
        await pad.UnlockAsync("111223");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Wrong PIN. 1 more wrong PIN in a row erase this pad.");
        await pad.UnlockAsync("111224");
        await Assertions.Expect(pad.Message).ToContainTextAsync("Too many wrong PINs: the pad erased itself.");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Set up your cipher pad");
        Assert.True(await pad.Page.EvaluateAsync<bool>("async () => (await (await import('/pad/store.js')).padStatus()) === null"));
        Assert.Equal(0, await pad.Page.EvaluateAsync<int>("""
            () => new Promise((resolve) => {
              const open = indexedDB.open('cipherpad-pad');
              open.onsuccess = () => { const count = open.result.transaction('pad').objectStore('pad').count(); count.onsuccess = () => resolve(count.result); };
            })
            """));
    }

    [Fact]
    public async Task A_passkey_with_PRF_unlocks_the_pad_beside_the_PIN_until_the_PIN_changes()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        // A passkey needs a domain, not an IP address: the pad is opened at localhost.
        var pad = await ActivatedPadAsync(context, server: new UriBuilder(ServerAddress) { Host = "localhost" }.Uri);
        var authenticator = await VirtualAuthenticator.AttachAsync(pad.Page, prf: true);
        await pad.Page.ClickAsync("[data-go=settings]");

        // Setting it up takes the PIN, and a wrong one is counted as at the lock screen.
        await pad.Page.FillAsync("#passkey-unlock-pin", "000000");
        await pad.Page.ClickAsync("#passkey-unlock-on");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Wrong PIN. 4 more wrong PINs in a row erase this pad.");
        Assert.Empty(await authenticator.CredentialsAsync());
        await pad.Page.FillAsync("#passkey-unlock-pin", Pin);
        await pad.Page.ClickAsync("#passkey-unlock-on");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("A passkey of this device unlocks this pad now, beside the PIN.");
        Assert.Single(await authenticator.CredentialsAsync());
        // What is stored opens nothing by itself: the PIN is sealed, never kept as it is.
        var stored = await pad.Page.EvaluateAsync<string>("""
            () => new Promise((resolve) => {
              const open = indexedDB.open('cipherpad-pad');
              open.onsuccess = () => { const read = open.result.transaction('pad').objectStore('pad').get('pad');
                read.onsuccess = () => resolve(JSON.stringify(read.result.passkey, (key, value) => value instanceof Uint8Array ? Array.from(value) : value)); };
            })
            """);
        Assert.DoesNotContain(string.Join(",", Encoding.ASCII.GetBytes(Pin)), stored, StringComparison.Ordinal);

        await pad.Page.ClickAsync("#screen-settings [data-go=home]");
        await pad.Page.ClickAsync("#lock");
        await pad.Page.ClickAsync("#unlock-passkey");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Cipher pad");
        await Assertions.Expect(pad.Page.Locator("#account")).ToContainTextAsync(Email);

        // A new PIN: the passkey sealed the old one, so it unlocks nothing until it is set up again.
        await pad.Page.ClickAsync("[data-go=settings]");
        await pad.Page.FillAsync("#current-pin", Pin);
        await pad.Page.FillAsync("#changed-pin", "314159");
        await pad.Page.FillAsync("#changed-pin-again", "314159");
        await pad.Page.ClickAsync("#change-pin-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("PIN changed. A passkey no longer unlocks the pad: set it up again with the new PIN.");
        await pad.Page.ClickAsync("#screen-settings [data-go=home]");
        await pad.Page.ClickAsync("#lock");
        await Assertions.Expect(pad.Page.Locator("#unlock-passkey")).ToBeHiddenAsync();
        await pad.UnlockAsync("314159");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Cipher pad");
    }

    [Fact]
    public async Task Without_PRF_a_passkey_does_not_unlock_the_pad_and_the_PIN_still_does()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await ActivatedPadAsync(context, server: new UriBuilder(ServerAddress) { Host = "localhost" }.Uri);
        await VirtualAuthenticator.AttachAsync(pad.Page, prf: false);
        await pad.Page.ClickAsync("[data-go=settings]");
        await pad.Page.FillAsync("#passkey-unlock-pin", Pin);
        await pad.Page.ClickAsync("#passkey-unlock-on");
        await Assertions.Expect(pad.Message).ToHaveTextAsync(
            "This browser or device cannot unlock with a passkey (it lacks the PRF extension). The PIN still unlocks the pad.");

        await pad.Page.ClickAsync("#screen-settings [data-go=home]");
        await pad.Page.ClickAsync("#lock");
        await Assertions.Expect(pad.Page.Locator("#unlock-passkey")).ToBeHiddenAsync();
        await pad.UnlockAsync(Pin);
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Cipher pad");
    }

    [Fact]
    public async Task A_reversed_keypad_whole_answers_and_paranoid_mode_work_as_chosen()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await ActivatedPadAsync(context);
        await pad.Page.ClickAsync("[data-go=settings]");
        await pad.Page.CheckAsync("#settings-reversed");
        await pad.Page.UncheckAsync("#settings-grouped");
        await pad.Page.CheckAsync("#settings-paranoid");
        await pad.Page.ClickAsync("#settings-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Settings saved.");
        await pad.Page.ClickAsync("#screen-settings [data-go=home]");

        using var relyingParty = await Journeys.RelyingPartyClientAsync(Factory);
        var login = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email));
        await pad.Page.ClickAsync("[data-mode=login]");
        // A calculator's layout: 7 8 9 on top, 1 2 3 at the bottom.
        Assert.Equal(["7", "8", "9", "4", "5", "6", "1", "2", "3", "-", "0", "⌫"],
            await pad.Page.Locator("#screen-question .keypad button").AllInnerTextsAsync());
        foreach (var digit in login.Question)
        {
            await pad.Page.ClickAsync($"#screen-question .keypad button[data-key='{digit}']");
        }
        Assert.Equal(login.Question, await pad.Page.InputValueAsync("#question"));

        // Paranoid: no answer without the PIN, and a wrong one is counted.
        await pad.Page.ClickAsync("#question-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Paranoid mode: type your PIN for this answer.");
        await pad.Page.FillAsync("#question-pin", "999888");
        await pad.Page.ClickAsync("#question-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Wrong PIN. 4 more wrong PINs in a row erase this pad.");
        await pad.Page.FillAsync("#question-pin", Pin);
        await pad.Page.ClickAsync("#question-form button[type=submit]");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Your answer");
        var shown = await pad.Page.InnerTextAsync("#answer");
        Assert.Matches("^[0-9]{8}$", shown);
        Assert.Equal("success", await VerifyAsync(relyingParty, login, shown));

        // Settings are kept with the pad.
        await pad.Page.ReloadAsync();
        await pad.UnlockAsync(Pin);
        await pad.Page.ClickAsync("[data-go=settings]");
        Assert.True(await pad.Page.IsCheckedAsync("#settings-reversed"));
        Assert.True(await pad.Page.IsCheckedAsync("#settings-paranoid"));
        Assert.False(await pad.Page.IsCheckedAsync("#settings-grouped"));
    }

    [Fact]
    public async Task The_pad_approves_a_request_with_the_number_the_site_shows_and_refuses_one_the_person_did_not_start()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await ActivatedPadAsync(context);
        // This browser was given no permission for notifications: the pad says it finds requests while it is open.
        await pad.TurnOnApprovalAsync("Settings saved. This browser gives the pad no notifications: it finds requests while it is open.");

        using var relyingParty = await Journeys.RelyingPartyClientAsync(Factory);
        var payment = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email, "payment", Payee: "Z123456789012", Amount: "12.50",
            Currency: "WMZ", Method: "push"));
        await pad.Page.ClickAsync("#check-requests");
        await Assertions.Expect(pad.Page.Locator("#approve-details")).ToHaveTextAsync("Verified: pay 12.50 WMZ to Z123456789012 at Demo Shop");
        await pad.Page.ScreenshotAsync(new() { Path = ScreenshotPath("pad-approve.png") });
        await pad.Page.FillAsync("#approve-number", payment.MatchNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await pad.Page.ClickAsync("#approve-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Approved. Go back to the site.");
        Assert.Equal(ChallengeStatuses.Succeeded, (await relyingParty.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{payment.ChallengeId}"))!.Status);

        // Someone else signs in with the person's password: the pad finds the request by itself, and the person refuses it.
        var login = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest(Email, Method: "push"));
        await Assertions.Expect(pad.Page.Locator("#approve-details")).ToHaveTextAsync("Verified: log in at Demo Shop", new() { Timeout = 15_000 });
        await pad.Page.ClickAsync("#approve-deny");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Refused. The site was told, and you will get an e-mail about it.");
        Assert.Equal(ChallengeStatuses.Denied, (await relyingParty.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{login.ChallengeId}"))!.Status);
    }

    [Fact]
    public async Task A_pattern_set_at_first_start_locks_the_pad_and_a_wrong_one_is_counted()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await PhonePad.OpenAsync(context, ServerAddress);
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Set up your cipher pad");
        await pad.Page.CheckAsync("input[name=lock-kind][value=pattern]");
        await Assertions.Expect(pad.Page.Locator("#new-pin")).ToBeHiddenAsync();
        async Task JoinAsync(string field, string dots)
        {
            foreach (var dot in dots)
            {
                await pad.Page.ClickAsync($"#{field} + .pattern button[data-dot='{dot}']");
            }
        }
        await JoinAsync("new-pin", "1236");
        await JoinAsync("new-pin-again", "1236");
        await pad.Page.ClickAsync("#create-pin button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("A pattern joins at least 5 dots.");
        await JoinAsync("new-pin", "9");
        await JoinAsync("new-pin-again", "9");
        await pad.Page.ClickAsync("#create-pin button[type=submit]");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Activate an account");

        await pad.Page.ReloadAsync();
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Join your pattern");
        await Assertions.Expect(pad.Page.Locator("#pin")).ToBeHiddenAsync();
        await JoinAsync("pin", "15987");
        await pad.Page.ScreenshotAsync(new() { Path = ScreenshotPath("pad-pattern.png") });
        await pad.Page.ClickAsync("#unlock-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Wrong pattern. 4 more wrong patterns in a row erase this pad.");
        // The same dots in another order are another pattern.
        await JoinAsync("pin", "63219");
        await pad.Page.ClickAsync("#unlock-form button[type=submit]");
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Wrong pattern. 3 more wrong patterns in a row erase this pad.");
        await JoinAsync("pin", "12369");
        await pad.Page.ClickAsync("#unlock-form button[type=submit]");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Activate an account");
    }

    [Fact]
    public async Task Two_accounts_live_on_one_pad_and_each_or_all_can_be_erased()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await ActivatedPadAsync(context);
        pad.Page.Dialog += (_, dialog) => dialog.AcceptAsync();
        using (var browser = Factory.Browser())
        {
            var code = await Journeys.RegisterAndReceiveActivationCodeAsync(Factory, browser, "bob@example.com");
            await pad.Page.ClickAsync("#screen-home [data-go=activate]");
            await pad.ActivateAsync("bob@example.com", code, "Bob's phone");
        }
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Activated: bob@example.com answers from this pad now.");
        Assert.Equal([Email, "bob@example.com"], await pad.Page.Locator("#account option").AllInnerTextsAsync());

        // Each account answers with its own keys.
        using var relyingParty = await Journeys.RelyingPartyClientAsync(Factory);
        var bobs = await relyingParty.CreateChallengeAsync(new CreateChallengeRequest("bob@example.com"));
        await pad.Page.SelectOptionAsync("#account", "bob@example.com");
        Assert.Equal("success", await VerifyAsync(relyingParty, bobs, await pad.AnswerAsync("login", bobs.Question)));
        await pad.DoneAsync();

        await pad.Page.SelectOptionAsync("#account", Email);
        await pad.Page.ClickAsync("[data-go=settings]");
        await pad.Page.ClickAsync("#deactivate-one");
        await Assertions.Expect(pad.Message).ToHaveTextAsync($"{Email} was erased from this pad. Revoke the pad in your personal account too.");
        Assert.Equal(["bob@example.com"], await pad.Page.Locator("#account option").AllInnerTextsAsync());
        await pad.Page.ReloadAsync();
        await pad.UnlockAsync(Pin);
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Cipher pad");
        Assert.Equal(["bob@example.com"], await pad.Page.Locator("#account option").AllInnerTextsAsync());

        await pad.Page.ClickAsync("[data-go=settings]");
        await pad.Page.ClickAsync("#deactivate-all");
        await Assertions.Expect(pad.Heading).ToHaveTextAsync("Set up your cipher pad");
        Assert.True(await pad.Page.EvaluateAsync<bool>("async () => (await (await import('/pad/store.js')).padStatus()) === null"));
    }

    /// <summary>
    /// A change in the personal account is confirmed by the pad from the confirmation page's QR code: the code (read here
    /// with the pad's own QR reader) holds the sealed request, which the pad shows verified before it answers.
    /// </summary>
    [Fact]
    public async Task The_pad_confirms_a_change_from_the_confirmation_pages_QR_code()
    {
        await using var context = await PhonePad.PhoneContextAsync(Browser);
        var pad = await ActivatedPadAsync(context);
        var account = await context.NewPageAsync();
        await account.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await account.FillAsync("#Email", Email);
        await account.ClickAsync("main button[type=submit]");
        var answer = await pad.AnswerAsync("login", await account.InnerTextAsync("#question"));
        await pad.DoneAsync();
        await account.FillAsync("#Answer", answer);
        await account.ClickAsync("main button[type=submit]");
        await Assertions.Expect(account.Locator("#greeting")).ToHaveTextAsync("Hello, Ann");

        await account.GotoAsync(new Uri(ServerAddress, "/account/devices").ToString());
        await account.FillAsync("#devices input[name=Name]", "Ann's phone");
        await account.ClickAsync("#devices button:text('Rename')");
        await Assertions.Expect(account.Locator("h1")).ToHaveTextAsync("Confirm with your cipher pad");
        var payload = await account.EvaluateAsync<string>($$"""
            async () => {
              await new Promise((resolve, reject) => {
                const script = document.createElement('script');
                script.src = '/pad/vendor/jsqr-1.4.0/jsQR.js';
                script.onload = resolve;
                script.onerror = reject;
                document.head.append(script);
              });
              const image = await ({{QrImagePixels}})();
              return window.jsQR(image.data, image.width, image.height).data;
            }
            """);

        await pad.Page.ClickAsync("[data-go=request]");
        await pad.Page.FillAsync("#request-text", payload);
        await pad.Page.ClickAsync("#request-form button[type=submit]");
        await Assertions.Expect(pad.Page.Locator("#request-details")).ToContainTextAsync("Verified: confirm \"");
        await Assertions.Expect(pad.Page.Locator("#request-details")).ToContainTextAsync("Ann's phone");
        await pad.Page.ClickAsync("#request-answer");
        await account.FillAsync("#Answer", await pad.ShownAnswerAsync());
        await account.ClickAsync("main button[type=submit]");
        await Assertions.Expect(account.Locator("#done")).ToContainTextAsync("Done:");
    }

    /// <summary>
    /// The sign-in page's QR code, filmed by Chromium's fake camera (a video made from the page's own QR image), is read by
    /// the pad, shown verified, answered, and the answer signs the person in.
    /// </summary>
    [Fact]
    public async Task The_pad_scans_the_sign_in_pages_QR_code_with_the_camera()
    {
        var video = Path.Combine(Factory.DataDirectory, "camera.y4m");
        // Chromium opens the video file when the camera starts, so it is written once the sign-in page shows its code.
        await using var cameraBrowser = await Chromium.LaunchAsync(Playwright, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            $"--use-file-for-fake-video-capture={video}");
        await using var context = await PhonePad.PhoneContextAsync(cameraBrowser, "camera");
        var pad = await ActivatedPadAsync(context);

        var signIn = await context.NewPageAsync();
        await signIn.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await signIn.FillAsync("#Email", Email);
        await signIn.ClickAsync("main button[type=submit]");
        var image = await signIn.EvaluateAsync<JsonElement>($$"""
            async () => {
              const pixels = await ({{QrImagePixels}})();
              const rgba = pixels.data;
              let gray = '';
              for (let i = 0; i < rgba.length; i += 4) gray += String.fromCharCode(Math.round((rgba[i] + rgba[i + 1] + rgba[i + 2]) / 3));
              return { width: pixels.width, height: pixels.height, gray: btoa(gray) };
            }
            """);
        await File.WriteAllBytesAsync(video, CameraVideo.Y4m(Convert.FromBase64String(image.GetProperty("gray").GetString()!),
            image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()));

        await pad.Page.ClickAsync("#go-scan");
        await Assertions.Expect(pad.Page.Locator("#request-details")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Verified: log in at "),
            new() { Timeout = 20_000 });
        await pad.Page.ClickAsync("#request-answer");
        var answer = await pad.ShownAnswerAsync();

        await signIn.FillAsync("#Answer", answer);
        await signIn.ClickAsync("main button[type=submit]");
        await Assertions.Expect(signIn.Locator("#greeting")).ToHaveTextAsync("Hello, Ann");
    }
}

/// <summary>A still picture as a short YUV4MPEG2 video, the format Chromium's fake camera plays in a loop.</summary>
internal static class CameraVideo
{
    private const int Width = 640;
    private const int Height = 480;

    /// <summary><paramref name="gray"/> (one byte per pixel) drawn at twice its size on white, centred, for a few frames.</summary>
    public static byte[] Y4m(byte[] gray, int width, int height)
    {
        var scale = Math.Max(1, Math.Min(Width / width, Height / height) > 1 ? 2 : 1);
        var luma = Enumerable.Repeat((byte)255, Width * Height).ToArray();
        var left = (Width - (width * scale)) / 2;
        var top = (Height - (height * scale)) / 2;
        for (var y = 0; y < height * scale; y++)
        {
            for (var x = 0; x < width * scale; x++)
            {
                luma[((top + y) * Width) + left + x] = gray[((y / scale) * width) + (x / scale)];
            }
        }
        var chroma = Enumerable.Repeat((byte)128, Width * Height / 2).ToArray();
        using var file = new MemoryStream();
        file.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{Width} H{Height} F10:1 Ip A1:1 C420jpeg\n"));
        for (var frame = 0; frame < 10; frame++)
        {
            file.Write("FRAME\n"u8);
            file.Write(luma);
            file.Write(chroma);
        }
        return file.ToArray();
    }
}
