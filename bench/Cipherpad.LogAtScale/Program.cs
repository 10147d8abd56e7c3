// The authorization log at scale: seeds a throwaway PostgreSQL with many millions of log entries, most spread over many
// accounts and a share in one account under attack, then times what its owner does with the personal account's log page:
// pages, filters and the CSV export, medians and p99 over repeated requests. One command, bounded by --rows, loopback only.
//
//   dotnet run -c Release --project bench/Cipherpad.LogAtScale -- [--rows 50000000] [--accounts 100000] [--heavy-share 0.1] [--repeat 30]
using System.Diagnostics;
using System.Globalization;
using Cipherpad.Server;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// The in-process host finds its content root through a manifest beside this program.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.EntityFrameworkCore", "None");
var rows = Option("--rows", 50_000_000L);
var accounts = Option("--accounts", 100_000L);
var heavyShare = Option("--heavy-share", 0.1);
var repeat = (int)Option("--repeat", 30L);
if (rows < 1_000 || accounts < 1 || heavyShare is <= 0 or >= 1 || repeat < 3)
{
    Console.Error.WriteLine("Usage: --rows N (at least 1000) --accounts N --heavy-share 0..1 --repeat N (at least 3)");
    return 2;
}

await using var postgres = new PostgresServer();
await postgres.InitializeAsync();
using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
var pad = await Journeys.RegisterAndActivateAsync(factory, "heavy@example.com");
var typicalPad = await Journeys.RegisterAndActivateAsync(factory, "typical@example.com");
Guid heavy, typical;
await using (var scope = factory.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
    heavy = await db.Accounts.Where(a => a.Email == "heavy@example.com").Select(a => a.Id).SingleAsync();
    typical = await db.Accounts.Where(a => a.Email == "typical@example.com").Select(a => a.Id).SingleAsync();
}

// Seeding: entries over the last 365 days, one in heavyShare for the heavy account (mostly wrong answers from many
// addresses, as an attack leaves), the rest spread over the other accounts, the typical one among them.
var now = factory.Time.GetUtcNow();
var span = TimeSpan.FromDays(365).Ticks;
var seeding = Stopwatch.StartNew();
const long Chunk = 1_000_000;
await using (var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString))
{
    await connection.OpenAsync();
    for (long first = 1; first <= rows; first += Chunk)
    {
        var last = Math.Min(rows, first + Chunk - 1);
        await using var insert = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO "AuthorizationLog" ("AccountId", "At", "Result", "Method", "Purpose", "RelyingParty", "Ip", "Detail")
            SELECT CASE WHEN g % @heavyEvery = 0 THEN @heavy
                        WHEN g % @accounts = 1 THEN @typical
                        ELSE md5('account ' || (g % @accounts))::uuid END,
                   @start + (g * @step),
                   (ARRAY['success','wrong','wrong','throttled','locked','success','expired'])[1 + (g % 7)],
                   (ARRAY['app','sms','push'])[1 + (g % 3)],
                   (ARRAY['login','login','action','payment'])[1 + (g % 4)],
                   'Shop ' || (g % 50),
                   '198.18.' || ((g / 256) % 256) || '.' || (g % 256),
                   CASE WHEN g % 4 = 3 THEN 'Pay ' || (g % 1000) || '.00 EUR to Shop ' || (g % 50) END
            FROM generate_series(@first, @last) AS g
            """, connection);
        insert.CommandTimeout = 0;
        insert.Parameters.AddWithValue("heavyEvery", (long)Math.Round(1 / heavyShare));
        insert.Parameters.AddWithValue("heavy", heavy);
        insert.Parameters.AddWithValue("typical", typical);
        insert.Parameters.AddWithValue("accounts", accounts);
        insert.Parameters.AddWithValue("start", now.UtcTicks - span);
        insert.Parameters.AddWithValue("step", span / rows);
        insert.Parameters.AddWithValue("first", first);
        insert.Parameters.AddWithValue("last", last);
        await insert.ExecuteNonQueryAsync();
        Console.Error.Write($"\rseeded {last:N0} of {rows:N0} entries in {seeding.Elapsed.TotalSeconds:0} s   ");
    }
    Console.Error.WriteLine();
    await using var analyze = new Npgsql.NpgsqlCommand("""VACUUM ANALYZE "AuthorizationLog" """, connection) { CommandTimeout = 0 };
    await analyze.ExecuteNonQueryAsync();
}
var seeded = seeding.Elapsed;

using var heavyBrowser = factory.Browser();
await Journeys.SignInAsync(factory, heavyBrowser, "heavy@example.com", pad);
using var typicalBrowser = factory.Browser();
await Journeys.SignInAsync(factory, typicalBrowser, "typical@example.com", typicalPad);
var middle = now.AddDays(-180).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
var results = new List<(string What, double Median, double P99, string Note)>();

async Task TimeAsync(string what, HttpClient browser, string path)
{
    var times = new List<double>();
    long bytes = 0;
    for (var i = 0; i < repeat + 2; i++)
    {
        var clock = Stopwatch.StartNew();
        using var response = await browser.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        bytes = 0;
        var buffer = new byte[64 * 1024];
        for (int read; (read = await body.ReadAsync(buffer)) > 0;)
        {
            bytes += read;
        }
        if (i >= 2) // two warm-ups
        {
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
    }
    times.Sort();
    results.Add((what, times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.99) - 1], $"{bytes:N0} bytes"));
    Console.Error.WriteLine($"{what}: median {times[times.Count / 2]:0.0} ms");
}

await TimeAsync("typical account: first page", typicalBrowser, "/account/log");
await TimeAsync("heavy account: first page", heavyBrowser, "/account/log");
await TimeAsync("heavy account: page 2,000", heavyBrowser, "/account/log?page=2000");
await TimeAsync("heavy account: last counted page (4,000)", heavyBrowser, "/account/log?page=4000");
await TimeAsync("heavy account: result = locked", heavyBrowser, "/account/log?result=locked");
await TimeAsync("heavy account: method = push, relying party = Shop 7", heavyBrowser, "/account/log?method=push&rp=Shop%207");
await TimeAsync("heavy account: one day, half a year back", heavyBrowser, $"/account/log?from={middle}&to={middle}");
await TimeAsync("heavy account: CSV of one day, half a year back", heavyBrowser, $"/account/log?handler=Csv&from={middle}&to={middle}");

// The whole heavy log as CSV, once: its time, size and what the server process held meanwhile.
var before = Process.GetCurrentProcess().PeakWorkingSet64;
var whole = Stopwatch.StartNew();
long csvBytes = 0;
using (var response = await heavyBrowser.GetAsync("/account/log?handler=Csv", HttpCompletionOption.ResponseHeadersRead))
{
    await using var body = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[64 * 1024];
    for (int read; (read = await body.ReadAsync(buffer)) > 0;)
    {
        csvBytes += read;
    }
}
var wholeTime = whole.Elapsed;
var peak = Process.GetCurrentProcess().PeakWorkingSet64;

// The query shapes the page used before it was bounded, timed on the same data: a count of every matching entry, an
// offset into them, and the distinct values of the whole log.
var old = new List<(string What, double Ms)>();
await using (var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString))
{
    await connection.OpenAsync();
    async Task OldAsync(string what, string sql)
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("heavy", heavy);
            var clock = Stopwatch.StartNew();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                }
            }
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        old.Add((what, times[2]));
    }
    await OldAsync("count of every entry", """SELECT count(*) FROM "AuthorizationLog" WHERE "AccountId" = @heavy""");
    await OldAsync("page 20,000 by offset", """SELECT * FROM "AuthorizationLog" WHERE "AccountId" = @heavy ORDER BY "At" DESC, "Id" DESC OFFSET 499975 LIMIT 25""");
    await OldAsync("distinct results of the whole log", """SELECT DISTINCT "Result" FROM "AuthorizationLog" WHERE "AccountId" = @heavy""");
}

var heavyRows = rows / (long)Math.Round(1 / heavyShare);
Console.WriteLine($"{rows:N0} entries over {accounts:N0} accounts, {heavyRows:N0} of them in the heavy account; seeded in {seeded.TotalMinutes:0.0} min");
Console.WriteLine();
Console.WriteLine("| request | median ms | p99 ms | response |");
Console.WriteLine("|---|---:|---:|---|");
foreach (var (what, median, p99, note) in results)
{
    Console.WriteLine($"| {what} | {median:0.0} | {p99:0.0} | {note} |");
}
Console.WriteLine($"| heavy account: the whole log as CSV (once) | {wholeTime.TotalMilliseconds:N0} | | {csvBytes:N0} bytes; peak working set {before / 1048576:N0} → {peak / 1048576:N0} MiB |");
Console.WriteLine();
Console.WriteLine("| the unbounded query the page ran before, on the heavy account | median of 5, ms |");
Console.WriteLine("|---|---:|");
foreach (var (what, ms) in old)
{
    Console.WriteLine($"| {what} | {ms:N0} |");
}
return 0;

T Option<T>(string name, T fallback) where T : IParsable<T>
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? T.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
