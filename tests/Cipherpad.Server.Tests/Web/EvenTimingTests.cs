using System.Diagnostics;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests.Web;

/// <summary>
/// The pages and the activation API, which take an e-mail address from anyone, answer a post no sooner than
/// <c>Cipherpad:Accounts:AddressPostResponseTime</c> after it arrived, for an address with an account as for one without:
/// the work behind them differs (an account's question sealed for its pads, a recovery link committed to disk, an activation
/// code compared), the time a stranger measures does not.
/// </summary>
public sealed class EvenTimingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(400);

    private static CipherpadFactory Factory() => new(DatabaseProvider.Sqlite, null,
        settings: new Dictionary<string, string> { ["Cipherpad:Accounts:AddressPostResponseTime"] = Wait.ToString() });

    private static async Task<TimeSpan> TimedAsync(Func<Task> post)
    {
        var started = Stopwatch.GetTimestamp();
        await post();
        return Stopwatch.GetElapsedTime(started);
    }

    [Fact]
    public async Task Asking_for_a_question_and_answering_it_take_the_set_time_for_an_account_and_for_no_account()
    {
        using var factory = Factory();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");

        foreach (var email in new[] { "ann@example.com", "nobody@example.com" })
        {
            using var browser = factory.Browser();
            var page = await SignInPage.OpenAsync(browser);
            SignInQuestionPage? question = null;
            var asked = await TimedAsync(async () => question = await page.AskForQuestionAsync(email));
            var answered = await TimedAsync(async () => (await question!.AnswerAsync("1234 5678")).Dispose());

            Assert.True(asked >= Wait, $"{email}: the question came after {asked.TotalMilliseconds:F0} ms");
            Assert.True(answered >= Wait, $"{email}: the wrong answer was refused after {answered.TotalMilliseconds:F0} ms");
        }
    }

    [Fact]
    public void A_server_without_the_floor_warns_at_start_and_one_with_it_does_not()
    {
        var category = typeof(Cipherpad.Server.Web.EvenTiming).FullName!;
        using var withoutFloor = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var withFloor = Factory();

        _ = withoutFloor.Server;
        _ = withFloor.Server;

        var warning = Assert.Single(withoutFloor.ServerLog.Messages(category, Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Contains("Cipherpad:Accounts:AddressPostResponseTime is 0", warning, StringComparison.Ordinal);
        Assert.Empty(withFloor.ServerLog.Messages(category, Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    /// <summary>
    /// A hundred asks sent at once, half for an account and half for no account, as a stranger's burst would be: each is
    /// answered with a question, none sooner than the set time.
    /// </summary>
    [Fact]
    public async Task A_burst_of_asks_is_answered_no_sooner_than_the_set_time_each()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: BurstSettings);
        await AskInABurstAsync(factory);
    }

    /// <summary>The floor, and the limit raised so that a hundred asks from one address are all answered.</summary>
    internal static Dictionary<string, string> BurstSettings => new()
    {
        ["Cipherpad:Accounts:AddressPostResponseTime"] = Wait.ToString(),
        ["Cipherpad:RateLimits:AddressPerMinute"] = "1000",
    };

    internal static async Task AskInABurstAsync(CipherpadFactory factory)
    {
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var browsers = Enumerable.Range(0, 100).Select(_ => factory.Browser()).ToList();
        try
        {
            await AskAllAtOnceAsync(browsers);
        }
        finally
        {
            browsers.ForEach(browser => browser.Dispose());
        }
    }

    private static async Task AskAllAtOnceAsync(List<HttpClient> browsers)
    {
        var pages = await Task.WhenAll(browsers.Select(browser => SignInPage.OpenAsync(browser)));

        var asks = await Task.WhenAll(pages.Select(async (page, i) =>
        {
            var email = i % 2 == 0 ? "ann@example.com" : $"nobody{i}@example.com";
            SignInQuestionPage? question = null;
            var took = await TimedAsync(async () => question = await page.AskForQuestionAsync(email));
            return (email, took, question!.Question);
        }));

        Assert.All(asks, ask =>
        {
            Assert.True(ask.took >= Wait, $"{ask.email}: the question came after {ask.took.TotalMilliseconds:F0} ms");
            Assert.NotEmpty(ask.Question);
        });
    }

    [Fact]
    public async Task The_authorization_page_takes_the_set_time_to_ask_for_a_question()
    {
        using var factory = Factory();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        var client = await OidcClient.RegisterAsync(factory);

        foreach (var email in new[] { "ann@example.com", "nobody@example.com" })
        {
            using var browser = factory.Browser();
            using var opened = await browser.GetAsync(OidcClient.AuthorizeAddress(client.AuthorizationRequest(OidcClient.NewPkce().Challenge)));
            var page = await AuthorizePage.ParseShownAsync(browser, opened);
            var asked = await TimedAsync(async () => Assert.NotNull((await page.AskForQuestionAsync(email)).Question));

            Assert.True(asked >= Wait, $"{email}: the question came after {asked.TotalMilliseconds:F0} ms");
        }
    }

    [Fact]
    public async Task A_pads_activation_with_a_wrong_code_takes_the_set_time_whether_or_not_the_address_has_a_code()
    {
        using var factory = Factory();
        using (var registering = factory.Browser())
        {
            await Journeys.RegisterAndReceiveActivationCodeAsync(factory, registering, "ann@example.com");
        }
        using var api = factory.CreateClient();

        foreach (var email in new[] { "ann@example.com", "nobody@example.com" })
        {
            HttpResponseMessage? refused = null;
            var activating = await TimedAsync(async () => (refused, _) = await Journeys.ActivateAsync(api, email, "000000000000"));

            Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused!.StatusCode);
            Assert.True(activating >= 2 * Wait, $"{email}: the start and the refused finish took {activating.TotalMilliseconds:F0} ms");
        }
    }

    [Fact]
    public async Task Asking_for_a_recovery_link_or_a_new_activation_code_takes_the_set_time_whether_or_not_a_mail_goes()
    {
        using var factory = Factory();
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");

        foreach (var email in new[] { "ann@example.com", "nobody@example.com" })
        {
            using var browser = factory.Browser();
            var recover = await HtmlPage.OpenAsync(browser, "/recover");
            var recovering = await TimedAsync(async () =>
            {
                using var response = await recover.SubmitAsync("Email", new Dictionary<string, string> { ["Email"] = email });
                Assert.True(response.IsSuccessStatusCode);
            });
            var newCode = await NewActivationCodePage.OpenAsync(browser);
            var mailing = await TimedAsync(() => newCode.RequestLinkAsync(email));

            Assert.True(recovering >= Wait, $"{email}: /recover answered after {recovering.TotalMilliseconds:F0} ms");
            Assert.True(mailing >= Wait, $"{email}: {NewActivationCodePage.Path} answered after {mailing.TotalMilliseconds:F0} ms");
        }
    }
}

/// <summary>The burst on PostgreSQL, whose lookups and inserts take their own time and connections.</summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresEvenTimingTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_burst_of_asks_is_answered_no_sooner_than_the_set_time_each()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(),
            settings: EvenTimingTests.BurstSettings);
        await EvenTimingTests.AskInABurstAsync(factory);
    }

    /// <summary>
    /// Posts held back by the floor hold no database connection: with a pool of five, and ten sign-in asks waiting out a
    /// three-second floor, a relying party's question is made at once, not once the first of them is answered.
    /// </summary>
    [Fact]
    public async Task Posts_waiting_out_the_floor_leave_the_connections_to_other_requests()
    {
        var floor = TimeSpan.FromSeconds(3);
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync() + ";Maximum Pool Size=5",
            settings: new Dictionary<string, string>
            {
                ["Cipherpad:Accounts:AddressPostResponseTime"] = floor.ToString(),
                ["Cipherpad:RateLimits:AddressPerMinute"] = "1000",
            });
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        var browsers = Enumerable.Range(0, 10).Select(_ => factory.Browser()).ToList();
        try
        {
            var pages = await Task.WhenAll(browsers.Select(browser => SignInPage.OpenAsync(browser)));
            var asked = Stopwatch.StartNew();
            var asks = pages.Select((page, i) => page.AskForQuestionAsync(i % 2 == 0 ? "ann@example.com" : $"nobody{i}@example.com")).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(700));

            var creating = Stopwatch.StartNew();
            using var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com"));
            var took = creating.Elapsed;

            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            Assert.True(took < TimeSpan.FromSeconds(1.5), $"the question was made after {took.TotalMilliseconds:F0} ms, {asked.ElapsedMilliseconds} ms after the asks");
            Assert.All(await Task.WhenAll(asks), page => Assert.NotEmpty(page.Question));
        }
        finally
        {
            browsers.ForEach(browser => browser.Dispose());
        }
    }
}
