using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// A third answer method that exists only here, added with <c>AddAnswerMethod</c> and nothing else: the methods page
/// offers it, an account turns it on with a cipher-pad confirmation, and relying parties use it under the same
/// single-success, wrong-answer and logging rules as the built-in methods.
/// </summary>
public abstract class AnswerMethodPluginScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync(Action<IServiceCollection> services);

    private static async Task<(CipherpadFactory Factory, TestCodes Codes)> StartAsync(AnswerMethodPluginScenarios scenarios)
    {
        var codes = new TestCodes();
        var factory = await scenarios.CreateFactoryAsync(services =>
        {
            services.AddSingleton(codes);
            services.AddAnswerMethod<TestCodeMethod>();
        });
        return (factory, codes);
    }

    [Fact]
    public async Task A_third_method_is_offered_turned_on_and_answers_like_the_built_in_ones()
    {
        var (factory, codes) = await StartAsync(this);
        using var _ = factory;
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var beforeTurnedOn = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", Method: TestCodeMethod.MethodName));
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        Assert.Contains("Codes from the test outbox", await browser.GetStringAsync("/account/methods"), StringComparison.Ordinal);
        var turnedOn = await Journeys.ChangeAccountAsync(factory, browser, "/account/methods", "",
            new() { ["app"] = "true", [TestCodeMethod.MethodName] = "true" }, pad);
        var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", Method: TestCodeMethod.MethodName));
        var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
        var id = challenge.ChallengeId;
        var wrong = await VerifyAsync(shop, id, "0000 0000");
        var right = await VerifyAsync(shop, id, codes.For(id));
        var replay = await VerifyAsync(shop, id, codes.For(id));

        Assert.Equal(HttpStatusCode.Conflict, beforeTurnedOn.StatusCode);
        Assert.Equal("method-not-enabled", (await beforeTurnedOn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Contains("Done: Confirm with: the cipher pad and test codes", turnedOn.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(TestCodeMethod.MethodName, challenge.Method);
        Assert.Equal(("wrong", 4), wrong);
        Assert.Equal(("success", 0), right); // answered: it takes no more answers
        Assert.Equal("already-used", replay.Result);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var entries = await db.AuthorizationLog.Where(e => e.Method == TestCodeMethod.MethodName).Select(e => e.Result).ToListAsync();
        Assert.Equal(["already-used", "success", "wrong"], entries.Order(StringComparer.Ordinal));
        var policy = await shop.PolicyAsync("ann@example.com");
        Assert.Equal(["app", TestCodeMethod.MethodName], policy.Methods);
    }

    [Fact]
    public async Task A_third_method_locks_after_five_wrong_answers_and_refuses_what_it_cannot_carry()
    {
        var (factory, codes) = await StartAsync(this);
        using var _ = factory;
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var methods = scope.ServiceProvider.GetRequiredService<AccountMethods>();
            var account = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.SingleAsync();
            await methods.SetAsync(account.Id, ["app", TestCodeMethod.MethodName], default);
            await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().SaveChangesAsync();
        }
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var payment = await shop.PostAsJsonAsync("/api/v1/challenges",
            new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "1", Amount: "1", Currency: "USD", Method: TestCodeMethod.MethodName));
        var created = await (await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", Method: TestCodeMethod.MethodName)))
            .Content.ReadFromJsonAsync<ChallengeResponse>();
        var id = created!.ChallengeId;
        var results = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            results.Add((await VerifyAsync(shop, id, $"1111 111{i}")).Result);
        }
        var rightTooLate = await VerifyAsync(shop, id, codes.For(id));

        Assert.Equal(HttpStatusCode.BadRequest, payment.StatusCode);
        Assert.Equal("invalid-request", (await payment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(["wrong", "wrong", "wrong", "wrong", "locked"], results);
        Assert.Equal("locked", rightTooLate.Result);
    }

    [Fact]
    public async Task An_unknown_method_is_refused_with_the_methods_this_server_offers()
    {
        var (factory, _) = await StartAsync(this);
        using var __ = factory;
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        var response = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com", Method: "carrier-pigeon"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("unknown-method", "method"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        Assert.Contains($"app, sms, push, passkey, {TestCodeMethod.MethodName}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<(string Result, int AttemptsLeft)> VerifyAsync(HttpClient shop, Guid id, string answer)
    {
        var verdict = await shop.VerifyAsync(id, new VerifyRequest(answer));
        return (verdict.Result, verdict.AttemptsLeft);
    }

    /// <summary>Where the test method "delivers" its codes, as an SMS outbox would.</summary>
    public sealed class TestCodes
    {
        private readonly ConcurrentDictionary<Guid, string> _sent = new();

        public void Send(Guid challengeId, string code) => _sent[challengeId] = code;

        public string For(Guid challengeId) => _sent[challengeId];
    }

    /// <summary>Sends a random code and keeps only its hash on the challenge; cannot confirm payments.</summary>
    private sealed class TestCodeMethod(TestCodes codes) : IAnswerMethod
    {
        public const string MethodName = "test-code";

        public string Name => MethodName;

        public string DisplayName => "test codes";

        public string Description => "Codes from the test outbox";

        public Task<CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(request.Purpose == Purpose.Payment ? Errors.InvalidRequest("Test codes cannot confirm payments.", "method") : null);

        public Task<CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken)
        {
            var code = RandomNumberGenerator.GetString("0123456789", Answer.DigitsFor(challenge.Question));
            challenge.AnswerProtected = SHA256.HashData(Encoding.ASCII.GetBytes(code));
            codes.Send(challenge.Id, code);
            return Task.FromResult<CipherpadError?>(null);
        }

        public Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken) =>
            Task.FromResult(Math.Pow(10, -8 * parts));

        public Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(Answer.Normalize(typedAnswer, Answer.DigitsFor(challenge.Question)) is { } digits && challenge.AnswerProtected is { } expected
                && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.ASCII.GetBytes(digits)), expected)
                ? AnswerCheck.Right()
                : AnswerCheck.Wrong);
    }
}

public sealed class SqliteAnswerMethodPluginScenarios : AnswerMethodPluginScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync(Action<IServiceCollection> services) =>
        Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null, services: services));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresAnswerMethodPluginScenarios(PostgresServer postgres) : AnswerMethodPluginScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync(Action<IServiceCollection> services) =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), services: services);
}
