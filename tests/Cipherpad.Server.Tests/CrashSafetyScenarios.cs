using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Cipherpad.Server.Tests;

/// <summary>
/// The real server, killed with SIGKILL again and again while a relying party logs its user in and new cipher pads are
/// activated, keeps every write that belongs together whole: each accepted answer has its success entry in the
/// authorization log, and each spent activation code its pad (issue 10: a run like this once left 5 accepted answers on
/// SQLite and 11 on PostgreSQL with no entry). The counts are compared in the database, exactly. With the two transactions
/// taken out, 9 of 10 runs of this test found an answer or a code left half-written.
/// </summary>
public abstract class CrashSafetyScenarios(ITestOutputHelper output)
{
    private const int Kills = 4;
    private const int LoginLoops = 8;
    private const int ActivationLoops = 2;
    private const int PadsWaiting = 60;

    // Kill only once this round has proven the server works: so many logins accepted, and pads activated while codes last.
    private const int LoginsBeforeTheKill = 15;
    private const int ActivationsBeforeTheKill = 3;

    /// <summary>
    /// The load is one relying party, one address and one account, far beyond their per-minute request limits. And each
    /// answer takes its chance of being a guess from the account's budget for the day before it is evaluated; a right one
    /// gives it back, but not one the kill cut off in between, so each kill spends a little of the budget for good.
    /// </summary>
    private static readonly Dictionary<string, string> ServerSettings = new()
    {
        ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = "1000000",
        ["Cipherpad:RateLimits:AddressPerMinute"] = "1000000",
        ["Cipherpad:Challenges:GuessRiskPerDay"] = "0.0001",
    };

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    [Fact]
    public async Task Killing_the_server_under_load_never_keeps_an_answer_without_its_log_entry_or_a_spent_code_without_its_pad()
    {
        var clock = Stopwatch.StartNew();
        using var factory = await CreateFactoryAsync();
        var annsPad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shopAtFactory = await Journeys.RelyingPartyClientAsync(factory);
        var shopCredentials = shopAtFactory.DefaultRequestHeaders.Authorization!;
        var (waiting, padAccounts) = await NewAccountsWaitingForTheirPadsAsync(factory);
        var rounds = new List<Round>();
        output.WriteLine($"set up in {clock.Elapsed.TotalSeconds:0.0} s");

        for (var kill = 1; kill <= Kills; kill++)
        {
            rounds.Add(await ServeUntilKilledAsync(factory, shopCredentials, annsPad, waiting));
        }

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var accepted = await db.Challenges.Where(c => c.Status == ChallengeStatus.Succeeded).Select(c => (Guid?)c.Id).ToListAsync();
        var loggedSuccesses = await db.AuthorizationLog.Where(e => e.Result == "success" && e.Purpose == "login").Select(e => e.ChallengeId).ToListAsync();
        var codes = await db.ActivationCodes.Where(c => padAccounts.Contains(c.AccountId)).Select(c => new { c.AccountId, Spent = c.UsedAt != null }).ToListAsync();
        var padsSaved = await db.Devices.Where(d => padAccounts.Contains(d.AccountId)).Select(d => d.AccountId).ToListAsync();
        var loggedActivations = await db.AuthorizationLog.Where(e => e.Result == "success" && e.Purpose == "activation" && padAccounts.Contains(e.AccountId!.Value))
            .Select(e => e.AccountId!.Value).ToListAsync();
        output.WriteLine($"{rounds.Count} kills in {clock.Elapsed.TotalSeconds:0.0} s; per round: " + string.Join(" | ", rounds));
        output.WriteLine($"in the database: {accepted.Count} answers accepted, {loggedSuccesses.Count} login successes logged; " +
            $"{codes.Count(c => c.Spent)} codes spent, {padsSaved.Count} pads saved, {loggedActivations.Count} activations logged");

        // Every accepted answer has exactly one success entry, and every success entry its accepted answer.
        Assert.Equal(accepted.Order(), loggedSuccesses.Order());
        // What the relying party was told was accepted is in the database; beyond that, at most the answers the kill cut off.
        Assert.InRange(accepted.Count, rounds.Sum(r => r.LoginsAccepted), rounds.Sum(r => r.LoginsAccepted + r.LoginsCutOff));
        // Every spent code has its one pad and its log entry; every pad its spent code.
        Assert.All(codes, code => Assert.Equal(code.Spent ? 1 : 0, padsSaved.Count(account => account == code.AccountId)));
        Assert.Equal(padsSaved.Order(), loggedActivations.Order());
        Assert.InRange(padsSaved.Count, rounds.Sum(r => r.Activated), rounds.Sum(r => r.Activated + r.ActivationsCutOff));
        // The kills landed in the middle of requests, and each run served before it died: the counts above were tested.
        Assert.True(rounds.Sum(r => r.InFlightAtTheKill) > 0, "some requests were in flight when the server was killed");
        Assert.All(rounds, r => Assert.True(r.LoginsAccepted >= LoginsBeforeTheKill, $"logins were accepted before the kill: {r}"));
        Assert.True(rounds.Sum(r => r.Activated) > 0, "pads were activated between the kills");
    }

    /// <summary>
    /// One life of the server: started on the factory's database, loaded with logins and activations until it has proven it
    /// serves them, then killed with SIGKILL in the middle of them. Returns what the load saw.
    /// </summary>
    private static async Task<Round> ServeUntilKilledAsync(CipherpadFactory factory, AuthenticationHeaderValue shopCredentials, byte[] annsPad,
        ConcurrentQueue<(string Email, string Code)> waiting)
    {
        var life = Stopwatch.StartNew();
        await using var server = await ServerProcess.StartAsync(factory, ServerSettings);
        var round = new Round { StartedIn = life.Elapsed };
        using var shop = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
        shop.DefaultRequestHeaders.Authorization = shopCredentials;
        using var pads = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
        var load = Enumerable.Range(1, LoginLoops).Select(i => LogInUntilTheServerDiesAsync(shop, annsPad, $"198.51.100.{i}", round))
            .Concat(Enumerable.Range(0, ActivationLoops).Select(_ => ActivateUntilTheServerDiesAsync(pads, waiting, round)))
            .ToList();

        await round.UntilAsync(() => round.LoginsAccepted >= LoginsBeforeTheKill && (round.Activated >= ActivationsBeforeTheKill || waiting.IsEmpty),
            TimeSpan.FromSeconds(30), server);
        var exitCode = await server.KillAsync();
        round.ServedFor = life.Elapsed - round.StartedIn;
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 137, $"the server was killed by SIGKILL (exit code 128 + 9), not {exitCode}");
        Assert.True(round.Unexpected.IsEmpty, "every request the server answered before the kill succeeded: " + string.Join("; ", round.Unexpected));
        return round;
    }

    /// <summary>
    /// A login at the relying party, again and again: a question, the cipher pad's answer, the verdict. Returns when the
    /// server is gone; a verify cut off by the kill may or may not have been accepted, and is counted as such. Each loop is
    /// Ann at an address of her own (<paramref name="userIp"/>): an address's answers count as failures until they succeed,
    /// so a few at once from one address are backed off, as they should be.
    /// </summary>
    private static async Task LogInUntilTheServerDiesAsync(HttpClient shop, byte[] annsPad, string userIp, Round round)
    {
        using var keys = new DeviceKeys(annsPad);
        while (true)
        {
            HttpResponseMessage created;
            try
            {
                created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));
            }
            catch (HttpRequestException lost) when (lost.StatusCode is null)
            {
                round.Lost(lost);
                return;
            }
            using (created)
            {
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    round.Unexpected.Enqueue($"create: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
                    continue;
                }
                var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
                var answer = Answer.Compute(keys, Purpose.Login, challenge.Question, DateTimeOffset.UtcNow);
                HttpResponseMessage verified;
                try
                {
                    verified = await shop.PostAsJsonAsync($"/api/v1/challenges/{challenge.ChallengeId}/verify", new VerifyRequest(answer, UserIp: userIp));
                }
                catch (HttpRequestException lost) when (lost.StatusCode is null)
                {
                    Interlocked.Increment(ref round.LoginsCutOff);
                    round.Lost(lost);
                    return;
                }
                using (verified)
                {
                    var verdict = verified.IsSuccessStatusCode ? (await verified.Content.ReadFromJsonAsync<VerifyResponse>())!.Result : null;
                    if (verdict == VerifyResults.Success)
                    {
                        Interlocked.Increment(ref round.LoginsAccepted);
                    }
                    else
                    {
                        round.Unexpected.Enqueue($"verify: {(int)verified.StatusCode} {verdict ?? await verified.Content.ReadAsStringAsync()}");
                    }
                }
            }
        }
    }

    /// <summary>What a new cipher pad does with the code from its SMS, for one waiting account after another, until the server is gone.</summary>
    private static async Task ActivateUntilTheServerDiesAsync(HttpClient api, ConcurrentQueue<(string Email, string Code)> waiting, Round round)
    {
        while (waiting.TryDequeue(out var account))
        {
            try
            {
                var (finished, _) = await Journeys.ActivateAsync(api, account.Email, account.Code);
                if (finished.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref round.Activated);
                }
                else
                {
                    round.Unexpected.Enqueue($"activate: {(int)finished.StatusCode} {await finished.Content.ReadAsStringAsync()}");
                }
            }
            catch (HttpRequestException lost) when (lost.StatusCode is null)
            {
                // Cut off at the start or at the finish: either way the code may be spent, and the account is not tried again.
                Interlocked.Increment(ref round.ActivationsCutOff);
                round.Lost(lost);
                return;
            }
        }
    }

    /// <summary>Accounts whose owners have just been sent an activation code by SMS and have not used it yet.</summary>
    private static async Task<(ConcurrentQueue<(string Email, string Code)> Waiting, List<Guid> Accounts)> NewAccountsWaitingForTheirPadsAsync(
        CipherpadFactory factory)
    {
        var phones = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = new List<Guid>();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            for (var i = 0; i < PadsWaiting; i++)
            {
                var account = new Account
                {
                    FirstName = "Pat", LastName = $"Number {i}", Email = $"pat{i}@example.com", Phone = $"+4917100{i:D5}",
                    SecurityQuestion = "First pet?", SecurityAnswerHash = "unused", CreatedAt = factory.Time.GetUtcNow(),
                };
                db.Accounts.Add(account);
                await db.SaveChangesAsync();
                await accounts.SendActivationCodeAsync(account);
                phones[account.Phone] = account.Email;
                ids.Add(account.Id);
            }
        }
        var codes = Journeys.ActivationCodesByPhone(factory);
        return (new ConcurrentQueue<(string, string)>(phones.Select(p => (p.Value, codes[p.Key]))), ids);
    }

    /// <summary>What the load saw of one server's life, from its start to its kill.</summary>
    private sealed class Round
    {
        public int LoginsAccepted;
        public int LoginsCutOff;
        public int Activated;
        public int ActivationsCutOff;

        /// <summary>Requests the kill cut off after they reached the server.</summary>
        public int InFlightAtTheKill;

        /// <summary>Requests that found nobody listening any more.</summary>
        public int Refused;

        public ConcurrentQueue<string> Unexpected { get; } = new();

        public TimeSpan StartedIn { get; init; }
        public TimeSpan ServedFor { get; set; }

        public void Lost(HttpRequestException lost)
        {
            if (lost.HttpRequestError == HttpRequestError.ConnectionError)
            {
                Interlocked.Increment(ref Refused);
            }
            else
            {
                Interlocked.Increment(ref InFlightAtTheKill);
            }
        }

        public async Task UntilAsync(Func<bool> condition, TimeSpan timeout, ServerProcess server)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline && Unexpected.IsEmpty,
                    $"the server served the load for {timeout.TotalSeconds:0} s without error ({this}; {string.Join("; ", Unexpected)}):" +
                    $"{Environment.NewLine}{server.RecentOutput}");
                await Task.Delay(10);
            }
        }

        public override string ToString() =>
            $"up in {StartedIn.TotalSeconds:0.0} s, killed after {ServedFor.TotalSeconds:0.0} s: {LoginsAccepted} logins accepted, {LoginsCutOff} cut off; {Activated} pads activated, {ActivationsCutOff} cut off; " +
            $"{InFlightAtTheKill} requests in flight at the kill, {Refused} refused after it";
    }
}

public sealed class SqliteCrashSafetyScenarios(ITestOutputHelper output) : CrashSafetyScenarios(output)
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresCrashSafetyScenarios(PostgresServer postgres, ITestOutputHelper output) : CrashSafetyScenarios(output)
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
