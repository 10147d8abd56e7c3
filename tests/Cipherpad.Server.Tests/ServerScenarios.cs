using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests;

/// <summary>The journeys of register → activate → log in, and every limit around them, run on each database.</summary>
public abstract class ServerScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null);

    private static Task<ChallengeResponse> CreateLoginChallengeAsync(HttpClient relyingParty, string email) =>
        relyingParty.CreateChallengeAsync(new CreateChallengeRequest(email, ChallengePurposes.Login));

    private static Task<VerifyResponse> VerifyAsync(HttpClient relyingParty, ChallengeResponse challenge, string answer, string? userIp = null) =>
        relyingParty.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer, UserIp: userIp));

    private static string AnswerFor(byte[] deviceSecret, ChallengeResponse challenge, DateTimeOffset now)
    {
        using var keys = new DeviceKeys(deviceSecret);
        return Answer.Group(Answer.Compute(keys, Purpose.Login, challenge.Question, now));
    }

    private static string WrongAnswer(string right) => string.Concat(right.Select(c => char.IsAsciiDigit(c) ? (char)('0' + ((c - '0' + 1) % 10)) : c));

    [Fact]
    public async Task A_new_user_registers_activates_and_logs_in_at_a_relying_party()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var challenge = await CreateLoginChallengeAsync(shop, "Ann@Example.com");
        var question = challenge.Question;
        Assert.Matches("^[0-9]{8}$", question);
        Assert.Equal($"/api/v1/challenges/{challenge.ChallengeId}/qr.png", challenge.QrImage);
        Assert.StartsWith("CP1?rp=Demo%20Shop&p=login&q=" + question, challenge.QrPayload, StringComparison.Ordinal);
        var result = await VerifyAsync(shop, challenge, AnswerFor(secret, challenge, factory.Time.GetUtcNow()));

        Assert.Equal("success", result.Result);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var log = await db.AuthorizationLog.Where(e => e.Purpose == "login").ToListAsync();
        var entry = Assert.Single(log);
        Assert.Equal(("success", "app", "Demo Shop"), (entry.Result, entry.Method, entry.RelyingParty));
        Assert.False(string.IsNullOrEmpty(entry.Ip));
    }

    [Fact]
    public async Task The_QR_payload_verifies_on_the_cipher_pad_and_shows_who_asks()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");

        using var keys = new DeviceKeys(secret);
        var opening = Core.Payloads.RequestPayload.Open(challenge.QrPayload, [keys], factory.Time.GetUtcNow());

        Assert.Equal(Core.Payloads.PayloadStatus.Verified, opening.Status);
        Assert.Equal("Verified: log in at Demo Shop", opening.Message);
        var png = await shop.GetAsync($"/api/v1/challenges/{challenge.ChallengeId}/qr.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        // Drawn on request only, and the same until the question expires: the relying party alone may keep it till then.
        Assert.True(png.Headers.CacheControl is { Private: true, NoStore: false, MaxAge: { } keep } && keep > TimeSpan.Zero
            && keep <= challenge.ExpiresAt - factory.Time.GetUtcNow() + TimeSpan.FromSeconds(1), $"Cache-Control: {png.Headers.CacheControl}");
        var read = await shop.GetAsync($"/api/v1/challenges/{challenge.ChallengeId}");
        Assert.True(read.Headers.CacheControl?.NoStore, "the question itself is never kept");
    }

    private static string AnswerFor(byte[] deviceSecret, ChallengeResponse challenge, Purpose purpose, Core.Payments.PaymentDetails? payment, DateTimeOffset now)
    {
        using var keys = new DeviceKeys(deviceSecret);
        return Answer.Compute(keys, purpose, challenge.Question, now, payment);
    }

    [Fact]
    public async Task A_payment_is_confirmed_only_for_exactly_its_payee_amount_and_currency()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var now = factory.Time.GetUtcNow();
        var asked = Core.Payments.PaymentDetails.Create("123456789012", "12.50", "USD");
        var attacks = new[]
        {
            Core.Payments.PaymentDetails.Create("123456789013", "12.50", "USD"),
            Core.Payments.PaymentDetails.Create("123456789012", "12.51", "USD"),
            Core.Payments.PaymentDetails.Create("123456789012", "12.50", "EUR"),
            Core.Payments.PaymentDetails.Create("12345678901", "12.50", "USD"),
        };

        foreach (var changed in attacks)
        {
            // The user's cipher pad was shown the attacker's details; the site executes the real ones.
            var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.5", Currency: "USD"));
            var result = await VerifyAsync(shop, challenge, AnswerFor(secret, challenge, Purpose.Payment, changed, now), $"192.0.2.{Array.IndexOf(attacks, changed)}");
            Assert.Equal("wrong", result.Result);
        }
        var genuine = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.5", Currency: "usd"));
        Assert.Equal("12.50", genuine.Payment?.Amount);
        var answer = AnswerFor(secret, genuine, Purpose.Payment, asked, now);
        Assert.Equal("success", (await VerifyAsync(shop, genuine, answer)).Result);
        Assert.Equal("already-used", (await VerifyAsync(shop, genuine, answer)).Result);
        await using var scope = factory.Services.CreateAsyncScope();
        var log = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().AuthorizationLog.Where(e => e.Purpose == "payment").ToListAsync();
        Assert.Equal(6, log.Count); // four wrong, one success, one replay
        Assert.All(log, entry => Assert.Equal("pay 12.50 USD to 123456789012", entry.Detail));
        Assert.Equal(4, log.Count(entry => entry.Result == "wrong"));
    }

    [Fact]
    public async Task Answers_never_cross_purposes()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var now = factory.Time.GetUtcNow();
        var payment = Core.Payments.PaymentDetails.Create("123", "1.00", "USD");
        var login = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var action = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Action, Description: "Add correspondent Bob"));
        var pay = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123", Amount: "1", Currency: "USD"));

        Assert.Equal("wrong", (await VerifyAsync(shop, login, AnswerFor(secret, login, Purpose.Action, null, now), "192.0.2.1")).Result);
        Assert.Equal("wrong", (await VerifyAsync(shop, action, AnswerFor(secret, action, Purpose.Login, null, now), "192.0.2.2")).Result);
        Assert.Equal("wrong", (await VerifyAsync(shop, pay, AnswerFor(secret, pay, Purpose.Login, null, now), "192.0.2.3")).Result);
        Assert.Equal("wrong", (await VerifyAsync(shop, pay, AnswerFor(secret, pay, Purpose.Action, null, now), "192.0.2.4")).Result);
        Assert.Equal("wrong", (await VerifyAsync(shop, login, AnswerFor(secret, login, Purpose.Payment, payment, now), "192.0.2.5")).Result);

        Assert.Equal("success", (await VerifyAsync(shop, login, AnswerFor(secret, login, Purpose.Login, null, now))).Result);
        Assert.Equal("success", (await VerifyAsync(shop, action, AnswerFor(secret, action, Purpose.Action, null, now))).Result);
        Assert.Equal("success", (await VerifyAsync(shop, pay, AnswerFor(secret, pay, Purpose.Payment, payment, now))).Result);
    }

    [Fact]
    public async Task The_payment_QR_payload_carries_the_verified_details()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory, "DemoShop");
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.5", Currency: "USD"));
        using var keys = new DeviceKeys(secret);

        var opening = Core.Payloads.RequestPayload.Open(challenge.QrPayload, [keys], factory.Time.GetUtcNow());

        Assert.Equal("Verified: pay 12.50 USD to 123456789012 at DemoShop", opening.Message);
    }

    [Fact]
    public async Task A_relying_party_restating_other_payment_details_is_refused()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123", Amount: "12.50", Currency: "USD"));
        var answer = AnswerFor(secret, challenge, Purpose.Payment, Core.Payments.PaymentDetails.Create("123", "12.50", "USD"), factory.Time.GetUtcNow());
        var id = challenge.ChallengeId;

        var other = await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new VerifyRequest(answer, Payee: "1230", Amount: "12.5", Currency: "USD"));
        var same = await shop.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new VerifyRequest(answer, Payee: "123", Amount: "12.5", Currency: "USD"));

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("success", (await same.Content.ReadFromJsonAsync<VerifyResponse>())!.Result);
    }

    [Theory]
    [InlineData("{\"login\":\"ann@example.com\",\"purpose\":\"transfer\"}", "purpose")]
    [InlineData("{\"login\":\"ann@example.com\",\"purpose\":\"action\"}", "description")]
    [InlineData("{\"login\":\"ann@example.com\",\"purpose\":\"payment\",\"payee\":\"123\",\"amount\":\"12.505\",\"currency\":\"USD\"}", "decimal place")]
    [InlineData("{\"login\":\"ann@example.com\",\"purpose\":\"payment\",\"payee\":\"123\",\"amount\":\"1\",\"currency\":\"dollars\"}", "currency")]
    [InlineData("{\"login\":\"ann@example.com\",\"purpose\":\"login\",\"amount\":\"1\"}", "no description or payment")]
    [InlineData("{\"purpose\":\"login\"}", "'login'")]
    public async Task Bad_challenge_requests_get_a_problem_naming_the_field(string body, string expected)
    {
        using var factory = await CreateFactoryAsync();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsync("/api/v1/challenges", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_succeeds_only_once()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var answer = AnswerFor(secret, challenge, factory.Time.GetUtcNow());

        Assert.Equal("success", (await VerifyAsync(shop, challenge, answer)).Result);
        Assert.Equal("already-used", (await VerifyAsync(shop, challenge, answer)).Result);
    }

    [Fact]
    public async Task Concurrent_verifies_of_the_right_answer_succeed_exactly_once()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var answer = AnswerFor(secret, challenge, factory.Time.GetUtcNow());

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => VerifyAsync(shop, challenge, answer)));

        Assert.Equal(1, results.Count(r => r.Result == "success"));
        // Every attempt from one source is counted before it is evaluated, so a burst past the free attempts waits.
        Assert.All(results.Where(r => r.Result != "success"), r => Assert.Contains(r.Result, new[] { "already-used", "throttled" }));
    }

    [Fact]
    public async Task The_sixth_answer_after_five_wrong_ones_is_refused_even_if_right()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var right = AnswerFor(secret, challenge, factory.Time.GetUtcNow());

        var attemptsLeft = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            // Each wrong answer from its own address, so the per-source back-off does not interfere.
            var result = await VerifyAsync(shop, challenge, WrongAnswer(right), $"192.0.2.{i + 1}");
            attemptsLeft.Add(result.AttemptsLeft);
        }

        Assert.Equal([4, 3, 2, 1, 0], attemptsLeft);
        Assert.Equal("locked", (await VerifyAsync(shop, challenge, right)).Result);
    }

    [Fact]
    public async Task An_expired_question_cannot_be_answered()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var answer = AnswerFor(secret, challenge, factory.Time.GetUtcNow());

        factory.Time.Offset += TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1);

        Assert.Equal("expired", (await VerifyAsync(shop, challenge, answer)).Result);
    }

    [Fact]
    public async Task A_relying_party_never_sees_or_verifies_another_ones_questions()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory, "Demo Shop");
        using var intruder = await Journeys.RelyingPartyClientAsync(factory, "Evil Shop");
        var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var id = challenge.ChallengeId;
        var answer = AnswerFor(secret, challenge, factory.Time.GetUtcNow());

        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/v1/challenges/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/v1/challenges/{id}/qr.png")).StatusCode);
        var foreignVerify = await intruder.PostAsJsonAsync($"/api/v1/challenges/{id}/verify", new VerifyRequest(answer));
        Assert.Equal(HttpStatusCode.NotFound, foreignVerify.StatusCode);
        Assert.Equal("application/problem+json", foreignVerify.Content.Headers.ContentType?.MediaType);
        Assert.Equal("success", (await VerifyAsync(shop, challenge, answer)).Result);
    }

    [Fact]
    public async Task The_API_refuses_calls_without_valid_credentials()
    {
        using var factory = await CreateFactoryAsync();
        using var anonymous = factory.CreateClient();
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        using var forger = factory.CreateClient();
        var clientId = Journeys.CredentialsOf(shop).ClientId;
        forger.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:guess")));

        foreach (var client in new[] { anonymous, forger })
        {
            var response = await client.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_source_that_keeps_failing_backs_off_while_the_owner_still_logs_in()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        const string attacker = "203.0.113.66";
        for (var i = 0; i < 5; i++)
        {
            var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
            Assert.Equal("wrong", (await VerifyAsync(shop, challenge, "0000 0000", attacker)).Result);
        }

        var next = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var throttled = await VerifyAsync(shop, next, AnswerFor(secret, next, factory.Time.GetUtcNow()), attacker);
        Assert.Equal("throttled", throttled.Result);
        Assert.True(throttled.RetryAfterSeconds >= 1);
        // A source that must wait uses none of the question's five attempts, however often it tries.
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("throttled", (await VerifyAsync(shop, next, "0000 0000", attacker)).Result);
        }

        var owner = await VerifyAsync(shop, next, AnswerFor(secret, next, factory.Time.GetUtcNow()), "198.51.100.7");
        Assert.Equal("success", owner.Result);
    }

    [Fact]
    public async Task A_distributed_guess_makes_new_questions_harder_and_the_owner_at_a_new_address_still_logs_in()
    {
        using var factory = await CreateFactoryAsync();
        factory.Time.MoveToEarlyInADay(); // one day's guess budget
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        // Twenty wrong answers, each from its own address: no single source reaches its own back-off.
        var asked = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var challenge = await CreateLoginChallengeAsync(shop, "ann@example.com");
            asked.Add(challenge.Question);
            var wrong = new string('0', Answer.DigitsFor(challenge.Question));
            Assert.Equal("wrong", (await VerifyAsync(shop, challenge, wrong, $"203.0.113.{i}")).Result);
        }

        // From an address never seen before, the owner answers the harder question the pad makes nothing of.
        var next = await CreateLoginChallengeAsync(shop, "ann@example.com");
        var owner = await VerifyAsync(shop, next, AnswerFor(secret, next, factory.Time.GetUtcNow()), "198.51.100.7");
        var afterOwner = await CreateLoginChallengeAsync(shop, "ann@example.com");

        // One pad, a window of 7 minutes: a one-part guess has 7 in 10⁸ of being right, so ten fit in the day's 10⁻⁶ with
        // room for a question's five more; then questions have two parts, each guess 7² in 10¹⁶.
        Assert.Equal(10, asked.Count(q => Question.PartCount(q) == 1));
        Assert.All(asked.Skip(10), q => Assert.Equal(2, Question.PartCount(q)));
        Assert.Equal("success", owner.Result);
        Assert.Equal(2, Question.PartCount(afterOwner.Question)); // the owner's login gives the guessers nothing back
        await using var scope = factory.Services.CreateAsyncScope();
        var spent = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().GuessRisks.SumAsync(r => r.Spent);
        Assert.InRange(spent, (10 * 7e-8) + (10 * 49e-16) - 1e-12, 1e-6);
    }

    private static string WrongCode(string code) => code[..^1] + (char)('0' + ((code[^1] - '0' + 1) % 10));

    private static async Task<(HttpStatusCode Status, int AttemptsLeft)> FinishAsync(HttpClient api, string email, string code)
    {
        var (response, secret) = await Journeys.ActivateAsync(api, email, code);
        if (secret is not null)
        {
            return (response.StatusCode, -1);
        }
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.TryGetProperty("attemptsLeft", out var left) ? left.GetInt32() : -1);
    }

    private static async Task<int> EvaluatedGuessesAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().ActivationCodes.SingleAsync()).FailedAttempts;
    }

    [Fact]
    public async Task Wrong_activation_codes_from_one_address_stop_that_address_and_not_the_owner()
    {
        using var factory = await CreateFactoryAsync();
        var server = factory.StartOnLoopback();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        using var attacker = LoopbackClients.From("127.0.0.2", server);
        using var owner = LoopbackClients.From("127.0.0.3", server);

        var left = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var (status, attemptsLeft) = await FinishAsync(attacker, "ann@example.com", WrongCode(code));
            Assert.Equal(HttpStatusCode.Forbidden, status);
            left.Add(attemptsLeft);
        }
        var fifth = await FinishAsync(attacker, "ann@example.com", WrongCode(code));
        var rightFromThere = await FinishAsync(attacker, "ann@example.com", code);
        var (fromOwner, secret) = await Journeys.ActivateAsync(owner, "ann@example.com", code);

        Assert.Equal([4, 3, 2, 1], left);
        Assert.Equal(HttpStatusCode.Gone, fifth.Status);
        Assert.Equal(HttpStatusCode.Gone, rightFromThere.Status);
        Assert.Equal(HttpStatusCode.OK, fromOwner.StatusCode);
        Assert.NotNull(secret);
    }

    [Fact]
    public async Task Forty_addresses_guessing_at_once_do_not_spend_the_owners_activation_code()
    {
        using var factory = await CreateFactoryAsync();
        var server = factory.StartOnLoopback();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        var attackers = Enumerable.Range(10, 40).Select(i => LoopbackClients.From($"127.0.1.{i}", server)).ToList();

        var answers = await Task.WhenAll(attackers.SelectMany(a => Enumerable.Range(0, 6).Select(_ => FinishAsync(a, "ann@example.com", WrongCode(code)))));
        using var owner = LoopbackClients.From("127.0.0.3", server);
        var (fromOwner, secret) = await Journeys.ActivateAsync(owner, "ann@example.com", code);
        attackers.ForEach(a => a.Dispose());

        // Five evaluated per address (the fifth is told that it was the last), the sixth refused unseen.
        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Forbidden] = 160, [HttpStatusCode.Gone] = 80 },
            answers.CountBy(a => a.Status).ToDictionary());
        Assert.Equal(200, await EvaluatedGuessesAsync(factory));
        Assert.Equal(HttpStatusCode.OK, fromOwner.StatusCode);
        Assert.NotNull(secret);
    }

    [Fact]
    public async Task An_activation_code_guessed_at_from_everywhere_gives_out_at_its_overall_limit()
    {
        using var factory = await CreateFactoryAsync(new Dictionary<string, string> { ["Cipherpad:Activation:MaxAttemptsInAll"] = "100" });
        var server = factory.StartOnLoopback();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        var attackers = Enumerable.Range(10, 25).Select(i => LoopbackClients.From($"127.0.1.{i}", server)).ToList();

        var answers = await Task.WhenAll(attackers.SelectMany(a => Enumerable.Range(0, 5).Select(_ => FinishAsync(a, "ann@example.com", WrongCode(code)))));
        using var owner = LoopbackClients.From("127.0.0.3", server);
        var fromOwner = await FinishAsync(owner, "ann@example.com", code);
        attackers.ForEach(a => a.Dispose());

        Assert.Equal(125, answers.Length);
        Assert.Equal(100, await EvaluatedGuessesAsync(factory));
        Assert.Equal(HttpStatusCode.Gone, fromOwner.Status);
    }

    [Fact]
    public async Task An_activation_code_activates_one_device_only()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        using var api = factory.CreateClient();

        var (first, _) = await Journeys.ActivateAsync(api, "ann@example.com", code);
        var (second, secret) = await Journeys.ActivateAsync(api, "ann@example.com", code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Null(secret);
    }

    [Fact]
    public async Task An_activation_code_expires()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "ann@example.com");
        using var api = factory.CreateClient();

        factory.Time.Offset += TimeSpan.FromMinutes(31);
        var (response, secret) = await Journeys.ActivateAsync(api, "ann@example.com", code);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(secret);
    }

    [Fact]
    public async Task Activation_answers_an_unknown_email_a_used_code_and_an_expired_code_alike()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var used = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, "used@example.com");
        using var api = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await FinishAsync(api, "used@example.com", used)).Status);
        using var other = factory.Browser();
        var expiring = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, other, "late@example.com");
        factory.Time.Offset += TimeSpan.FromMinutes(31);

        async Task<List<(HttpStatusCode, int)>> FiveTimes(string email, string code)
        {
            var answers = new List<(HttpStatusCode, int)>();
            for (var i = 0; i < 5; i++)
            {
                answers.Add(await FinishAsync(api, email, code));
            }
            return answers;
        }
        var unknown = await FiveTimes("nobody@example.com", "123456789012");
        var usedAgain = await FiveTimes("used@example.com", used);
        var expired = await FiveTimes("late@example.com", expiring);

        List<(HttpStatusCode, int)> expected = [(HttpStatusCode.Forbidden, 4), (HttpStatusCode.Forbidden, 3), (HttpStatusCode.Forbidden, 2),
            (HttpStatusCode.Forbidden, 1), (HttpStatusCode.Gone, 0)];
        Assert.Equal(expected, unknown);
        Assert.Equal(expected, usedAgain);
        Assert.Equal(expected, expired);
    }

    [Fact]
    public async Task Device_secrets_and_activation_codes_are_encrypted_at_rest()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var code = Journeys.LatestActivationCode(factory).Replace("-", "", StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var device = await db.Devices.SingleAsync();
        var storedCode = await db.ActivationCodes.SingleAsync();

        Assert.False(device.SecretProtected.AsSpan().IndexOf(secret) >= 0, "the device secret is stored in clear");
        Assert.False(storedCode.CodeProtected.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(code)) >= 0, "the activation code is stored in clear");
        var account = await db.Accounts.SingleAsync();
        Assert.StartsWith("pbkdf2-sha256$1000$", account.SecurityAnswerHash, StringComparison.Ordinal);
        Assert.DoesNotContain("teapot", account.SecurityAnswerHash, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cookie_and_antiforgery_keys_are_stored_encrypted_under_the_master_key()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        Assert.Contains("__RequestVerificationToken", await browser.GetStringAsync("/register"), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();

        var keys = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().DataProtectionKeys.ToListAsync();

        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.Contains("encryptedKey", key.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", key.Xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Registration_explains_each_bad_field_and_creates_nothing()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();

        var badPhone = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", phone: "0170 123");
        var weakAnswer = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", securityAnswer: "1234");
        var notHuman = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: "999");
        var badEmail = await Journeys.SubmitRegistrationAsync(browser, "ann-at-example.com");

        Assert.Contains("international form", await badPhone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("too easy to guess", await weakAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("check that you are a person did not pass", await notHuman.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("is not an e-mail address", await badEmail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.CountAsync());
    }

    [Fact]
    public async Task A_second_registration_with_the_same_email_is_refused()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await Journeys.SubmitRegistrationAsync(browser, "ann@example.com")).StatusCode);

        var again = await Journeys.SubmitRegistrationAsync(browser, "ANN@example.com");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already exists", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forms_without_the_antiforgery_token_are_refused()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var response = await browser.PostAsync("/register", new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "x@example.com" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_user_signs_in_to_the_personal_account_with_a_question()
    {
        using var factory = await CreateFactoryAsync();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();

        var questionPage = await Journeys.StartSignInAsync(browser, "ann@example.com");
        var signedIn = await questionPage.AnswerAsync(Journeys.AnswerWith(factory, secret, Purpose.Login, questionPage.Question));

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/account", signedIn.Headers.Location?.OriginalString);
        var account = await AccountPage.OpenAsync(browser);
        Assert.Equal("Hello, Ann", account.Greeting);
        Assert.Equal(["test pad"], account.DeviceNames);
        Assert.Contains("Cipherpad", account.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_personal_account_needs_a_sign_in()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var response = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/signin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_relying_party_API()
    {
        using var factory = await CreateFactoryAsync();
        using var client = factory.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/challenges", out _));
        Assert.True(paths.TryGetProperty("/api/v1/challenges/{id}/verify", out _));
        Assert.True(paths.TryGetProperty("/api/v1/activations", out _));
    }

    [Fact]
    public async Task The_outbox_page_exists_only_in_development()
    {
        using var factory = await CreateFactoryAsync();
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dev/outbox")).StatusCode);
    }
}

public sealed class SqliteServerScenarios : ServerScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: settings));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresServerScenarios(PostgresServer postgres) : ServerScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: settings);
}
