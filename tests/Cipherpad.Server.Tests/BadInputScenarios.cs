using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// What a careless or hostile client sends: every refusal is a problem with the stable code and the field at fault,
/// never a 500, and nothing is spent or counted for input the server refuses.
/// </summary>
public abstract class BadInputScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    [Fact]
    public async Task A_pad_name_of_64_characters_ending_in_an_emoji_is_kept_whole_and_a_longer_one_is_refused_before_the_code_is_spent()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        using var api = factory.CreateClient();
        var fits = new string('a', 63) + "😀";

        var (tooLong, _) = await Journeys.ActivateAsync(api, "ann@example.com", code, new string('a', 64) + "😀");
        var (activated, pad) = await Journeys.ActivateAsync(api, "ann@example.com", code, fits);
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad!);

        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "invalid-request", "deviceName");
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.Equal(fits, (await Testing.Pages.DevicesPage.OpenAsync(browser)).Device(fits).Name);
    }

    [Theory]
    [InlineData("pad\u0007")]
    [InlineData("pad \u202Eevil")]
    public async Task A_pad_name_with_a_control_or_direction_character_is_refused_at_activation(string name)
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");

        var (response, _) = await Journeys.ActivateAsync(factory.CreateClient(), "ann@example.com", code, name);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "deviceName");
    }

    [Fact]
    public async Task A_pad_kind_the_server_does_not_know_is_refused_before_the_code_is_spent_and_a_known_one_is_shown()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        using var api = factory.CreateClient();

        var (unknown, _) = await Journeys.ActivateAsync(api, "ann@example.com", code, "phone", deviceKind: "phone");
        var (activated, pad) = await Journeys.ActivateAsync(api, "ann@example.com", code, "phone", deviceKind: "web");

        await AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "invalid-request", "deviceKind");
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad!);
        Assert.Equal("phone web app", (await Testing.Pages.DevicesPage.OpenAsync(browser)).Device("phone").Kind);
    }

    // As a pad named before names were checked, or by an intruder with access to the database.
    private static async Task<Guid> StorePadNameAsync(CipherpadFactory factory, string name)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
        var deviceId = (await db.Devices.SingleAsync()).Id;
        await db.Devices.Where(d => d.Id == deviceId).ExecuteUpdateAsync(d => d.SetProperty(x => x.Name, name));
        return deviceId;
    }

    [Fact]
    public async Task A_pad_stored_with_a_direction_character_in_its_name_can_still_be_renamed_and_revoked_and_shows_the_character_as_its_code()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var deviceId = await StorePadNameAsync(factory, "pad \u202Eevil\u0007");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);

        var renamed = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Rename",
            new() { ["DeviceId"] = deviceId.ToString(), ["Name"] = "laptop" }, pad);
        var revoked = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Revoke", new() { ["DeviceId"] = deviceId.ToString() }, pad);

        Assert.Contains("Done: Rename cipher pad \"pad [U+202E]evil[U+0007]\" to \"laptop\"", renamed.Text, StringComparison.Ordinal);
        Assert.Contains("Done: Revoke cipher pad \"laptop\"", revoked.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pad_stored_with_a_direction_character_in_its_name_is_listed_with_the_character_as_its_code_on_every_page()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        await StorePadNameAsync(factory, "pad \u202Eevil\u0007");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);

        var devices = await Testing.Pages.DevicesPage.OpenAsync(browser);
        var account = await Testing.Pages.AccountPage.OpenAsync(browser);
        var log = await Testing.Pages.HtmlPage.OpenAsync(browser, "/account/log");
        var csv = await browser.GetStringAsync("/account/log?handler=Csv");

        const string Shown = "pad [U+202E]evil[U+0007]";
        Assert.Equal(Shown, Assert.Single(devices.Devices).Name);
        Assert.Equal([Shown], account.DeviceNames);
        Assert.Contains(Shown, log.Text, StringComparison.Ordinal); // the pad that was activated
        Assert.Contains(Shown, csv, StringComparison.Ordinal);
        Assert.All([devices.Source, account.Source, log.Source, csv], text => Assert.DoesNotContain(text, c => c is '\u202E' or '\u0007'));
    }

    [Theory]
    [InlineData("б", 200)]
    [InlineData("😀", 100)]
    public async Task An_action_description_too_long_for_the_sealed_payload_is_refused_naming_the_description(string letter, int count)
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsJsonAsync("/api/v1/challenges",
            new CreateChallengeRequest("ann@example.com", "action", string.Concat(Enumerable.Repeat(letter, count))));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "description");
    }

    [Fact]
    public async Task An_action_description_that_fits_the_payload_in_cyrillic_is_issued()
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", "action", new string('б', 100)));

        Assert.Equal(new string('б', 100), challenge.Description);
    }

    [Theory]
    [InlineData("Pay Bob \u202E0001\u202C")]
    [InlineData("Pay Bob \u2066100\u2069")]
    [InlineData("Pay\u200BBob")]
    public async Task An_action_description_with_invisible_formatting_is_refused(string description)
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", "action", description));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "description");
    }

    [Fact]
    public async Task A_renamed_pad_name_with_a_direction_override_is_refused_on_the_page()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        var deviceId = (await Testing.Pages.DevicesPage.OpenAsync(browser)).Device("test pad").Id!;

        var page = await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Rename",
            new() { ["DeviceId"] = deviceId, ["Name"] = "phone \u202Eevil" }, pad);

        Assert.Contains(page.Problems, p => p.Contains("cannot be shown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_alias_too_long_for_the_cipher_pad_to_show_in_its_confirmation_is_refused_on_the_page()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        var alias = new string('a', 60) + "." + new string('b', 60) + "@" + new string('c', 50) + ".example.com";

        var page = await Journeys.ChangeAccountAsync(factory, browser, "/account/aliases", "Add", new() { ["address"] = alias }, pad);

        Assert.Contains(page.Problems, p => p.Contains("at most", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"answer":"1234","payee":"123456789012"}""", "amount")]
    [InlineData("""{"answer":"1234","amount":"12.50","currency":"USD"}""", "payee")]
    public async Task Restating_only_some_payment_details_at_verify_names_what_is_missing(string body, string missing)
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", "payment", Payee: "123456789012", Amount: "12.50",
            Currency: "USD"));

        var response = await shop.PostAsync($"/api/v1/challenges/{challenge.ChallengeId}/verify", Json(body.Replace("1234", "1234 5678", StringComparison.Ordinal)));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", missing);
        Assert.Contains("all three", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 2", "12.50", "USD", "payee")]
    [InlineData("123", "12.505", "USD", "amount")]
    [InlineData("123", "12.50", "US", "currency")]
    public async Task A_malformed_payment_detail_is_refused_naming_it(string payee, string amount, string currency, string field)
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsJsonAsync("/api/v1/challenges",
            new CreateChallengeRequest("ann@example.com", "payment", Payee: payee, Amount: amount, Currency: currency));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", field);
    }

    [Fact]
    public async Task The_right_answer_to_a_locked_question_is_reported_locked()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
        for (var i = 0; i < 5; i++)
        {
            await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest($"{i:D8}", UserIp: $"198.51.100.{i}"));
        }

        var right = Journeys.AnswerWith(factory, pad, Purpose.Login, challenge.Question);
        var verdict = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(right, UserIp: "198.51.100.99"));

        Assert.Equal("locked", verdict.Result);
    }

    [Theory]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("1234 abcd")]
    public async Task A_malformed_answer_is_refused_naming_the_answer_and_uses_up_no_attempt(string answer)
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            responses.Add(await shop.PostAsJsonAsync($"/api/v1/challenges/{challenge.ChallengeId}/verify", new VerifyRequest(answer)));
        }
        var state = (await shop.GetFromJsonAsync<ChallengeResponse>($"/api/v1/challenges/{challenge.ChallengeId}"))!;
        var right = Journeys.AnswerWith(factory, pad, Purpose.Login, challenge.Question);
        var verdict = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(right));

        foreach (var response in responses)
        {
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "answer");
        }
        Assert.Equal(5, state.AttemptsLeft);
        Assert.Equal("success", verdict.Result);
    }

    [Fact]
    public async Task Typing_something_that_is_not_an_answer_on_the_sign_in_page_uses_up_no_attempt()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        var questionPage = await Journeys.StartSignInAsync(browser, "ann@example.com");

        var problems = new List<IReadOnlyList<string>>();
        for (var i = 0; i < 6; i++)
        {
            using var typo = await questionPage.AnswerAsync("1234 567x");
            problems.Add((await Testing.Pages.HtmlPage.FromAsync(browser, typo)).Problems);
        }
        using var signedIn = await questionPage.AnswerAsync(Journeys.AnswerWith(factory, pad, Purpose.Login, questionPage.Question));

        Assert.All(problems, p => Assert.Contains(p, text => text.Contains("did not count", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task Typing_something_that_is_not_an_answer_to_confirm_a_change_uses_up_no_attempt()
    {
        using var factory = await CreateFactoryAsync();
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        var deviceId = (await Testing.Pages.DevicesPage.OpenAsync(browser)).Device("test pad").Id!;
        var confirm = (Testing.Pages.ConfirmChangePage)await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Rename",
            new() { ["DeviceId"] = deviceId, ["Name"] = "phone" }, null);

        var typos = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            typos.Add((await confirm.ConfirmAsync("98O8 4054")).AnswerProblem);
        }
        var done = await confirm.ConfirmAsync(Journeys.AnswerWith(factory, pad, Purpose.Action, confirm.Question!));

        Assert.All(typos, problem => Assert.Contains("did not count", problem, StringComparison.Ordinal));
        Assert.NotNull(done.Done);
    }

    [Fact]
    public async Task A_first_name_with_a_direction_override_is_refused_at_registration()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();

        using var response = await (await Testing.Pages.RegisterPage.OpenAsync(browser)).RegisterAsync("ann@example.com", Journeys.Phone,
            "Grandma's blue teapot", firstName: "Ann \u202Enimda");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains((await Testing.Pages.HtmlPage.FromAsync(browser, response)).Problems,
            p => p.Contains("first name contains characters that cannot be shown", StringComparison.Ordinal));
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        return problem;
    }
}

public sealed class SqliteBadInputScenarios : BadInputScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresBadInputScenarios(PostgresServer postgres) : BadInputScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() => new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}

/// <summary>Requests the API cannot even bind: they are answered like any other refusal, in every environment.</summary>
public sealed class UnbindableRequestTests
{
    [Theory]
    [InlineData("""{"login":"ann@example.com",""", "body")]
    [InlineData("""{"login":"ann@example.com","purpose":"payment","payee":"1","amount":12.5,"currency":"USD"}""", "amount")]
    [InlineData("""{"login":["ann@example.com"]}""", "login")]
    public async Task A_create_body_that_does_not_bind_is_an_invalid_request_naming_the_field(string body, string field)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsync("/api/v1/challenges", BadInputScenarios.Json(body));

        await BadInputScenarios.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", field);
    }

    [Fact]
    public async Task An_answer_sent_as_a_json_number_is_an_invalid_request_naming_the_answer()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsync($"/api/v1/challenges/{Guid.NewGuid()}/verify", BadInputScenarios.Json("""{"answer":12345678}"""));

        await BadInputScenarios.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "answer");
    }

    [Theory]
    [InlineData("/api/v1/challenges")]
    [InlineData("/api/v1/activations")]
    public async Task A_post_without_a_body_is_an_invalid_request_naming_the_body(string path)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsync(path, null);

        await BadInputScenarios.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "body");
    }

    [Fact]
    public async Task A_post_without_a_body_or_credentials_is_unauthorized()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var anonymous = factory.CreateClient();

        var response = await anonymous.PostAsync("/api/v1/challenges", null);

        await BadInputScenarios.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized", null);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Malformed_json_is_a_problem_naming_the_body_whatever_the_environment(string environment)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, environment);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsync("/api/v1/challenges", BadInputScenarios.Json("{not json"));

        var problem = await BadInputScenarios.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request", "body");
        Assert.DoesNotContain("   at ", problem.ToString(), StringComparison.Ordinal);
    }
}
