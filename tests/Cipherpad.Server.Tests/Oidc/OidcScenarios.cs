using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cipherpad.Server.Tests.Oidc;

/// <summary>
/// The OpenID Connect provider, driven as a site and a person's browser drive it: sign-in with a question, single sign-on,
/// step-up, refresh tied to the Cipherpad session, and payments and actions confirmed through <c>authorization_details</c>.
/// </summary>
public abstract class OidcScenarios
{
    private const string Email = "ann@example.com";

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private static string PaymentDetailsJson(string amount = "12.50", string payee = "Z123456789012", string currency = "USD") =>
        $$"""[{"type":"payment","payee":"{{payee}}","amount":"{{amount}}","currency":"{{currency}}"}]""";

    /// <summary>Opens the authorize page for <paramref name="parameters"/>, asks for a question and returns the page showing it.</summary>
    private static async Task<AuthorizePage> QuestionAsync(HttpClient browser, IReadOnlyDictionary<string, string> parameters)
    {
        using var opened = await browser.GetAsync(OidcClient.AuthorizeAddress(parameters));
        var page = await AuthorizePage.ParseShownAsync(browser, opened);
        return await page.AskForQuestionAsync(Email);
    }

    private static async Task<JsonElement> SignInAsync(CipherpadFactory factory, HttpClient browser, OidcClient client, byte[] pad,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var (verifier, challenge) = OidcClient.NewPkce();
        var request = client.AuthorizationRequest(challenge, extra);
        var page = await QuestionAsync(browser, request);
        using var answered = await page.AnswerAsync(Journeys.AnswerWith(factory, pad, Purpose.Login, page.Question!));
        var (code, state, error) = OidcClient.ReadRedirect(answered);
        Assert.Null(error);
        Assert.Equal(request["state"], state);
        var (status, tokens) = await client.RedeemCodeAsync(code!, verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        return tokens;
    }

    [Fact]
    public async Task A_site_signs_a_person_in_with_a_question_and_gets_signed_tokens_that_say_how()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();

        var before = factory.Time.GetUtcNow().ToUnixTimeSeconds();
        var tokens = await SignInAsync(factory, browser, client, pad);

        var idToken = tokens.GetProperty("id_token").GetString()!;
        using var keys = await factory.CreateClient().GetAsync("/.well-known/jwks");
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = "http://localhost/", ValidAudience = client.ClientId,
            IssuerSigningKeys = new JsonWebKeySet(await keys.Content.ReadAsStringAsync()).GetSigningKeys(),
            LifetimeValidator = (_, _, _, _) => true, // the server's clock is the test's, not the wall's
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var claims = OidcClient.Payload(idToken);
        Assert.Equal(Email, claims.GetProperty("email").GetString());
        Assert.Equal("Ann Example", claims.GetProperty("name").GetString());
        Assert.Equal(["otp", "swk"], claims.GetProperty("amr").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("urn:cipherpad:acr:device", claims.GetProperty("acr").GetString());
        Assert.InRange(claims.GetProperty("auth_time").GetInt64(), before, before + 5);
        var subject = claims.GetProperty("sub").GetString()!;
        Assert.DoesNotContain(Email, subject, StringComparison.Ordinal);

        var (status, userInfo) = await client.UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(subject, JsonDocument.Parse(userInfo).RootElement.GetProperty("sub").GetString());
        Assert.Contains(Email, userInfo, StringComparison.Ordinal);

        // Another site sees the same person under another identifier.
        var other = await OidcClient.RegisterAsync(factory, "Other Shop", "https://shop.example/cb");
        var (verifier, challenge) = OidcClient.NewPkce();
        using var sso = await browser.GetAsync(OidcClient.AuthorizeAddress(other.AuthorizationRequest(challenge)));
        var (code, _, _) = OidcClient.ReadRedirect(sso);
        var otherSubject = OidcClient.Payload((await other.RedeemCodeAsync(code!, verifier)).Body.GetProperty("id_token").GetString()!).GetProperty("sub").GetString();
        Assert.NotEqual(subject, otherSubject);

        var discovery = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(["payment", "action"], discovery.GetProperty("authorization_details_types_supported").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("http://localhost/connect/par", discovery.GetProperty("pushed_authorization_request_endpoint").GetString());
        Assert.DoesNotContain("token", discovery.GetProperty("response_types_supported").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task An_open_session_signs_in_without_a_question_until_the_site_asks_for_a_fresh_answer()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        await SignInAsync(factory, browser, client, pad);

        var (_, challenge) = OidcClient.NewPkce();
        using var again = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(challenge)));
        Assert.NotNull(OidcClient.ReadRedirect(again).Code);

        foreach (var fresh in new Dictionary<string, string>[] { new() { ["prompt"] = "login" }, new() { ["max_age"] = "60" } })
        {
            factory.Time.Offset += TimeSpan.FromMinutes(2);
            using var asked = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(challenge, fresh)));
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        }
        using var maxAgeMet = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(challenge, new Dictionary<string, string> { ["max_age"] = "3600" })));
        Assert.NotNull(OidcClient.ReadRedirect(maxAgeMet).Code);

        using var someoneElse = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(challenge,
            new Dictionary<string, string> { ["login_hint"] = "bob@example.com" })));
        Assert.Equal(HttpStatusCode.OK, someoneElse.StatusCode); // the site names another person: no silent sign-in as Ann

        using var stranger = factory.Browser();
        using var silent = await stranger.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(challenge, new Dictionary<string, string> { ["prompt"] = "none" })));
        Assert.StartsWith("login_required", OidcClient.ReadRedirect(silent).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_token_works_only_while_the_cipherpad_session_it_was_granted_in_is_open()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var tokens = await SignInAsync(factory, browser, client, pad);

        var (refreshed, renewed) = await client.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.NotEqual(tokens.GetProperty("refresh_token").GetString(), renewed.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.OK, refreshed);
        Assert.Equal("urn:cipherpad:acr:device", OidcClient.Payload(renewed.GetProperty("id_token").GetString()!).GetProperty("acr").GetString());

        // Signing in again in the same browser (prompt=login) ends the earlier session, and with it this refresh token.
        var (verifier2, challenge2) = OidcClient.NewPkce();
        var again = await QuestionAsync(browser, client.AuthorizationRequest(challenge2, new Dictionary<string, string> { ["prompt"] = "login" }));
        using (var answeredAgain = await again.AnswerAsync(Journeys.AnswerWith(factory, pad, Purpose.Login, again.Question!)))
        {
            var fresh = (await client.RedeemCodeAsync(OidcClient.ReadRedirect(answeredAgain).Code!, verifier2)).Body;
            Assert.Equal(HttpStatusCode.BadRequest, (await client.RefreshAsync(renewed.GetProperty("refresh_token").GetString()!)).Status);
            renewed = fresh;
        }

        // Any page can send the browser to the sign-out address; without the person's ID token it signs nobody out.
        var signOut = $"/connect/endsession?client_id={client.ClientId}&post_logout_redirect_uri={Uri.EscapeDataString("https://wallet.example/signed-out")}";
        using (var forged = await browser.GetAsync(signOut))
        {
            Assert.Equal("https://wallet.example/signed-out", forged.Headers.Location!.GetLeftPart(UriPartial.Path));
        }
        (refreshed, renewed) = await client.RefreshAsync(renewed.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshed);

        using var signedOut = await browser.GetAsync($"{signOut}&id_token_hint={renewed.GetProperty("id_token").GetString()}");
        Assert.Equal("https://wallet.example/signed-out", signedOut.Headers.Location!.GetLeftPart(UriPartial.Path));
        var (refused, error) = await client.RefreshAsync(renewed.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        using var account = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
    }

    [Fact]
    public async Task A_pushed_payment_is_confirmed_with_a_payment_answer_and_the_token_carries_exactly_its_details()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var (verifier, challenge) = OidcClient.NewPkce();
        var (requestUri, pushed, status) = await client.PushAsync(client.AuthorizationRequest(challenge,
            new Dictionary<string, string> { ["authorization_details"] = PaymentDetailsJson("12.5") }));
        Assert.True(status == HttpStatusCode.Created, pushed.ToString());

        var page = await QuestionAsync(browser, new Dictionary<string, string> { ["client_id"] = client.ClientId, ["request_uri"] = requestUri! });
        Assert.Contains("12.50 USD", page.Operation, StringComparison.Ordinal);
        Assert.Contains("Z123456789012", page.Operation, StringComparison.Ordinal);
        Assert.Equal(["client_id", "request_uri"], page.RequestParameters.Keys.Order());
        var asked = PaymentDetails.Create("Z123456789012", "12.50", "USD");
        using (var keys = new DeviceKeys(pad))
        {
            var now = factory.Time.GetUtcNow();
            foreach (var wrong in new[]
            {
                Answer.Compute(keys, Purpose.Login, page.Question!, now),
                Answer.Compute(keys, Purpose.Payment, page.Question!, now, PaymentDetails.Create("Z123456789012", "12.51", "USD")),
            })
            {
                using var refused = await page.AnswerAsync(wrong);
                Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
                Assert.Contains("Wrong answer", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using var confirmed = await page.AnswerAsync(Answer.Compute(keys, Purpose.Payment, page.Question!, now, asked));
            var (code, _, error) = OidcClient.ReadRedirect(confirmed);
            Assert.Null(error);
            var (redeemed, tokens) = await client.RedeemCodeAsync(code!, verifier);
            Assert.Equal(HttpStatusCode.OK, redeemed);
            var details = OidcClient.Payload(tokens.GetProperty("access_token").GetString()!).GetProperty("authorization_details");
            Assert.Equal(JsonValueKind.Array, details.ValueKind);
            var payment = Assert.Single(details.EnumerateArray());
            Assert.Equal(("payment", "Z123456789012", "12.50", "USD"), (payment.GetProperty("type").GetString(), payment.GetProperty("payee").GetString(),
                payment.GetProperty("amount").GetString(), payment.GetProperty("currency").GetString()));
            Assert.Equal(details.ToString(), OidcClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("authorization_details").ToString());
            Assert.False(tokens.TryGetProperty("refresh_token", out _), "a confirmed payment cannot be renewed");
        }

        // The pushed request is spent with its code; the payment answer gave no session to sign in with.
        using var replayed = await browser.GetAsync(OidcClient.AuthorizeAddress(new Dictionary<string, string> { ["client_id"] = client.ClientId, ["request_uri"] = requestUri! }));
        Assert.NotEqual(HttpStatusCode.Redirect, replayed.StatusCode);
        using var account = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
    }

    /// <summary>
    /// A stranger who asks the authorization page to confirm an action for an address sees the same question either way: its
    /// QR code carries the action and its description whether or not the address has an account, and an answer sent with
    /// other details is refused as changed, not as wrong.
    /// </summary>
    [Fact]
    public async Task An_actions_question_and_its_refusal_look_the_same_whether_or_not_the_address_has_an_account()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        const string Action = """[{"type":"action","description":"Delete the project"}]""";
        var bodies = new List<string>();

        foreach (var email in new[] { Email, "nobody@example.com" })
        {
            using var browser = factory.Browser();
            using var opened = await browser.GetAsync(OidcClient.AuthorizeAddress(
                client.AuthorizationRequest(OidcClient.NewPkce().Challenge, new Dictionary<string, string> { ["authorization_details"] = Action })));
            var page = await (await AuthorizePage.ParseShownAsync(browser, opened)).AskForQuestionAsync(email);
            var id = Guid.Parse(page.Document.QuerySelector("input[name=ChallengeId]")!.GetAttribute("value")!);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var payload = (await scope.ServiceProvider.GetRequiredService<Cipherpad.Server.Storage.CipherpadDbContext>().Challenges.FindAsync(id))!.QrPayload!;
                // The question left out: one naming three pads or more is two parts long from the start, as a three-pad account's is.
                var body = System.Text.RegularExpressions.Regex.Replace(payload.Split('#')[0], "q=[0-9-]+", "q=…");
                bodies.Add(System.Text.RegularExpressions.Regex.Replace(body, @"\d", "#"));
            }
            using var answered = await page.AnswerAsync("12345678",
                new Dictionary<string, string> { ["authorization_details"] = """[{"type":"action","description":"Delete every project"}]""" });
            Assert.Contains("The details to confirm changed", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("p=action", bodies[0], StringComparison.Ordinal);
        Assert.Contains("Delete%##the%##project", bodies[0], StringComparison.Ordinal); // every digit a #, those of the percent-encoding too
        Assert.Equal(bodies[0], bodies[1]);
    }

    /// <summary>
    /// Details too long to seal for the most pads a question can name are refused before the address is looked up, with the
    /// same words for an account with one pad and for an address with no account: no question, no difference.
    /// </summary>
    [Fact]
    public async Task Details_too_long_for_a_pad_are_refused_alike_whether_or_not_the_address_has_an_account()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        var action = $$"""[{"type":"action","description":"{{new string('€', 150)}}"}]"""; // 9 characters each, percent-encoded
        var refusals = new List<string?>();

        foreach (var email in new[] { Email, "nobody@example.com" })
        {
            using var browser = factory.Browser();
            using var opened = await browser.GetAsync(OidcClient.AuthorizeAddress(
                client.AuthorizationRequest(OidcClient.NewPkce().Challenge, new Dictionary<string, string> { ["authorization_details"] = action })));
            var page = await (await AuthorizePage.ParseShownAsync(browser, opened)).AskForQuestionAsync(email);
            Assert.Null(page.Question);
            refusals.Add(page.Problems.SingleOrDefault());
        }

        Assert.Contains("does not fit the QR code the cipher pad reads", refusals[0], StringComparison.Ordinal);
        Assert.Equal(refusals[0], refusals[1]);
    }

    [Fact]
    public async Task A_payment_whose_amount_is_changed_in_the_browser_after_the_question_is_not_confirmed()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var (_, challenge) = OidcClient.NewPkce();
        var page = await QuestionAsync(browser, client.AuthorizationRequest(challenge, new Dictionary<string, string> { ["authorization_details"] = PaymentDetailsJson() }));

        // The shown payment's own answer, and the answer for the altered one: neither confirms a request that now names another amount.
        foreach (var amount in new[] { "12.50", "1250.00" })
        {
            using var answered = await page.AnswerAsync(AnswerForPayment(factory, pad, page.Question!, PaymentDetails.Create("Z123456789012", amount, "USD")),
                new Dictionary<string, string> { ["authorization_details"] = PaymentDetailsJson("1250.00") });
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.Contains("The details to confirm changed", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static string AnswerForPayment(CipherpadFactory factory, byte[] pad, string question, PaymentDetails payment)
    {
        using var keys = new DeviceKeys(pad);
        return Answer.Compute(keys, Purpose.Payment, question, factory.Time.GetUtcNow(), payment);
    }

    [Theory]
    [InlineData("""[{"type":"payment","payee":"Z1","amount":12.5,"currency":"USD"}]""", "amount")]
    [InlineData("""[{"type":"payment","payee":"Z1","amount":"12.50","currency":"USD","extra":"x"}]""", "'extra'")]
    [InlineData("""[{"type":"action","description":"a"},{"type":"action","description":"b"}]""", "exactly one")]
    [InlineData("""[{"type":"transfer"}]""", "type")]
    [InlineData("not json", "not JSON")]
    [InlineData("""[{"type":"payment","payee":"Z1","amount":"1.00","amount":"1000.00","currency":"USD"}]""", "twice")]
    public async Task Authorization_details_that_cannot_be_confirmed_exactly_are_refused_when_pushed(string details, string named)
    {
        using var factory = await CreateFactoryAsync();
        var client = await OidcClient.RegisterAsync(factory);
        var (requestUri, body, status) = await client.PushAsync(client.AuthorizationRequest(OidcClient.NewPkce().Challenge,
            new Dictionary<string, string> { ["authorization_details"] = details }));
        Assert.Null(requestUri);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_authorization_details", body.GetProperty("error").GetString());
        Assert.Contains(named, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_credentials_token_calls_the_relying_party_API_and_a_persons_token_does_not()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var persons = (await SignInAsync(factory, browser, client, pad)).GetProperty("access_token").GetString()!;
        var (status, own) = await client.ClientCredentialsAsync();
        Assert.Equal(HttpStatusCode.OK, status);

        async Task<HttpStatusCode> CreateQuestionWithAsync(string token)
        {
            using var api = factory.CreateClient();
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var created = await api.PostAsJsonAsync("/api/v1/challenges", new Contracts.Challenges.CreateChallengeRequest(Email));
            return created.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Created, await CreateQuestionWithAsync(own.GetProperty("access_token").GetString()!));
        Assert.Equal(HttpStatusCode.Unauthorized, await CreateQuestionWithAsync(persons));
        Assert.Equal(HttpStatusCode.Unauthorized, await CreateQuestionWithAsync(own.GetProperty("access_token").GetString()![..^4] + "AAAA"));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Server.RelyingParties.RelyingPartyService>().SetDisabledAsync(client.ClientId, disabled: true);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await CreateQuestionWithAsync(own.GetProperty("access_token").GetString()!));
    }

    /// <summary>The first step of the authorize page for <paramref name="request"/>, submitted for <paramref name="method"/>.</summary>
    private static async Task<AuthorizePage> ChooseAsync(HttpClient browser, IReadOnlyDictionary<string, string> request, string method, string email = Email)
    {
        using var opened = await browser.GetAsync(OidcClient.AuthorizeAddress(request));
        var page = await AuthorizePage.ParseShownAsync(browser, opened);
        using var chosen = await page.SubmitAsync("Start", new Dictionary<string, string> { ["Email"] = email, ["Method"] = method });
        return await AuthorizePage.ParseShownAsync(browser, chosen);
    }

    [Fact]
    public async Task A_person_approves_a_sign_in_on_the_phone_pad_with_the_number_the_page_shows_and_the_approval_counts_once()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var (verifier, challenge) = OidcClient.NewPkce();

        var page = await ChooseAsync(browser, client.AuthorizationRequest(challenge), "push");
        var number = int.Parse(page.TextOf("#match-number")!, System.Globalization.CultureInfo.InvariantCulture);
        using (var early = await page.SubmitAsync("Approved"))
        {
            Assert.Contains($"Not approved yet: on your phone pad, choose {number}", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var request = Assert.Single((await PadApi.PendingAsync(factory, pad)).EnumerateArray());
        var challengeId = request.GetProperty("challengeId").GetGuid();
        Assert.Equal("success", await PadApi.ApproveAsync(factory, pad, challengeId, PadApi.AnswerPayload(factory, pad, request.GetProperty("payload").GetString()!), number));

        using var approved = await page.SubmitAsync("Approved");
        var (code, _, error) = OidcClient.ReadRedirect(approved);
        Assert.Null(error);
        var tokens = (await client.RedeemCodeAsync(code!, verifier)).Body;
        Assert.Equal(["swk", "user"], OidcClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(a => a.GetString()));

        using var again = await page.SubmitAsync("Approved");
        Assert.NotEqual(HttpStatusCode.Redirect, again.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var party = await scope.ServiceProvider.GetRequiredService<Server.RelyingParties.RelyingPartyService>().FindEnabledAsync(client.ClientId);
        Assert.False(await scope.ServiceProvider.GetRequiredService<Server.Challenges.ChallengeService>().RedeemApprovalAsync(party!.Id, challengeId),
            "an approval is acted on once");
    }

    [Fact]
    public async Task An_approval_is_acted_on_once_however_many_pages_ask_at_the_same_moment()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var page = await ChooseAsync(browser, client.AuthorizationRequest(OidcClient.NewPkce().Challenge), "push");
        var request = Assert.Single((await PadApi.PendingAsync(factory, pad)).EnumerateArray());
        var challengeId = request.GetProperty("challengeId").GetGuid();
        Assert.Equal("success", await PadApi.ApproveAsync(factory, pad, challengeId, PadApi.AnswerPayload(factory, pad, request.GetProperty("payload").GetString()!),
            int.Parse(page.TextOf("#match-number")!, System.Globalization.CultureInfo.InvariantCulture)));
        Guid partyId;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            partyId = (await scope.ServiceProvider.GetRequiredService<Server.RelyingParties.RelyingPartyService>().FindEnabledAsync(client.ClientId))!.Id;
        }

        var redeemed = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Server.Challenges.ChallengeService>().RedeemApprovalAsync(partyId, challengeId);
        }));

        Assert.Equal(1, redeemed.Count(won => won));
    }

    [Fact]
    public async Task An_sms_answer_signs_in_at_the_sms_level_and_a_site_asking_for_a_device_gets_no_sms()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, Email, sms: true);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var (verifier, challenge) = OidcClient.NewPkce();

        var page = await ChooseAsync(browser, client.AuthorizationRequest(challenge), "sms");
        Assert.NotNull(page.TextOf("#sms"));
        Assert.Null(page.Question);
        var text = Journeys.SmsTexts(factory).Last();
        var answer = System.Text.RegularExpressions.Regex.Match(text, @"type ([\d ]+) \(").Groups[1].Value;
        using var answered = await page.AnswerAsync(answer);
        var (code, _, _) = OidcClient.ReadRedirect(answered);
        var claims = OidcClient.Payload((await client.RedeemCodeAsync(code!, verifier)).Body.GetProperty("id_token").GetString()!);
        Assert.Equal("urn:cipherpad:acr:sms", claims.GetProperty("acr").GetString());
        Assert.Equal(["otp", "sms"], claims.GetProperty("amr").EnumerateArray().Select(a => a.GetString()));

        // The open session is only SMS-level: a site that wants a device gets a page, without the SMS choice, and no SMS is sent.
        var device = client.AuthorizationRequest(challenge, new Dictionary<string, string> { ["acr_values"] = "urn:cipherpad:acr:device" });
        using var stepUp = await browser.GetAsync(OidcClient.AuthorizeAddress(device));
        var shown = await AuthorizePage.ParseShownAsync(browser, stepUp);
        Assert.DoesNotContain("value=\"sms\"", shown.Source, StringComparison.Ordinal);
        var sent = Journeys.SmsTexts(factory).Count;
        var refused = await ChooseAsync(browser, device, "sms");
        Assert.Contains("needs an answer from your cipher pad", refused.Problems.Single(), StringComparison.Ordinal);
        Assert.Equal(sent, Journeys.SmsTexts(factory).Count);
    }

    [Fact]
    public async Task An_address_without_an_account_sees_the_same_push_and_sms_pages_and_nothing_is_sent()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        var request = client.AuthorizationRequest(OidcClient.NewPkce().Challenge);
        var smsBefore = Journeys.SmsTexts(factory).Count;

        foreach (var email in new[] { "nobody@example.com", Email })
        {
            var push = await ChooseAsync(browser, request, "push", email);
            Assert.InRange(int.Parse(push.TextOf("#match-number")!, System.Globalization.CultureInfo.InvariantCulture), 10, 99);
            using var notApproved = await push.SubmitAsync("Approved");
            Assert.Contains("Not approved yet", await notApproved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var sms = await ChooseAsync(browser, request, "sms", email);
            Assert.NotNull(sms.TextOf("#sms"));
        }
        // Ann has neither a pad that approves nor SMS answers: nothing went to her either.
        Assert.Equal(smsBefore, Journeys.SmsTexts(factory).Count);
    }

    [Fact]
    public async Task A_disabled_site_and_a_wrong_secret_get_nothing()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        var client = await OidcClient.RegisterAsync(factory);
        using var browser = factory.Browser();
        await SignInAsync(factory, browser, client, pad);

        var impostor = new OidcClient(factory.CreateClient(), client.ClientId, "not-the-secret", client.RedirectUri);
        Assert.Equal(HttpStatusCode.Unauthorized, (await impostor.ClientCredentialsAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.ClientCredentialsAsync()).Status);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Server.RelyingParties.RelyingPartyService>().SetDisabledAsync(client.ClientId, disabled: true);
        }
        using var refused = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(OidcClient.NewPkce().Challenge)));
        Assert.StartsWith("access_denied", OidcClient.ReadRedirect(refused).Error, StringComparison.Ordinal);
        // As a form post (the ASP.NET Core handler's default), the refusal is a page whose one script the CSP lets post it to the site.
        using var posted = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(OidcClient.NewPkce().Challenge,
            new Dictionary<string, string> { ["response_mode"] = "form_post" })));
        var policy = posted.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("form-action 'self' https://wallet.example;", policy, StringComparison.Ordinal);
        Assert.Matches("script-src 'self' 'sha256-[A-Za-z0-9+/=]+';", policy);
        Assert.Contains("access_denied", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (status, body) = await client.ClientCredentialsAsync();
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body.GetProperty("error").GetString()));
        var (requestUri, pushed, _) = await client.PushAsync(client.AuthorizationRequest(OidcClient.NewPkce().Challenge));
        Assert.Null(requestUri);
        Assert.Equal("unauthorized_client", pushed.GetProperty("error").GetString());
    }
}

public sealed class SqliteOidcScenarios : OidcScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresOidcScenarios(PostgresServer postgres) : OidcScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
