using Cipherpad.Core.Answers;
using Cipherpad.Testing;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests;

/// <summary>
/// A person in a real browser (Chromium, driven by Playwright): register, confirm the e-mail, choose methods,
/// activate a cipher pad with the SMS code, sign in to the personal account.
/// </summary>
// The human check at its default difficulty: the browser really does the work a person's browser does.
public sealed class BrowserJourneyTests() : BrowserTests(new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
{
    ["Cipherpad:Accounts:HumanCheck:MaxNumber"] = new Server.Accounts.HumanCheckOptions().MaxNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
}))
{
    private static async Task FillRegistrationAsync(IPage page, string firstName, string email, string phone, string question, string answer)
    {
        await page.FillAsync("#FirstName", firstName);
        await page.FillAsync("#LastName", "Example");
        await page.FillAsync("#Email", email);
        await page.FillAsync("#Phone", phone);
        await page.FillAsync("#SecurityQuestion", question);
        await page.FillAsync("#SecurityAnswer", answer);
    }

    /// <summary>
    /// What the browser reports breaking the Content-Security-Policy: an inline script or style it refused, which a
    /// person would see as a page without its script or its look.
    /// </summary>
    private static List<string> RecordPolicyViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add(message.Text);
            }
        };
        return violations;
    }

    [Fact]
    public async Task A_person_registers_activates_and_signs_in_in_a_browser()
    {
        await using var phone = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } }); // a phone's screen
        var page = await phone.NewPageAsync();
        var violations = RecordPolicyViolations(page);
        await page.GotoAsync(new Uri(ServerAddress, "/register").ToString());
        await FillRegistrationAsync(page, "Ann", "ann@example.com", "+49 170 1234567", "What was on my grandmother's shelf?", "a blue teapot with a chip");
        await Assertions.Expect(page.Locator("#human-check-status")).ToHaveTextAsync("Checked: you are a person. You can send the form.",
            new() { Timeout = 60_000 });
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your e-mail");

        var link = Journeys.ConfirmationLink(Journeys.LatestEmailTo(Factory, "ann@example.com").TextBody ?? "");
        await page.GotoAsync(new Uri(ServerAddress, link).ToString());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your e-mail is confirmed");
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Activation code sent");
        await Assertions.Expect(page.Locator("#pad-address")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("/pad/$"));

        // The phone pad, beside the page: a PIN, then the e-mail and the code from the SMS.
        var pad = await Testing.Pages.PhonePad.OpenAsync(phone, ServerAddress);
        await pad.CreatePinAsync("270394");
        await pad.ActivateAsync("ann@example.com", Journeys.LatestActivationCode(Factory));
        await Assertions.Expect(pad.Message).ToHaveTextAsync("Activated: ann@example.com answers from this pad now.");

        await page.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");
        await page.FillAsync("#Answer", await pad.AnswerAsync("login", await page.InnerTextAsync("#question")));
        await page.ClickAsync("main button[type=submit]");

        await Assertions.Expect(page.Locator("#greeting")).ToHaveTextAsync("Hello, Ann");
        await Assertions.Expect(page.Locator("table").Last).ToContainTextAsync("success");
        await page.GotoAsync(new Uri(ServerAddress, "/account/devices").ToString());
        await Assertions.Expect(page.Locator("#devices")).ToContainTextAsync("phone");
        // The stylesheet applies under the policy: the content keeps its width and the revoke button its colour.
        Assert.Equal("1152px", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('main')).maxWidth"));
        Assert.Equal("rgb(176, 0, 32)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('button.danger')).backgroundColor"));
        Assert.Empty(violations);
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "personal-account.png"), FullPage = true });
    }

    [Fact]
    public async Task A_person_who_sends_the_form_before_the_human_check_is_done_is_registered_once_it_is()
    {
        var page = await Browser.NewPageAsync();
        // Holds every hash of the check back until the test lets it go, so the button is surely pressed before the check is done.
        await page.AddInitScriptAsync("""
            const digest = crypto.subtle.digest.bind(crypto.subtle);
            const held = new Promise((resolve) => { window.letTheCheckGoOn = resolve; });
            crypto.subtle.digest = (...args) => held.then(() => digest(...args));
            """);
        await page.GotoAsync(new Uri(ServerAddress, "/register").ToString());
        await FillRegistrationAsync(page, "Bob", "bob@example.com", "+49 170 7654321", "Where did I lose my first kite?", "behind the old water tower");
        await page.ClickAsync("main button[type=submit]");

        await Assertions.Expect(page.Locator("#human-check-status")).ToHaveTextAsync(
            "Checking you are a person… 0% The form is sent as soon as the check is done.");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create an account");
        await page.EvaluateAsync("() => window.letTheCheckGoOn()");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your e-mail", new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task Without_JavaScript_the_register_page_says_that_the_human_check_needs_it()
    {
        await using var context = await Browser.NewContextAsync(new() { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(ServerAddress, "/register").ToString());

        await Assertions.Expect(page.Locator("#human-check-noscript")).ToContainTextAsync("This form needs JavaScript");
        await Assertions.Expect(page.Locator("#human-check-status")).ToBeHiddenAsync();
        await FillRegistrationAsync(page, "Ann", "ann@example.com", "+49 170 1234567", "What was on my grandmother's shelf?", "a blue teapot with a chip");
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("#HumanCheck-error")).ToContainTextAsync("This form needs JavaScript");
        await Assertions.Expect(page.Locator("#FirstName")).ToHaveValueAsync("Ann");
    }

    [Fact]
    public async Task A_wrong_answer_in_the_browser_says_how_many_attempts_are_left()
    {
        await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");
        await page.FillAsync("#Answer", "0000 0000");
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("#answer-error")).ToHaveTextAsync("Wrong answer. 4 attempt(s) left for this question.");
    }

    [Fact]
    public async Task A_person_who_lost_the_phone_recovers_in_a_browser()
    {
        var oldPhone = await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var violations = RecordPolicyViolations(page);
        await page.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await page.ClickAsync("text=Recover your account");
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("#link-sent")).ToBeVisibleAsync();

        var link = System.Text.RegularExpressions.Regex.Match(Journeys.LatestEmailTo(Factory, "ann@example.com").TextBody!, @"/recover/confirm\?token=[\w-]+").Value;
        await page.GotoAsync(new Uri(ServerAddress, link).ToString());
        await Assertions.Expect(page.Locator("#security-question")).ToHaveTextAsync("What was on my grandmother's shelf?");
        await page.FillAsync("#Answer", "grandma's blue teapot");
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("#recovered")).ToContainTextAsync("Your old cipher pads no longer work");

        using var api = Factory.CreateClient();
        var (_, newPhone) = await Journeys.ActivateAsync(api, "ann@example.com", Journeys.LatestActivationCode(Factory), "new phone");
        await page.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");
        var question = await page.InnerTextAsync("#question");
        using (var oldKeys = new DeviceKeys(oldPhone))
        {
            await page.FillAsync("#Answer", Answer.Compute(oldKeys, Purpose.Login, question, Factory.Time.GetUtcNow()));
            await page.ClickAsync("main button[type=submit]");
            await Assertions.Expect(page.Locator("#answer-error")).ToContainTextAsync("Wrong answer");
        }
        using var newKeys = new DeviceKeys(newPhone!);
        await page.FillAsync("#Answer", Answer.Compute(newKeys, Purpose.Login, question, Factory.Time.GetUtcNow()));
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("#greeting")).ToHaveTextAsync("Hello, Ann");
        await page.GotoAsync(new Uri(ServerAddress, "/account/devices").ToString());
        await Assertions.Expect(page.Locator("#devices")).ToContainTextAsync("revoked");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_log_filters_work_in_a_browser_without_JavaScript()
    {
        var (_, secret) = await LogScenarios.AnnWithHistoryAsync(() => Task.FromResult(Factory));
        await using var context = await Browser.NewContextAsync(new() { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(ServerAddress, "/signin").ToString());
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");
        using var keys = new DeviceKeys(secret);
        await page.FillAsync("#Answer", Answer.Compute(keys, Purpose.Login, await page.InnerTextAsync("#question"), Factory.Time.GetUtcNow()));
        await page.ClickAsync("main button[type=submit]");

        await page.GotoAsync(new Uri(ServerAddress, "/account/log").ToString());
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("32");
        await page.SelectOptionAsync("#result", "wrong");
        await page.ClickAsync("#filters button[type=submit]");
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("3");
        Assert.All(await page.Locator("#log tr td:nth-child(2)").AllInnerTextsAsync(), result => Assert.Equal("wrong", result));
        await page.SelectOptionAsync("#result", "");
        await page.SelectOptionAsync("#rp", "Demo Shop");
        await page.ClickAsync("#filters button[type=submit]");
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("27");
        await page.ClickAsync("#older");
        await Assertions.Expect(page.Locator("#log tr")).ToHaveCountAsync(3); // header and the last two of 27
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Equal(28, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
