using System.Net.Http.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Passkeys;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests.Passkeys;

/// <summary>
/// Passkeys in Chromium, with its virtual authenticator (the DevTools WebAuthn domain) standing in for a fingerprint
/// reader: added only after the cipher pad confirms it, signing in with it, a copied passkey (its counter going
/// backwards) locked and mailed, and revoked.
/// </summary>
public abstract class PasskeyScenarios : IAsyncLifetime
{
    private const string Email = "ann@example.com";

    private CipherpadFactory _factory = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private Uri _server = null!;

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    public async Task InitializeAsync()
    {
        _factory = await CreateFactoryAsync();
        // A passkey's relying party is a domain, never an IP address: the browser reaches the server as localhost.
        _server = _factory.StartOnLoopbackAsPublicAddress("localhost");
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task A_passkey_added_after_the_pads_confirmation_signs_in_and_a_copy_of_it_is_locked()
    {
        var (pad, page, authenticator) = await WithPasskeyAsync();
        await SignInWithPasskeyAsync(page);
        await Assertions.Expect(page.Locator("#greeting")).ToBeVisibleAsync();
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            var passkey = await db.Passkeys.SingleAsync();
            Assert.NotNull(passkey.LastUsedAt);
            Assert.Contains(await db.AuthorizationLog.Where(e => e.Method == "passkey").Select(e => e.Result).ToListAsync(), result => result == "success");
        }

        // A copy of the passkey signs with a counter that does not grow: refused, and the passkey locked and mailed.
        await authenticator.ResetCounterAsync();
        await SignOutAsync(page);
        await SignInWithPasskeyAsync(page);
        await Assertions.Expect(page.Locator("#answer-error")).ToContainTextAsync("Wrong answer");
        await _factory.SendOutboxAsync();
        Assert.Contains(Journeys.EmailsTo(_factory, Email), mail => mail.Subject?.Contains("\"Laptop fingerprint\" was locked", StringComparison.Ordinal) == true);
        // Locked, it answers nothing, even with a counter that grows again.
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#use-passkey"), response => response.Request.Method == "POST");
        await Assertions.Expect(page.Locator("#answer-error")).ToContainTextAsync("Wrong answer");

        // Revoked with the pad's confirmation.
        await SignInWithPadAsync(page, pad);
        await page.GotoAsync(Address("/account/passkeys"));
        await Assertions.Expect(page.Locator("#passkeys")).ToContainTextAsync("locked: it may have been copied");
        await page.FillAsync("#passkeys form[action*=Rename] input[name=Name]", "Old laptop");
        await page.ClickAsync("#passkeys form[action*=Rename] button");
        await ConfirmOnPadAsync(page, pad);
        await page.GotoAsync(Address("/account/passkeys"));
        await Assertions.Expect(page.Locator("#passkeys")).ToContainTextAsync("Old laptop");
        await page.ClickAsync("#passkeys form[action*=Revoke] button");
        await ConfirmOnPadAsync(page, pad);
        await page.GotoAsync(Address("/account/passkeys"));
        await Assertions.Expect(page.Locator("#no-passkeys")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_payment_confirmed_with_a_passkey_through_OpenID_Connect_is_bound_to_its_amount_and_the_token_says_so()
    {
        var (_, page, _) = await WithPasskeyAsync();
        var client = await OidcClient.RegisterAsync(_factory);
        string? returned = null;
        await page.RouteAsync("https://wallet.example/**", async route =>
        {
            returned = route.Request.Url;
            await route.FulfillAsync(new() { Status = 200, Body = "signed in" });
        });
        var (verifier, pkce) = OidcClient.NewPkce();
        var (requestUri, pushed, _) = await client.PushAsync(client.AuthorizationRequest(pkce, new Dictionary<string, string>
        {
            ["authorization_details"] = """[{"type":"payment","payee":"Z123456789012","amount":"12.50","currency":"USD"}]""",
        }));
        Assert.True(requestUri is not null, pushed.ToString());

        await page.GotoAsync(Address(OidcClient.AuthorizeAddress(new Dictionary<string, string> { ["client_id"] = client.ClientId, ["request_uri"] = requestUri })));
        await page.FillAsync("#Email", Email);
        await page.ClickAsync("#choose-passkey");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("12.50 USD");

        // Malware in the page has the passkey sign a payment of 1250.00 instead: that signature confirms nothing here.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var challenge = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.AsNoTracking()
                .SingleAsync(c => c.Method == "passkey" && c.Status == ChallengeStatus.Pending);
            challenge.Amount = "1250.00";
            var altered = System.Buffers.Text.Base64Url.EncodeToString(PasskeyService.ChallengeBytes(challenge));
            await page.EvaluateAsync("""
                altered => {
                    const block = document.getElementById("passkey-request");
                    block.textContent = JSON.stringify({ ...JSON.parse(block.textContent), challenge: altered });
                }
                """, altered);
        }
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#use-passkey"), response => response.Request.Method == "POST");
        await Assertions.Expect(page.Locator("#answer-error")).ToContainTextAsync("Wrong answer");
        Assert.Null(returned);

        // Signed as shown, it confirms the payment; the tokens say a passkey did it.
        await page.ClickAsync("#use-passkey");
        await Assertions.Expect(page.Locator("body")).ToHaveTextAsync("signed in");
        var code = System.Web.HttpUtility.ParseQueryString(new Uri(returned!).Query)["code"];
        var (status, tokens) = await client.RedeemCodeAsync(code!, verifier);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        var identity = OidcClient.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(["hwk", "mfa"], identity.GetProperty("amr").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("12.50", Assert.Single(identity.GetProperty("authorization_details").EnumerateArray()).GetProperty("amount").GetString());
    }

    [Fact]
    public async Task A_passkey_cannot_be_added_without_the_pads_confirmation_nor_twice()
    {
        var pad = await Journeys.RegisterAndActivateAsync(_factory, Email);
        var page = await _browser.NewPageAsync();
        await VirtualAuthenticator.AttachAsync(page);
        await SignInWithPadAsync(page, pad);
        await page.GotoAsync(Address("/account/passkeys"));
        await page.FillAsync("#Name", "Phone");
        await page.ClickAsync("main form[action*=Add] button[type=submit]");

        // Straight to the second step, the pad not asked: nothing to make.
        Guid registrationId;
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            registrationId = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().PasskeyRegistrations.Select(r => r.Id).SingleAsync();
        }
        await page.GotoAsync(Address($"/account/passkeys/new/{registrationId}"));
        await Assertions.Expect(page.Locator("#passkey-problem")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#make-passkey").CountAsync());

        await page.GoBackAsync();
        await ConfirmOnPadAsync(page, pad);
        await page.ClickAsync("#make-passkey");
        await Assertions.Expect(page.Locator("#passkeys")).ToContainTextAsync("Phone");
        // The same addition again makes nothing more.
        await page.GotoAsync(Address($"/account/passkeys/new/{registrationId}"));
        await Assertions.Expect(page.Locator("#passkey-problem")).ToBeVisibleAsync();
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Passkeys.CountAsync());
        }
    }

    [Fact]
    public async Task A_relying_party_cannot_ask_its_own_page_for_a_passkey_answer()
    {
        await Journeys.RegisterAndActivateAsync(_factory, Email);
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);

        using var response = await shop.PostAsJsonAsync("/api/v1/challenges", new Contracts.Challenges.CreateChallengeRequest(Email, Method: "passkey"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("invalid-request", problem.GetProperty("code").GetString());
        Assert.Contains("OpenID Connect", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_signed_challenge_changes_with_every_detail_it_confirms()
    {
        var (id, relyingParty) = (Guid.NewGuid(), Guid.NewGuid());
        Challenge Payment(Action<Challenge>? change = null)
        {
            var challenge = new Challenge
            {
                Id = id, RelyingPartyId = relyingParty, AccountId = Guid.Empty, Purpose = Purpose.Payment, Question = "12345678",
                Payee = "Z123456789012", Amount = "10.00", Currency = "USD", Method = "passkey",
            };
            change?.Invoke(challenge);
            return challenge;
        }
        var signed = PasskeyService.ChallengeBytes(Payment());
        Assert.Equal(signed, PasskeyService.ChallengeBytes(Payment()));
        foreach (var change in new Action<Challenge>[]
                 {
                     c => c.Amount = "1000.00", c => c.Payee = "Z000000000000", c => c.Currency = "EUR", c => c.Question = "12345679",
                     c => c.Purpose = Purpose.Action, c => c.RelyingPartyId = Guid.NewGuid(), c => c.Id = Guid.NewGuid(), c => c.Description = "x",
                 })
        {
            Assert.NotEqual(signed, PasskeyService.ChallengeBytes(Payment(change)));
        }
    }

    /// <summary>
    /// Registers Ann with an activated pad; in a browser page with a virtual authenticator, she adds the passkey "Laptop
    /// fingerprint" (the pad confirms first), turns passkeys on as a way to answer, and signs out.
    /// </summary>
    private async Task<(byte[] Pad, IPage Page, VirtualAuthenticator Authenticator)> WithPasskeyAsync()
    {
        var pad = await Journeys.RegisterAndActivateAsync(_factory, Email);
        var page = await _browser.NewPageAsync();
        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await SignInWithPadAsync(page, pad);

        // Added: the pad confirms first, then the browser makes the passkey.
        await page.GotoAsync(Address("/account/passkeys"));
        await Assertions.Expect(page.Locator("#method-off")).ToBeVisibleAsync();
        await page.FillAsync("#Name", "Laptop fingerprint");
        await page.ClickAsync("main form[action*=Add] button[type=submit]");
        Assert.Empty(await authenticator.CredentialsAsync());
        await ConfirmOnPadAsync(page, pad);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/passkeys/new/"));
        await page.ClickAsync("#make-passkey");
        await Assertions.Expect(page.Locator("#passkeys")).ToContainTextAsync("Laptop fingerprint");
        Assert.Single(await authenticator.CredentialsAsync());
        await _factory.SendOutboxAsync();
        Assert.Contains(Journeys.EmailsTo(_factory, Email), mail => mail.Subject == "Cipherpad: The passkey \"Laptop fingerprint\" was added to your account.");

        // Turned on as a way to answer, then used to sign in: no question, the device's signature.
        await page.GotoAsync(Address("/account/methods"));
        await page.CheckAsync("input[name=passkey]");
        await page.ClickAsync("main button[type=submit]");
        await ConfirmOnPadAsync(page, pad);
        await SignOutAsync(page);
        return (pad, page, authenticator);
    }

    private string Address(string path) => new Uri(_server, path).ToString();

    private async Task SignInWithPadAsync(IPage page, byte[] pad)
    {
        await page.GotoAsync(Address("/signin"));
        await page.FillAsync("#Email", Email);
        await page.ClickAsync("button[value=app]");
        await page.FillAsync("#Answer", Journeys.AnswerWith(_factory, pad, Purpose.Login, await page.InnerTextAsync("#question")));
        await page.ClickAsync("main form[action*=Answer] button[type=submit]");
        await Assertions.Expect(page.Locator("#greeting")).ToBeVisibleAsync();
    }

    private async Task SignInWithPasskeyAsync(IPage page)
    {
        await page.GotoAsync(Address("/signin"));
        await page.FillAsync("#Email", Email);
        await page.ClickAsync("#choose-passkey");
        await page.ClickAsync("#use-passkey");
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync(".site-nav form button");
        await Assertions.Expect(page.Locator("#greeting")).Not.ToBeVisibleAsync();
    }

    private async Task ConfirmOnPadAsync(IPage page, byte[] pad)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/confirm/"));
        await page.FillAsync("#Answer", Journeys.AnswerWith(_factory, pad, Purpose.Action, await page.InnerTextAsync("#question")));
        await page.ClickAsync("main form button[type=submit]");
    }
}

public sealed class SqlitePasskeyScenarios : PasskeyScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresPasskeyScenarios(PostgresServer postgres) : PasskeyScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
