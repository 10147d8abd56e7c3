using System.Net;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>The authorization log page: filters, paging, CSV, append-only, one's own only.</summary>
public abstract class LogScenarios
{
    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    /// <summary>Ann: 27 successful logins at Demo Shop, 3 wrong answers at Other Shop, plus her activation and sign-in.</summary>
    internal static async Task<(CipherpadFactory Factory, byte[] Secret)> AnnWithHistoryAsync(Func<Task<CipherpadFactory>> create)
    {
        var factory = await create();
        var secret = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var demo = await Journeys.RelyingPartyClientAsync(factory, "Demo Shop");
        using var other = await Journeys.RelyingPartyClientAsync(factory, "Other Shop");
        for (var i = 0; i < 27; i++)
        {
            Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, demo, "ann@example.com", secret));
        }
        for (var i = 0; i < 3; i++)
        {
            var challenge = await other.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
            await other.VerifyAsync(challenge.ChallengeId, new VerifyRequest("0000 0000", UserIp: "203.0.113.9"));
        }
        return (factory, secret);
    }

    private static int Count(HtmlPage page) => int.Parse(page.TextOf("#count")!, System.Globalization.CultureInfo.InvariantCulture);

    private static int Rows(HtmlPage page) => page.Document.QuerySelectorAll("#log tr").Count(row => row.QuerySelector("td") is not null);

    private static IEnumerable<string> Results(HtmlPage page) =>
        page.Document.QuerySelectorAll("#log tr td:nth-child(2)").Select(cell => cell.TextContent);

    [Fact]
    public async Task The_log_is_newest_first_paged_and_filtered()
    {
        var (factory, secret) = await AnnWithHistoryAsync(CreateFactoryAsync);
        using (factory)
        {
            using var browser = factory.Browser();
            await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);

            var first = await HtmlPage.OpenAsync(browser, "/account/log");
            var second = await HtmlPage.OpenAsync(browser, "/account/log?page=2");
            var wrong = await HtmlPage.OpenAsync(browser, "/account/log?result=wrong");
            var other = await HtmlPage.OpenAsync(browser, "/account/log?rp=Other%20Shop");
            var app = await HtmlPage.OpenAsync(browser, "/account/log?method=activation");
            var today = factory.Time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var tomorrow = factory.Time.GetUtcNow().AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var todayOnly = await HtmlPage.OpenAsync(browser, $"/account/log?from={today}&to={today}");
            var future = await HtmlPage.OpenAsync(browser, $"/account/log?from={tomorrow}");

            Assert.Equal(32, Count(first)); // activation, 27 + 3 at the shops, the sign-in
            Assert.Equal(25, Rows(first));
            Assert.Equal(7, Rows(second));
            Assert.NotNull(first.Document.GetElementById("older"));
            Assert.Contains("success", Results(first));
            Assert.Equal(3, Count(wrong));
            Assert.Equal(3, Count(other));
            Assert.Contains("203.0.113.9", other.Text, StringComparison.Ordinal);
            Assert.Equal(1, Count(app));
            Assert.Equal(32, Count(todayOnly));
            Assert.Equal(0, Count(future));
            Assert.Contains("must be a date", await browser.GetStringAsync("/account/log?from=yesterday"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_log_downloads_as_CSV_with_the_same_filters()
    {
        var (factory, secret) = await AnnWithHistoryAsync(CreateFactoryAsync);
        using (factory)
        {
            using var browser = factory.Browser();
            await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);

            var response = await browser.GetAsync("/account/log?handler=Csv&result=wrong");
            var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("time_utc,result,method,purpose,relying_party,ip,device,details", lines[0]);
            Assert.Equal(4, lines.Length);
            Assert.All(lines[1..], line => Assert.Contains(",wrong,app,login,Other Shop,203.0.113.9,", line, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_log_cannot_be_edited_or_deleted_and_shows_only_ones_own_entries()
    {
        var (factory, secret) = await AnnWithHistoryAsync(CreateFactoryAsync);
        using (factory)
        {
            var bobSecret = await Journeys.RegisterAndActivateAsync(factory, "bob@example.com");
            using var bob = factory.Browser();
            await Journeys.SignInAsync(factory, bob, "bob@example.com", bobSecret);
            var page = await HtmlPage.OpenAsync(bob, "/account/log");
            var csv = await bob.GetStringAsync("/account/log?handler=Csv");
            var before = await CountAllAsync(factory);

            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
            {
                var response = await bob.SendAsync(new HttpRequestMessage(method, "/account/log"));
                Assert.True(response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
                    $"{method} /account/log answered {response.StatusCode}");
            }

            Assert.Equal(2, Count(page)); // his activation and sign-in
            Assert.DoesNotContain("Demo Shop", page.Source, StringComparison.Ordinal);
            Assert.DoesNotContain("Other Shop", csv, StringComparison.Ordinal);
            Assert.Equal(before, await CountAllAsync(factory));
            _ = secret;
        }
    }

    [Fact]
    public async Task A_log_longer_than_a_page_counts_shows_a_plus_pages_from_the_newest_and_downloads_every_entry()
    {
        var (factory, secret) = await AnnWithHistoryAsync(CreateFactoryAsync);
        using (factory)
        {
            // An account under attack: 100,010 old wrong answers behind her 32 entries, added in one statement.
            const int Flood = Server.AuthorizationLog.AuthorizationLogReader.CountedEntries + 10;
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
                var accountId = await db.Accounts.Where(a => a.Email == "ann@example.com").Select(a => a.Id).SingleAsync();
                await db.ExecuteAsync(
                    """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @flood)
                    INSERT INTO "AuthorizationLog" ("AccountId", "At", "Result", "Method", "Purpose", "RelyingParty", "Ip")
                    SELECT @accountId, @oldest + CAST(i AS BIGINT) * 10000000, 'wrong', 'app', 'login', 'Flood Shop', '198.51.100.66' FROM n
                    """, new { flood = Flood, accountId, oldest = factory.Time.GetUtcNow().AddDays(-30).UtcTicks }, CancellationToken.None);
            }
            using var browser = factory.Browser();
            await Journeys.SignInAsync(factory, browser, "ann@example.com", secret);

            var first = await HtmlPage.OpenAsync(browser, "/account/log");
            var last = await HtmlPage.OpenAsync(browser, "/account/log?page=1000000");
            var recent = await HtmlPage.OpenAsync(browser, $"/account/log?from={factory.Time.GetUtcNow():yyyy-MM-dd}");
            // A filter looks at the newest 100,000 entries of the chosen dates and no further: the + says older ones were not read.
            var flood = await HtmlPage.OpenAsync(browser, "/account/log?rp=Flood%20Shop");
            var nobody = await HtmlPage.OpenAsync(browser, "/account/log?rp=Nobody");
            var floodDays = await HtmlPage.OpenAsync(browser,
                $"/account/log?rp=Flood%20Shop&from={factory.Time.GetUtcNow().AddDays(-31):yyyy-MM-dd}&to={factory.Time.GetUtcNow().AddDays(-28):yyyy-MM-dd}");
            using var csv = await browser.GetAsync("/account/log?handler=Csv", HttpCompletionOption.ResponseHeadersRead);
            var lines = 0;
            using (var reader = new StreamReader(await csv.Content.ReadAsStreamAsync()))
            {
                while (await reader.ReadLineAsync() is not null)
                {
                    lines++;
                }
            }

            Assert.Contains("100000+ entries", first.Text, StringComparison.Ordinal);
            Assert.Contains("page 1 of 4000+", first.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Flood Shop", string.Join(" ", Results(first)), StringComparison.Ordinal);
            Assert.Contains("page 4000 of 4000+", last.Text, StringComparison.Ordinal);
            Assert.Equal(25, Rows(last));
            Assert.Equal(32, Count(recent)); // hers, none of the flood's
            Assert.Contains("99968+ entries", flood.Text, StringComparison.Ordinal); // the newest 100,000 hold her 32 and 99,968 of the flood
            Assert.Contains("0+ entries", nobody.Text, StringComparison.Ordinal);
            Assert.Contains("100000+ entries", floodDays.Text, StringComparison.Ordinal);
            Assert.Equal(1 + Flood + 32, lines);
        }
    }

    private static async Task<int> CountAllAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().AuthorizationLog.CountAsync();
    }
}

public sealed class SqliteLogScenarios : LogScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresLogScenarios(PostgresServer postgres) : LogScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
