using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests.Demo;

/// <summary>
/// The demo wallet (samples/Cipherpad.DemoWallet) end to end in Chromium: it signs a person in through Cipherpad's
/// OpenID Connect with the ASP.NET Core handler, and carries out a transfer and a settings change only as confirmed on
/// the cipher pad — and refuses a transfer whose amount malware changed after the confirmation.
/// </summary>
public sealed class DemoWalletTests : IAsyncLifetime
{
    private const string Email = "ann@example.com";
    private const string Payee = "Z123456789012";

    private readonly CipherpadFactory _cipherpad = new(DatabaseProvider.Sqlite, null);
    private readonly string _walletDatabase = Path.Combine(Path.GetTempPath(), $"demo-wallet-{Guid.NewGuid():N}.db");
    private WebApplication _wallet = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var cipherpad = _cipherpad.StartOnLoopbackAsPublicAddress();
        await using var scope = _cipherpad.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<Server.RelyingParties.RelyingPartyService>();
        var credentials = await registry.AddAsync("Demo Wallet");
        _wallet = DemoWallet.DemoWallet.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cipherpad:Authority"] = cipherpad.AbsoluteUri,
                ["Cipherpad:ClientId"] = credentials.ClientId,
                ["Cipherpad:ClientSecret"] = credentials.ClientSecret,
                ["Wallet:Database"] = _walletDatabase,
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await _wallet.StartAsync();
        var wallet = _wallet.Urls.First();
        Assert.True(await registry.SetReturnAddressesAsync(credentials.ClientId, [$"{wallet}/signin-oidc"], [$"{wallet}/signout-callback-oidc"]) is { Succeeded: true });
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _wallet.DisposeAsync();
        _cipherpad.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_walletDatabase);
    }

    /// <summary>On Cipherpad's page: asks for a question for the e-mail already filled in, answers it as the pad computes, and returns to the wallet.</summary>
    private async Task AnswerAtCipherpadAsync(IPage page, byte[] pad, Purpose purpose, PaymentDetails? payment = null)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/connect/authorize"));
        await page.ClickAsync("button[value=app]");
        var question = (await page.Locator("#question").TextContentAsync())!.Trim();
        using (var keys = new DeviceKeys(pad))
        {
            await page.FillAsync("#Answer", Answer.Compute(keys, purpose, question, _cipherpad.Time.GetUtcNow(), payment));
        }
        await page.ClickAsync("form[action*=Answer] button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(_wallet.Urls.First() + "/");
    }

    /// <summary>Registers Ann with an activated pad, and signs her in at the wallet through Cipherpad with a login answer.</summary>
    private async Task<(byte[] Pad, IPage Page)> SignedInAtWalletAsync()
    {
        var pad = await Journeys.RegisterAndActivateAsync(_cipherpad, Email);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_wallet.Urls.First());
        await page.ClickAsync("#sign-in");
        await page.FillAsync("#Email", Email);
        await AnswerAtCipherpadAsync(page, pad, Purpose.Login);
        return (pad, page);
    }

    [Fact]
    public async Task A_person_signs_in_pays_changes_a_setting_and_sees_an_altered_amount_refused()
    {
        var (pad, page) = await SignedInAtWalletAsync();
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync(Email);
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("1000.00 USD");

        await page.FillAsync("#payee", Payee);
        await page.FillAsync("#amount", "12.5");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#operation")).ToContainTextAsync($"Pay 12.50 USD to {Payee}");
        await Assertions.Expect(page.Locator("#Email")).ToHaveValueAsync(Email);
        await AnswerAtCipherpadAsync(page, pad, Purpose.Payment, PaymentDetails.Create(Payee, "12.50", "USD"));
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("987.50 USD");
        await Assertions.Expect(page.Locator("#operations tr.done")).ToContainTextAsync($"Paid 12.50 USD to {Payee}.");

        await page.FillAsync("#payee", Payee);
        await page.FillAsync("#amount", "10");
        await page.CheckAsync("#alter");
        await page.ClickAsync("#send");
        await AnswerAtCipherpadAsync(page, pad, Purpose.Payment, PaymentDetails.Create(Payee, "10.00", "USD"));
        await Assertions.Expect(page.Locator("#operations tr.refused")).ToContainTextAsync(
            $"Cipherpad confirmed paying 10.00 USD to {Payee}, but the wallet was about to carry out paying 1000.00 USD to {Payee}: refused.");
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("987.50 USD");

        await page.ClickAsync("#toggle-mail");
        await Assertions.Expect(page.Locator("#operation")).ToHaveTextAsync("Demo Wallet: turn mail on every transfer on");
        await AnswerAtCipherpadAsync(page, pad, Purpose.Action);
        await Assertions.Expect(page.Locator("#mail-setting")).ToHaveTextAsync("on");

        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(_cipherpad.ClientOptions.BaseAddress, "/account").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
    }

    [Fact]
    public async Task A_statement_is_signed_with_the_wallet_key_only_once_the_key_vault_releases_it_for_the_pads_answer()
    {
        var (pad, page) = await SignedInAtWalletAsync();

        await page.ClickAsync("#make-key");
        var fingerprint = (await page.Locator("#key-fingerprint").TextContentAsync())!;
        var walletKey = (await page.Locator("#new-key").TextContentAsync())!;
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", walletKey, StringComparison.Ordinal);
        await page.ClickAsync("text=Back to the wallet");
        await Assertions.Expect(page.Locator("#key-fingerprint")).ToHaveTextAsync(fingerprint);

        // Not in the key vault yet: Cipherpad has nothing to release.
        await page.ClickAsync("#sign-statement");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("no key file \"demo-wallet.key\"");
        await page.GoBackAsync();

        // Stored, but not yet something sites may ask for: the same answer.
        await StoreInVaultAsync(System.Text.Encoding.UTF8.GetBytes(walletKey), letSitesAsk: false);
        await page.ClickAsync("#sign-statement");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("no key file");
        await page.GoBackAsync();

        await StoreInVaultAsync(System.Text.Encoding.UTF8.GetBytes(walletKey), letSitesAsk: true);
        await page.ClickAsync("#sign-statement");
        await Assertions.Expect(page.Locator("#release-description")).ToHaveTextAsync("Release the key file \"demo-wallet.key\", version 2, to Demo Wallet");
        Assert.Equal("image/png", (await page.APIRequest.GetAsync(await page.Locator("img").GetAttributeAsync("src") is { } qr
            ? new Uri(new Uri(_wallet.Urls.First()), qr).ToString() : throw new InvalidOperationException("no QR code"))).Headers["content-type"]);
        var question = (await page.Locator("#question").TextContentAsync())!.Trim();
        using var keys = new DeviceKeys(pad);
        await page.FillAsync("#answer", Answer.Compute(keys, Purpose.Login, question, _cipherpad.Time.GetUtcNow()));
        await page.ClickAsync("#send-answer");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("attempt(s) left");

        await page.FillAsync("#answer", Answer.Compute(keys, Purpose.Action, question, _cipherpad.Time.GetUtcNow()));
        await page.ClickAsync("#send-answer");
        var statement = (await page.Locator("#statement").TextContentAsync())!;
        Assert.StartsWith($"Demo Wallet statement: {Email} held 1000.00 USD at ", statement, StringComparison.Ordinal);
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            key.ImportFromPem(walletKey);
            Assert.True(key.VerifyData(System.Text.Encoding.UTF8.GetBytes(statement), Convert.FromBase64String((await page.Locator("#signature").TextContentAsync())!),
                System.Security.Cryptography.HashAlgorithmName.SHA256));
        }
        await page.ClickAsync("text=Back to the wallet");
        await Assertions.Expect(page.Locator("#operations tr.done")).ToContainTextAsync($"Signed with the wallet key {fingerprint}.");

        // A key file that is not this wallet's key is released, and refused by the wallet.
        using (var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            await StoreInVaultAsync(System.Text.Encoding.UTF8.GetBytes(other.ExportPkcs8PrivateKeyPem()), letSitesAsk: true);
        }
        await page.ClickAsync("#sign-statement");
        await page.FillAsync("#answer", Answer.Compute(keys, Purpose.Action, (await page.Locator("#question").TextContentAsync())!.Trim(), _cipherpad.Time.GetUtcNow()));
        await page.ClickAsync("#send-answer");
        await Assertions.Expect(page.Locator("#operations tr.refused")).ToContainTextAsync("is not this wallet's key");
    }

    /// <summary>Stores the next version of the wallet key file as its owner would on the key vault page.</summary>
    private async Task StoreInVaultAsync(byte[] content, bool letSitesAsk)
    {
        await using var scope = _cipherpad.Services.CreateAsyncScope();
        var accountId = await scope.ServiceProvider.GetRequiredService<Cipherpad.Server.Storage.CipherpadDbContext>().Accounts.Select(a => a.Id).SingleAsync();
        var vault = scope.ServiceProvider.GetRequiredService<Cipherpad.Server.Vault.VaultService>();
        Assert.True((await vault.StoreAsync(accountId, DemoWallet.WalletKey.VaultItem, content, "test", null, CancellationToken.None)).Succeeded);
        await vault.LetRelyingPartiesAskAsync(accountId, DemoWallet.WalletKey.VaultItem, letSitesAsk, CancellationToken.None);
    }
}
