using Cipherpad.Server.Challenges;
using Cipherpad.Testing;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests.Pages;

/// <summary>
/// Every page as a person sees it, on a phone (360 px, the narrowest common screen) and on a desktop (1280 px): nothing
/// wider than the screen, no element cut off at its edge, no serious or critical accessibility violation found by axe.
/// A screenshot of each is written to the test's output, and to <c>docs/screenshots/</c> when
/// <c>CIPHERPAD_UPDATE_SCREENSHOTS=1</c>.
/// </summary>
public sealed class PageDesignTests() : BrowserTests(new CipherpadFactory(DatabaseProvider.Sqlite, null))
{
    private static readonly int[] Widths = [360, 1280];

    private static readonly string[] SignedInPages =
    [
        "/account", "/account/devices", "/account/methods", "/account/log", "/account/notifications", "/account/aliases", "/account/passkeys", "/account/vault",
        "/account/security-question", "/account/confirm-all",
    ];

    [Fact]
    public async Task Every_page_fits_a_phone_and_a_desktop_and_passes_the_accessibility_check()
    {
        var secret = await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        var findings = new List<string>();
        foreach (var width in Widths)
        {
            await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 } });
            var page = await context.NewPageAsync();
            foreach (var (name, path) in new[]
            {
                ("home", "/"), ("register", "/register"), ("sign-in", "/signin"), ("recover", "/recover"),
                ("new-activation-code", "/activation/new-code"), ("support", "/support"), ("not-found", "/login"), ("signed-out", "/?signed-out"),
            })
            {
                await page.GotoAsync(Address(path));
                await CheckAsync(page, $"{name}-{width}", findings);
            }

            await SignInAsync(page, secret, questionPage => CheckAsync(questionPage, $"sign-in-question-{width}", findings));

            foreach (var path in SignedInPages)
            {
                await page.GotoAsync(Address(path));
                await CheckAsync(page, $"account{path["/account".Length..].Replace('/', '-')}-{width}", findings);
            }
        }
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public async Task Russian_pages_with_their_longer_words_fit_a_phone_and_the_switch_turns_them_english()
    {
        var secret = await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        var findings = new List<string>();
        await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 800 }, Locale = "ru-RU" });
        var page = await context.NewPageAsync();
        foreach (var (name, path) in new[] { ("register", "/register"), ("sign-in", "/signin"), ("recover", "/recover"), ("support", "/support") })
        {
            await page.GotoAsync(Address(path));
            await CheckAsync(page, $"ru-{name}-360", findings);
        }
        await SignInAsync(page, secret, async questionPage =>
        {
            await Assertions.Expect(questionPage.Locator("#countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Осталось времени на ответ: [0-3]:\d\d$"));
            await CheckAsync(questionPage, "ru-sign-in-question-360", findings);
        });
        foreach (var path in new[] { "/account", "/account/devices", "/account/log", "/account/notifications" })
        {
            await page.GotoAsync(Address(path));
            await CheckAsync(page, $"ru-account{path["/account".Length..].Replace('/', '-')}-360", findings);
        }
        Assert.True(findings.Count == 0, string.Join("\n", findings));

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("E-mail notifications");
    }

    [Fact]
    public async Task A_mistyped_address_is_a_page_for_a_browser_and_problem_details_for_the_api()
    {
        var page = await Browser.NewPageAsync();
        var response = await page.GotoAsync(Address("/login"));
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");
        await Assertions.Expect(page.Locator("a[href='/signin']").First).ToBeVisibleAsync();

        using var api = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nothing");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"); // as a browser asks
        using var apiResponse = await api.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, apiResponse.StatusCode);
        Assert.Equal("application/problem+json", apiResponse.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Signing_out_says_so_and_every_account_page_links_to_every_other()
    {
        var secret = await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        var page = await Browser.NewPageAsync();
        await SignInAsync(page, secret);

        foreach (var path in SignedInPages)
        {
            await page.GotoAsync(Address(path));
            var links = await page.Locator("nav.account-nav a").EvaluateAllAsync<string[]>("links => links.map(l => l.getAttribute('href'))");
            Assert.Equal(SignedInPages, links);
            Assert.Equal(path, await page.Locator("nav.account-nav a[aria-current=page]").GetAttributeAsync("href"));
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-out")).ToHaveTextAsync("You are signed out. To sign in again you need your cipher pad.");
        await page.GotoAsync(Address("/account"));
        Assert.EndsWith("/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_question_counts_down_to_its_expiry_and_copies_with_one_click()
    {
        await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        await using var context = await Browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = ServerAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();
        await page.GotoAsync(Address("/signin"));
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");

        await Assertions.Expect(page.Locator("#countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Time left to answer: [0-3]:\d\d$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the question" }).ClickAsync();
        Assert.Equal(await page.InnerTextAsync("#question"), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await page.Clock.RunForAsync((long)new ChallengeOptions().Lifetime.TotalMilliseconds + 1_000);
        await Assertions.Expect(page.Locator("#countdown")).ToHaveTextAsync("This question has expired. Ask for a new one.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ask for a new one" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Email")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_registration_form_shows_every_problem_beside_its_field_keeps_what_was_typed_and_links_a_taken_address_to_recovery()
    {
        await Journeys.RegisterAndActivateAsync(Factory, "ann@example.com");
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(Address("/register"));
        await page.FillAsync("#FirstName", "Ann");
        await page.FillAsync("#Email", "ann@example.com");
        await Assertions.Expect(page.Locator("#human-check-status")).ToHaveTextAsync("Checked: you are a person. You can send the form.",
            new() { Timeout = 60_000 });
        await page.ClickAsync("main button[type=submit]");

        foreach (var field in new[] { "LastName", "Phone", "SecurityQuestion", "SecurityAnswer" })
        {
            await Assertions.Expect(page.Locator($"#{field}-error")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator($"#{field}")).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(page.Locator($"#{field}")).ToHaveAttributeAsync("aria-describedby", $"{field}-error");
        }
        await Assertions.Expect(page.Locator("#FirstName")).ToHaveValueAsync("Ann");
        await Assertions.Expect(page.Locator("#FirstName")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await page.FillAsync("#LastName", "Example");
        await page.FillAsync("#Phone", "+49 170 1234567");
        await page.FillAsync("#SecurityQuestion", "What was on my grandmother's shelf?");
        await page.FillAsync("#SecurityAnswer", "a blue teapot with a chip");
        await Assertions.Expect(page.Locator("#human-check-status")).ToHaveTextAsync("Checked: you are a person. You can send the form.",
            new() { Timeout = 60_000 });
        await page.ClickAsync("main button[type=submit]");
        await page.Locator("#Email-error").GetByRole(AriaRole.Link, new() { Name = "Recover your account" }).ClickAsync();
        Assert.EndsWith("/recover", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    /// <summary>Signs Ann in on <paramref name="page"/>, looking at the question page with <paramref name="onQuestion"/> before answering.</summary>
    private async Task SignInAsync(IPage page, byte[] secret, Func<IPage, Task>? onQuestion = null)
    {
        await page.GotoAsync(Address("/signin"));
        await page.FillAsync("#Email", "ann@example.com");
        await page.ClickAsync("main button[type=submit]");
        if (onQuestion is not null)
        {
            await onQuestion(page);
        }
        await page.FillAsync("#Answer", Journeys.AnswerWith(Factory, secret, Core.Answers.Purpose.Login, await page.InnerTextAsync("#question")));
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("#greeting")).ToBeVisibleAsync();
    }

    private string Address(string path) => new Uri(ServerAddress, path).ToString();

    private static async Task CheckAsync(IPage page, string name, List<string> findings)
    {
        var width = page.ViewportSize!.Width;
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        if (scrollWidth > width)
        {
            findings.Add($"{name}: the page is {scrollWidth} px wide on a {width} px screen");
        }
        // An element reaching past either edge of the screen, unless it is inside a box that scrolls or clips it on purpose,
        // or is kept off-screen for screen readers until focused.
        var cutOff = await page.EvaluateAsync<string[]>("""
            () => [...document.body.querySelectorAll('*')].filter(element => {
                const box = element.getBoundingClientRect();
                if (box.width === 0 || (box.right <= window.innerWidth + 1 && box.left >= -1)) return false;
                for (let parent = element; parent && parent !== document.body; parent = parent.parentElement) {
                    const style = getComputedStyle(parent);
                    if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && parent !== element) return false;
                    if (parent.classList.contains('hidden') || parent.classList.contains('skip-link')) return false;
                }
                return true;
            }).map(element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + ' "' + element.textContent.trim().slice(0, 40) + '"')
            """);
        findings.AddRange(cutOff.Select(element => $"{name}: {element} reaches past the edge of the screen"));
        var axe = await page.RunAxe();
        findings.AddRange(axe.Violations.Where(violation => violation.Impact is "serious" or "critical")
            .Select(violation => $"{name}: axe {violation.Impact} {violation.Id}: {violation.Help} ({string.Join(", ", violation.Nodes.Select(node => node.Target?.ToString()).Take(3))})"));
        await SaveScreenshotAsync(page, name);
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(output);
        var file = Path.Combine(output, name + ".png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        if (Environment.GetEnvironmentVariable("CIPHERPAD_UPDATE_SCREENSHOTS") == "1")
        {
            var stored = Path.Combine(Repository.Root, "docs", "screenshots");
            Directory.CreateDirectory(stored);
            File.Copy(file, Path.Combine(stored, name + ".png"), overwrite: true);
        }
    }
}
