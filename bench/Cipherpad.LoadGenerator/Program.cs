using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Server;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

// Login round trips over HTTP on loopback: create a challenge, compute the answer as a cipher pad would, verify it.
// Bounded in time and in count. Usage: dotnet run -c Release --project bench/Cipherpad.LoadGenerator -- [sqlite|postgresql|both] [seconds] [workers]
// The server host finds its content root through a manifest beside this program.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.EntityFrameworkCore", "None");
var databases = args.Length > 0 ? args[0] : "both";
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
const int MaxRoundTrips = 200_000;
const int Accounts = 4;
// The load generator is one relying party on one address: lift the per-minute request limits it would otherwise measure.
var unlimited = new Dictionary<string, string>
{
    ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = "1000000",
    ["Cipherpad:RateLimits:AddressPerMinute"] = "1000000",
};

var results = new List<string>();
if (databases is "sqlite" or "both")
{
    results.Add(await RunAsync("SQLite", new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: unlimited)));
}
if (databases is "postgresql" or "both")
{
    var postgres = new PostgresServer();
    await postgres.InitializeAsync();
    try
    {
        results.Add(await RunAsync("PostgreSQL", new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: unlimited)));
    }
    finally
    {
        await postgres.DisposeAsync();
    }
}
Console.WriteLine();
Console.WriteLine("| database | workers | seconds | round trips | round trips/s | p50 ms | p90 ms | p99 ms | failures |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
results.ForEach(Console.WriteLine);
return 0;

async Task<string> RunAsync(string name, CipherpadFactory factory)
{
    using (factory)
    {
        var server = factory.StartOnLoopback();
        Console.WriteLine($"{name}: server on {server}; setting up {Accounts} accounts…");
        var secrets = new List<(string Email, byte[] Secret)>();
        for (var i = 0; i < Accounts; i++)
        {
            var email = $"load{i}@example.com";
            secrets.Add((email, await Journeys.RegisterAndActivateAsync(factory, email)));
        }
        RelyingPartyCredentials credentials;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            credentials = await scope.ServiceProvider.GetRequiredService<RelyingPartyService>().AddAsync("Load Shop");
        }
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers * 2 }) { BaseAddress = server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.ClientSecret}")));

        // Warm-up: JIT, connection pools, database caches.
        await RoundTripAsync(http, secrets[0], factory.Time);
        Console.WriteLine($"{name}: {workers} workers for {seconds} s…");
        var latencies = new List<double>[workers];
        var failures = 0;
        var started = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var count = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            latencies[worker] = [];
            var account = secrets[worker % secrets.Count];
            while (started.Elapsed < deadline && Interlocked.Increment(ref count) <= MaxRoundTrips)
            {
                var begin = Stopwatch.GetTimestamp();
                var ok = await RoundTripAsync(http, account, factory.Time);
                latencies[worker].Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var elapsed = started.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {workers} | {elapsed:F1} | {all.Length} | {all.Length / elapsed:F0} | {Percentile(0.50):F2} | {Percentile(0.90):F2} | {Percentile(0.99):F2} | {failures} |");
    }
}

static async Task<bool> RoundTripAsync(HttpClient http, (string Email, byte[] Secret) account, TimeProvider time)
{
    var created = await http.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest(account.Email, ChallengePurposes.Login));
    if (!created.IsSuccessStatusCode)
    {
        return false;
    }
    var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
    using var keys = new DeviceKeys(account.Secret);
    var answer = Answer.Compute(keys, Purpose.Login, challenge.Question, time.GetUtcNow());
    var verified = await http.PostAsJsonAsync($"/api/v1/challenges/{challenge.ChallengeId}/verify", new VerifyRequest(answer));
    return verified.IsSuccessStatusCode
        && (await verified.Content.ReadFromJsonAsync<VerifyResponse>())?.Result == VerifyResults.Success;
}
