using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.LoadGenerator.Http;
using Cipherpad.LoadGenerator.Measurement;
using Cipherpad.Server;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cipherpad.LoadGenerator.Targets;

/// <summary>
/// The real <c>cipherpad-server</c> as a process of its own on 127.0.0.1, over a SQLite file or a throwaway PostgreSQL
/// cluster, or as several such processes (nodes) on one PostgreSQL. A round trip is one login as a relying party and a user
/// do it: create a question, compute the answer as a cipher pad would, verify it; with several nodes, the round trips go
/// to each node in turn, and each verify to the node after the one that made its question, as a load balancer may send it.
/// The accounts and the relying party are set up beforehand through an in-process host on the same database and data folder (the tests' factory), whose background services are left out so that it stays idle while
/// the server process is measured.
/// </summary>
internal sealed class CipherpadTarget : ILoadTarget
{
    // The server's per-minute request limits, lifted: the load generator is one relying party doing thousands of logins a
    // second, which the limits exist to stop.
    private static readonly Dictionary<string, string> LiftedRequestLimits = new(StringComparer.Ordinal)
    {
        ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = "10000000",
        ["Cipherpad:RateLimits:AddressPerMinute"] = "10000000",
    };

    // The measured server's settings: the limits lifted, and the runtime as the systemd unit runs it.
    private static readonly Dictionary<string, string> MeasuredServerSettings = new(LiftedRequestLimits.Concat(DeployedRuntime.Settings), StringComparer.Ordinal);

    private readonly Cleanup _cleanup;
    private readonly IReadOnlyList<PlainHttpClient> _nodes;
    private readonly IReadOnlyList<Account> _accounts;
    private readonly IReadOnlyList<string> _sources;
    private long _sequence;

    private CipherpadTarget(string name, Cleanup cleanup, IReadOnlyList<PlainHttpClient> nodes, IReadOnlyList<Account> accounts, IReadOnlyList<string> sources,
        IReadOnlyList<int> serverProcessIds, ProcessCpu? database)
    {
        Name = name;
        _cleanup = cleanup;
        _nodes = nodes;
        _accounts = accounts;
        _sources = sources;
        Server = ProcessCpu.Sum([.. serverProcessIds.Select(ProcessCpu.Of)]);
        ServerJit = ProcessCpu.Sum([.. serverProcessIds.Select(ProcessCpu.TieredJit)]);
        Database = database;
    }

    public string Name { get; }
    public string RoundTripDescription => "a login: POST /api/v1/challenges, the answer computed as a cipher pad does, POST …/verify with userIp";
    public ProcessCpu Server { get; }
    public ProcessCpu? ServerJit { get; }
    public ProcessCpu? Database { get; }

    /// <summary>Starts <paramref name="nodes"/> server processes on one database (more than one only on PostgreSQL).</summary>
    public static async Task<CipherpadTarget> StartAsync(DatabaseProvider provider, LoadOptions options, TextWriter log, int nodes = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        if (nodes > 1 && provider != DatabaseProvider.PostgreSql)
        {
            throw new ArgumentException("Several nodes share a PostgreSQL database only.", nameof(nodes));
        }
        var name = (provider == DatabaseProvider.Sqlite ? "Cipherpad, SQLite" : "Cipherpad, PostgreSQL") + (nodes > 1 ? $", {nodes} nodes" : "");
        var cleanup = new Cleanup();
        try
        {
            string? connectionString = null;
            ProcessCpu? database = null;
            if (provider == DatabaseProvider.PostgreSql)
            {
                log.WriteLine($"{name}: starting a throwaway PostgreSQL cluster…");
                var postgres = cleanup.Add(new PostgresServer { Durable = true }, cluster => new ValueTask(cluster.DisposeAsync()));
                await postgres.InitializeAsync();
                connectionString = await postgres.CreateDatabaseAsync();
                database = ProcessCpu.PostgresCluster(postgres.DataDirectory);
            }
            var factory = cleanup.Add(new CipherpadFactory(provider, connectionString, settings: LiftedRequestLimits, services: WithoutBackgroundServices),
                setup => setup.DisposeAsync());
            log.WriteLine($"{name}: setting up {options.Accounts} accounts and a relying party…");
            var accounts = await RegisterAccountsAsync(factory, options.Accounts, cleanup);
            var credentials = await AddRelyingPartyAsync(factory);
            var servers = new List<ServerProcess>();
            var clients = new List<PlainHttpClient>();
            for (var node = 0; node < nodes; node++)
            {
                var server = cleanup.Add(await ServerProcess.StartAsync(factory, MeasuredServerSettings), process => process.DisposeAsync());
                log.WriteLine($"{name}: cipherpad-server (pid {server.ProcessId}) on {server.Address}");
                servers.Add(server);
                clients.Add(cleanup.Add(RelyingPartyClient(server.Address, credentials, options.Lanes), client =>
                {
                    client.Dispose();
                    return ValueTask.CompletedTask;
                }));
            }
            return new(name, cleanup, clients, accounts, UserAddresses(options.Sources), [.. servers.Select(server => server.ProcessId)], database);
        }
        catch
        {
            await cleanup.DisposeAsync();
            throw;
        }
    }

    public async Task<string?> RoundTripAsync(int lane, CancellationToken cancellationToken)
    {
        // Consecutive round trips, whichever lane runs them, go to the next account and come from the next user address.
        var sequence = Interlocked.Increment(ref _sequence);
        var account = _accounts[(int)(sequence % _accounts.Count)];
        var userAddress = _sources[(int)(sequence % _sources.Count)];
        var node = (int)(sequence % _nodes.Count);
        var created = await _nodes[node].PostJsonAsync(lane, "/api/v1/challenges", new CreateChallengeRequest(account.Email, ChallengePurposes.Login),
            cancellationToken);
        if (!created.IsSuccessStatusCode)
        {
            return $"create: {created.Status}";
        }
        if (PlainHttpClient.ReadJson<ChallengeResponse>(created) is not { } challenge)
        {
            return "create: empty answer";
        }
        // The server process runs on the real clock, so the answer is made for the real time.
        var answer = Answer.Compute(account.Keys, Purpose.Login, challenge.Question, TimeProvider.System.GetUtcNow());
        var verified = await _nodes[(node + 1) % _nodes.Count].PostJsonAsync(lane, $"/api/v1/challenges/{challenge.ChallengeId}/verify",
            new VerifyRequest(answer, UserIp: userAddress), cancellationToken);
        if (!verified.IsSuccessStatusCode)
        {
            return $"verify: {verified.Status}";
        }
        var result = PlainHttpClient.ReadJson<VerifyResponse>(verified)?.Result;
        return result == VerifyResults.Success ? null : $"verify: {result}";
    }

    public ValueTask DisposeAsync() => _cleanup.DisposeAsync();

    // The in-process host only registers accounts; its outbox, digest and pruning loops would run beside the measured server
    // and count as the load generator's CPU.
    private static void WithoutBackgroundServices(IServiceCollection services)
    {
        var serverAssembly = typeof(DatabaseProvider).Assembly;
        foreach (var background in services.Where(service =>
            service.ServiceType == typeof(IHostedService) && service.ImplementationType?.Assembly == serverAssembly).ToList())
        {
            services.Remove(background);
        }
    }

    private static async Task<IReadOnlyList<Account>> RegisterAccountsAsync(CipherpadFactory factory, int count, Cleanup cleanup)
    {
        var accounts = new List<Account>(count);
        for (var i = 0; i < count; i++)
        {
            var email = $"load{i}@example.com";
            var secret = await Journeys.RegisterAndActivateAsync(factory, email);
            accounts.Add(new(email, cleanup.Add(new DeviceKeys(secret), keys =>
            {
                keys.Dispose();
                return ValueTask.CompletedTask;
            })));
        }
        return accounts;
    }

    private static async Task<RelyingPartyCredentials> AddRelyingPartyAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RelyingPartyService>().AddAsync("Load Shop");
    }

    private static PlainHttpClient RelyingPartyClient(Uri server, RelyingPartyCredentials credentials, int lanes) =>
        new(server, lanes, PlainHttpClient.Basic(credentials.ClientId, credentials.ClientSecret));

    /// <summary>
    /// Users' addresses from 198.18.0.0/15, the range set aside for benchmarks (RFC 2544): each verify names one as the user's,
    /// so the per-source back-off sees many sources, as it would in production. All answers are right, so none backs off.
    /// </summary>
    private static string[] UserAddresses(int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"198.18.{i / 254}.{i % 254 + 1}")];

    private sealed record Account(string Email, DeviceKeys Keys);
}
