using System.Diagnostics;
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

    /// <summary>
    /// The wait ends when its time is up, not a fixed time after the work: work of 0.1 and 0.6 ms before a 20 ms wait end
    /// alike, where a timer set for what is left would end them about half a millisecond apart.
    /// </summary>
    [Fact]
    public async Task The_wait_ends_when_its_time_is_up_however_long_the_work_before_it_took()
    {
        var duration = TimeSpan.FromMilliseconds(20);
        var (shortWork, longWork) = (new List<double>(), new List<double>());
        for (var i = 0; i < 40; i++)
        {
            foreach (var (work, ends) in new[] { (0.1, shortWork), (0.6, longWork) })
            {
                var started = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < work)
                {
                }
                await Cipherpad.Server.Web.EvenTiming.WaitUntilAsync(started, duration, default);
                ends.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Assert.True(shortWork.Min() >= duration.TotalMilliseconds && longWork.Min() >= duration.TotalMilliseconds);
        Assert.True(Math.Abs(Median(shortWork) - Median(longWork)) < 0.2,
            $"medians {Median(shortWork):F3} ms after 0.1 ms of work, {Median(longWork):F3} ms after 0.6 ms");
    }

    /// <summary>
    /// Waits released by the thread of their own, given in any order: a late one first, and earlier ones while the thread
    /// sleeps towards it, which must wake it. Each ends at its own time and none before it, whether many end together or
    /// apart.
    /// </summary>
    [Fact(Timeout = 30_000)]
    public async Task Waits_given_in_any_order_end_each_at_its_own_time_and_none_before_it()
    {
        // A test process's pool starts with as many threads as cores, and the test runner holds some of them; the server's
        // are free. Without more, what follows each wait could queue for half a second for a new thread.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
        var started = Stopwatch.GetTimestamp();
        var durations = new[] { 300, 60, 200, 60, 5, 120 }.Select(ms => TimeSpan.FromMilliseconds(ms))
            .Concat(Enumerable.Range(0, 300).Select(i => TimeSpan.FromMilliseconds(100 + i % 7 * 0.3)))
            .ToList();

        // On the thread pool, as the server's requests run, with no synchronization context to return to.
        Task<TimeSpan> WaitAsync(TimeSpan duration) => Task.Run(async () =>
        {
            await Cipherpad.Server.Web.EvenTiming.WaitUntilAsync(started, duration, default);
            return Stopwatch.GetElapsedTime(started);
        });
        var first = WaitAsync(durations[0]);
        await Task.Delay(TimeSpan.FromMilliseconds(3)); // the thread now sleeps towards the first wait's end
        var ended = await Task.WhenAll([first, .. durations.Skip(1).Select(WaitAsync)]);
        ThreadPool.SetMinThreads(workers, completions);

        Assert.All(durations.Zip(ended), pair => Assert.True(pair.Second >= pair.First,
            $"a wait of {pair.First.TotalMilliseconds} ms ended after {pair.Second.TotalMilliseconds:F3} ms"));
        var lateness = durations.Zip(ended, (duration, end) => (end - duration).TotalMilliseconds).Order().ToList();
        Assert.True(lateness[lateness.Count / 2] < 50, $"the median wait ended {lateness[lateness.Count / 2]:F3} ms late");
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
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:Accounts:AddressPostResponseTime"] = Wait.ToString(),
            ["Cipherpad:RateLimits:AddressPerMinute"] = "1000",
        });
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
