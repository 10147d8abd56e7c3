using System.Net;
using System.Text.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests.Oidc;

/// <summary>
/// Interoperability with a client Cipherpad did not write: Node's openid-client discovers the provider, pushes its
/// authorization request, redeems the code with PKCE, checks the ID token, reads userinfo and refreshes — against the server
/// on a loopback port, with a person answering on the authorize page in between.
/// </summary>
public sealed class OpenIdClientInteropTests
{
    private const string Email = "ann@example.com";
    private const string Script = "oidc-client.mjs";

    private sealed record Started(string Url, string CodeVerifier, string State, string Nonce);

    [Fact]
    public async Task Openid_client_signs_a_person_in_and_confirms_a_payment_with_authorization_details()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var server = factory.StartOnLoopbackAsPublicAddress();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory, "Node Wallet", "http://127.0.0.1:9/callback");
        using var browser = factory.Browser();
        string[] credentials = [server.AbsoluteUri, client.ClientId, client.ClientSecret];

        var signIn = await StartAsync(credentials, client.RedirectUri);
        var page = await QuestionAsync(browser, signIn.Url);
        using (var answered = await page.AnswerAsync(Journeys.AnswerWith(factory, pad, Purpose.Login, page.Question!)))
        {
            var result = await FinishAsync(credentials, answered, signIn);
            Assert.Equal(Email, result.GetProperty("idToken").GetProperty("email").GetString());
            Assert.Equal("urn:cipherpad:acr:device", result.GetProperty("idToken").GetProperty("acr").GetString());
            Assert.Equal(Email, result.GetProperty("userInfo").GetProperty("email").GetString());
            Assert.Equal(result.GetProperty("idToken").GetProperty("sub").GetString(), result.GetProperty("refreshed").GetProperty("sub").GetString());
        }

        var payment = await StartAsync(credentials, client.RedirectUri, """[{"type":"payment","payee":"Z123456789012","amount":"99.90","currency":"EUR"}]""");
        page = await QuestionAsync(browser, payment.Url);
        Assert.Contains("99.90 EUR", page.Operation, StringComparison.Ordinal);
        using (var keys = new DeviceKeys(pad))
        using (var confirmed = await page.AnswerAsync(Answer.Compute(keys, Purpose.Payment, page.Question!, factory.Time.GetUtcNow(),
            PaymentDetails.Create("Z123456789012", "99.90", "EUR"))))
        {
            var result = await FinishAsync(credentials, confirmed, payment);
            var detail = Assert.Single(result.GetProperty("accessToken").GetProperty("authorization_details").EnumerateArray());
            Assert.Equal("99.90", detail.GetProperty("amount").GetString());
            Assert.Equal(JsonValueKind.Null, result.GetProperty("refreshed").ValueKind);
        }
    }

    private static async Task<Started> StartAsync(string[] credentials, string redirectUri, string? authorizationDetails = null)
    {
        var printed = await NodeProgram.RunAsync(Script, ["start", .. credentials, redirectUri, .. authorizationDetails is null ? Array.Empty<string>() : [authorizationDetails]]);
        return JsonSerializer.Deserialize<Started>(printed, JsonSerializerOptions.Web)!;
    }

    private static async Task<AuthorizePage> QuestionAsync(HttpClient browser, string authorizationUrl)
    {
        Assert.Contains("request_uri=", authorizationUrl, StringComparison.Ordinal); // openid-client pushed it, as discovery offers
        using var opened = await browser.GetAsync(new Uri(authorizationUrl).PathAndQuery);
        return await (await AuthorizePage.ParseShownAsync(browser, opened)).AskForQuestionAsync(Email);
    }

    private static async Task<JsonElement> FinishAsync(string[] credentials, HttpResponseMessage answered, Started started)
    {
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var callback = answered.Headers.Location!.AbsoluteUri;
        Assert.StartsWith("http://127.0.0.1:9/callback?", callback, StringComparison.Ordinal);
        var printed = await NodeProgram.RunAsync(Script, ["finish", .. credentials, callback, started.CodeVerifier, started.State, started.Nonce]);
        return JsonDocument.Parse(printed).RootElement.Clone();
    }
}
