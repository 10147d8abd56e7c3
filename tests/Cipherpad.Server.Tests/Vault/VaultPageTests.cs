using System.Net;
using System.Security.Cryptography;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Cipherpad.Contracts.Vault;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Vault;

/// <summary>The personal account's key vault page: a file is stored, and deleted, only once the cipher pad confirms it.</summary>
public sealed class VaultPageTests
{
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient browser, byte[] content, string fileName)
    {
        var page = await HtmlPage.OpenAsync(browser, "/account/vault");
        var token = page.Document.QuerySelector<IHtmlInputElement>("main form[enctype='multipart/form-data'] input[name=__RequestVerificationToken]")!.Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(content), "File", fileName },
            { new StringContent(""), "Name" },
        };
        return await browser.PostAsync("/account/vault?handler=Store", form);
    }

    [Fact]
    public async Task A_file_uploaded_on_the_page_is_stored_only_after_the_pad_confirms_and_is_kept_encrypted_meanwhile()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad.Secret);
        var content = RandomNumberGenerator.GetBytes(2048);

        using var uploaded = await UploadAsync(browser, content, "wallet.kwm");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var confirm = await ConfirmChangePage.OpenAsync(browser, uploaded.Headers.Location!.OriginalString);
        Assert.Equal("Store the key file \"wallet.kwm\" in the key vault", confirm.Description);
        Assert.Equal("vault-empty", (await HtmlPage.OpenAsync(browser, "/account/vault")).Document.QuerySelector("#vault-empty")?.Id);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var staged = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().VaultUploads.SingleAsync();
            Assert.DoesNotContain(Convert.ToHexString(content[..32]), Convert.ToHexString(staged.ContentProtected), StringComparison.Ordinal);
        }

        var done = await confirm.ConfirmAsync(Journeys.AnswerWith(factory, pad.Secret, Purpose.Action, confirm.Question!));
        Assert.NotNull(done.Done);
        var listed = await HtmlPage.OpenAsync(browser, "/account/vault");
        Assert.Contains("wallet.kwm", listed.TextOf("#vault"), StringComparison.Ordinal);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().VaultUploads.AnyAsync(), "the staged upload is gone");
        }
        using (var release = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/releases", new VaultItemReference("wallet.kwm")))
        {
            Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        }

        using var deleting = await listed.SubmitAsync("Delete", new Dictionary<string, string> { ["Name"] = "wallet.kwm" });
        var confirmDelete = await ConfirmChangePage.OpenAsync(browser, deleting.Headers.Location!.OriginalString);
        await confirmDelete.ConfirmAsync(Journeys.AnswerWith(factory, pad.Secret, Purpose.Action, confirmDelete.Question!));
        Assert.NotNull((await HtmlPage.OpenAsync(browser, "/account/vault")).Document.QuerySelector("#vault-empty"));
    }

    [Fact]
    public async Task An_export_is_downloaded_only_for_the_right_answer_and_opens_with_its_passphrase_alone()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        var first = RandomNumberGenerator.GetBytes(300);
        var second = RandomNumberGenerator.GetBytes(400);
        foreach (var content in new[] { first, second })
        {
            using var stored = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items",
                new StoreVaultItemRequest("wallet.kwm", System.Buffers.Text.Base64Url.EncodeToString(content)));
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad.Secret);
        var vaultPage = await HtmlPage.OpenAsync(browser, "/account/vault");
        using (var weak = await vaultPage.SubmitAsync("Export", new Dictionary<string, string> { ["Passphrase"] = "short" }))
        {
            Assert.Contains("Choose a passphrase of at least 10 characters", (await HtmlPage.FromAsync(browser, weak)).Problems.Single(), StringComparison.Ordinal);
        }
        using var asked = await vaultPage.SubmitAsync("Export", new Dictionary<string, string> { ["Passphrase"] = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var exportPage = await HtmlPage.OpenAsync(browser, asked.Headers.Location!.OriginalString);
        var question = exportPage.TextOf("#question")!;
        Assert.Equal("Export every key file of your key vault (1 items)", exportPage.TextOf("#description"));

        using (var login = await exportPage.SubmitAsync("", new Dictionary<string, string> { ["Answer"] = Journeys.AnswerWith(factory, pad.Secret, Purpose.Login, question) }))
        {
            Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
            Assert.NotEmpty((await HtmlPage.FromAsync(browser, login)).Problems);
        }
        using var downloaded = await exportPage.SubmitAsync("", new Dictionary<string, string> { ["Answer"] = Journeys.AnswerWith(factory, pad.Secret, Purpose.Action, question) });
        Assert.Equal("application/json", downloaded.Content.Headers.ContentType?.MediaType);
        var file = await downloaded.Content.ReadAsByteArrayAsync();

        var items = Core.Vault.VaultExport.Open(file, "correct horse battery");
        Assert.Equal([("wallet.kwm", 1, first), ("wallet.kwm", 2, second)], items.Select(i => (i.Name, i.Version, i.Content)));
        Assert.ThrowsAny<CryptographicException>(() => Core.Vault.VaultExport.Open(file, "another passphrase"));
        using (var again = await exportPage.SubmitAsync("", new Dictionary<string, string> { ["Answer"] = Journeys.AnswerWith(factory, pad.Secret, Purpose.Action, question) }))
        {
            Assert.Equal("text/html", again.Content.Headers.ContentType?.MediaType);
        }
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().VaultExportRequests.SingleAsync()).PassphraseProtected);
        Assert.Contains("was exported", Journeys.LatestEmailTo(factory, "ann@example.com").Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Letting_sites_ask_for_an_item_is_confirmed_with_the_pad_and_shown_on_the_page()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        using (var stored = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items",
            new StoreVaultItemRequest("wallet.kwm", System.Buffers.Text.Base64Url.EncodeToString([1, 2, 3]))))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad.Secret);

        var page = await HtmlPage.OpenAsync(browser, "/account/vault");
        using var asked = await page.SubmitAsync("RelyingParties", new Dictionary<string, string>());
        var confirm = await ConfirmChangePage.OpenAsync(browser, asked.Headers.Location!.OriginalString);
        Assert.Equal("Let sites ask for the key file \"wallet.kwm\" (each time with a question)", confirm.Description);
        await confirm.ConfirmAsync(Journeys.AnswerWith(factory, pad.Secret, Purpose.Action, confirm.Question!));

        Assert.Contains("yes", (await HtmlPage.OpenAsync(browser, "/account/vault")).TextOf("#vault"), StringComparison.Ordinal);
        Assert.Contains("Confirmed with your cipher pad: Let sites ask", Journeys.LatestEmailTo(factory, "ann@example.com").Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unconfirmed_upload_stores_nothing_and_a_file_too_large_is_refused_on_the_page()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string> { ["Cipherpad:Vault:MaxItemBytes"] = "100" });
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad.Secret);

        using var tooLarge = await UploadAsync(browser, new byte[101], "big.key");
        Assert.Equal(HttpStatusCode.OK, tooLarge.StatusCode);
        Assert.Contains("An item of the key vault is 1 to 100 bytes.", (await HtmlPage.FromAsync(browser, tooLarge)).Problems);

        using var uploaded = await UploadAsync(browser, new byte[50], "small.key");
        var confirm = await ConfirmChangePage.OpenAsync(browser, uploaded.Headers.Location!.OriginalString);
        var wrong = await confirm.ConfirmAsync(Journeys.AnswerWith(factory, pad.Secret, Purpose.Login, confirm.Question!));
        Assert.NotNull(wrong.AnswerProblem);
        Assert.NotNull((await HtmlPage.OpenAsync(browser, "/account/vault")).Document.QuerySelector("#vault-empty"));
    }
}
