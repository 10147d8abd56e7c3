using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Cipherpad.Server.Tests.Operations;

/// <summary>
/// Three real <c>cipherpad-server</c> processes on one PostgreSQL, behind a real NGINX that spreads requests over them in
/// turn, behave as one service: a question's guesses, an address's requests and a relying party's requests are each limited
/// once for all three, also when one of them is killed with SIGKILL in the middle of a burst; and the two left serve on.
/// </summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class ThreeNodesBehindNginxTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Minutes = 60_000;
    private const int RelyingPartyPerMinute = 200;
    private const int AddressPerMinute = 40;

    private static readonly Dictionary<string, string> NodeSettings = new()
    {
        ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = RelyingPartyPerMinute.ToString(CultureInfo.InvariantCulture),
        ["Cipherpad:RateLimits:AddressPerMinute"] = AddressPerMinute.ToString(CultureInfo.InvariantCulture),
        ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "127.0.0.1",
    };

    [Fact(Timeout = 5 * Minutes)]
    public async Task Three_servers_hold_every_limit_as_one_also_when_one_is_killed_in_the_middle_of_a_burst()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServerProcess.StartAsync(factory, NodeSettings)));
        try
        {
            using var nginx = await Nginx.StartAsync((listen, _) => $$"""
                upstream cipherpad {
                    {{string.Concat(nodes.Select(node => $"server {node.Address.Authority};"))}}
                }
                server {
                    {{listen}}
                    location / {
                        proxy_pass http://cipherpad;
                        proxy_set_header Host $host;
                        {{Nginx.ForwardedHeaders}}
                    }
                }
                """);

            // A question's five guesses, whichever server evaluates them.
            using var guessing = await RelyingPartyAsync(factory, "Guessing Shop", nginx);
            var challenge = await guessing.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
            var guesses = await Task.WhenAll(Enumerable.Range(0, 90).Select(async i =>
                (await guessing.VerifyAsync(challenge.ChallengeId, new VerifyRequest($"{i:D8}", UserIp: "203.0.113.7"))).Result));
            var rightTooLate = await guessing.VerifyAsync(challenge.ChallengeId,
                new VerifyRequest(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, challenge.Question)));

            await UntilTheMinuteHasLeftAsync(TimeSpan.FromSeconds(40));
            var window = DateTimeOffset.UtcNow;

            // One address's page requests, over three servers.
            using var visitor = LoopbackClients.From("127.0.0.2", nginx.Address);
            var pages = new List<HttpStatusCode>();
            await Parallel.ForEachAsync(Enumerable.Range(0, 3 * AddressPerMinute), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (_, cancellation) =>
            {
                using var page = await visitor.GetAsync(new Uri("/signin", UriKind.Relative), cancellation);
                lock (pages)
                {
                    pages.Add(page.StatusCode);
                }
            });
            using var neighbour = LoopbackClients.From("127.0.0.3", nginx.Address);
            using var neighboursPage = await neighbour.GetAsync(new Uri("/signin", UriKind.Relative));

            // A relying party's burst, with one server killed once a tenth of it has been answered.
            using var bursting = await RelyingPartyAsync(factory, "Bursting Shop", nginx);
            var answered = 0;
            var burst = Enumerable.Range(0, 3 * RelyingPartyPerMinute).Select(async _ =>
            {
                try
                {
                    using var created = await bursting.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));
                    return created.StatusCode;
                }
                finally
                {
                    Interlocked.Increment(ref answered);
                }
            }).ToList();
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref answered) < 3 * RelyingPartyPerMinute / 10 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(5);
            }
            var exitCode = await nodes[1].KillAsync();
            var burstStatuses = await Task.WhenAll(burst);
            var windowEnded = DateTimeOffset.UtcNow;

            // The two servers left serve a whole login.
            using var after = await RelyingPartyAsync(factory, "After Shop", nginx);
            var login = await after.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
            var verdict = await after.VerifyAsync(login.ChallengeId,
                new VerifyRequest(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, login.Question), UserIp: "198.51.100.20"));

            output.WriteLine($"guesses: {Tally(guesses)}; pages: {Tally(pages)}; burst: {Tally(burstStatuses)} " +
                $"(kill at {clock.Elapsed.TotalSeconds:0.00} s, windows checked within {(windowEnded - window).TotalSeconds:0.0} s)");
            foreach (var (node, index) in nodes.Select((node, index) => (node, index)))
            {
                output.WriteLine($"server {index}:{Environment.NewLine}{node.RecentOutput}");
            }
            Assert.True(windowEnded.UtcTicks / TimeSpan.TicksPerMinute == window.UtcTicks / TimeSpan.TicksPerMinute,
                "the address and relying-party bursts ran inside one minute's window");

            Assert.InRange(guesses.Count(result => result == VerifyResults.Wrong), 1, 5);
            Assert.Equal(VerifyResults.Locked, rightTooLate.Result);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var stored = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.AsNoTracking()
                    .SingleAsync(c => c.Id == challenge.ChallengeId);
                Assert.Equal((ChallengeStatus.Locked, 5), (stored.Status, stored.WrongAnswers));
            }

            Assert.Equal(AddressPerMinute, pages.Count(status => status == HttpStatusCode.OK));
            Assert.Equal(2 * AddressPerMinute, pages.Count(status => status == HttpStatusCode.TooManyRequests));
            Assert.Equal(HttpStatusCode.OK, neighboursPage.StatusCode);

            Assert.Equal(137, exitCode);
            Assert.All(burstStatuses, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway }));
            var created = burstStatuses.Count(status => status == HttpStatusCode.Created);
            var cutOff = burstStatuses.Count(status => status == HttpStatusCode.BadGateway);
            // Never more than the limit; less by at most what each server had leased and not handed out (a sixteenth of the
            // limit each) and what the killed one admitted but could not answer.
            Assert.InRange(created, 1, RelyingPartyPerMinute);
            Assert.InRange(created + cutOff, RelyingPartyPerMinute - 3 * (RelyingPartyPerMinute / 16), RelyingPartyPerMinute + cutOff);

            Assert.Equal(VerifyResults.Success, verdict.Result);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>A relying party's client through NGINX, with few enough connections for NGINX's workers.</summary>
    private static async Task<HttpClient> RelyingPartyAsync(CipherpadFactory factory, string name, Nginx nginx)
    {
        using var atFactory = await Journeys.RelyingPartyClientAsync(factory, name);
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 48 }) { BaseAddress = nginx.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = atFactory.DefaultRequestHeaders.Authorization;
        return client;
    }

    /// <summary>Waits for the next minute when less than <paramref name="needed"/> is left of this one: the limits' windows are whole minutes.</summary>
    private static async Task UntilTheMinuteHasLeftAsync(TimeSpan needed)
    {
        var intoMinute = TimeSpan.FromTicks(DateTimeOffset.UtcNow.UtcTicks % TimeSpan.TicksPerMinute);
        if (TimeSpan.FromMinutes(1) - intoMinute < needed)
        {
            await Task.Delay(TimeSpan.FromMinutes(1) - intoMinute + TimeSpan.FromMilliseconds(200));
        }
    }

    private static string Tally<T>(IEnumerable<T> outcomes) =>
        string.Join(", ", outcomes.GroupBy(outcome => outcome).OrderBy(group => group.Key?.ToString(), StringComparer.Ordinal).Select(group => $"{group.Key} {group.Count()}"));
}
