using Microsoft.Playwright;

namespace Cipherpad.Testing.Pages;

/// <summary>The phone cipher pad (<c>/pad/</c>) in a browser page, driven as a person uses it.</summary>
public sealed class PhonePad(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>A new page at phone size (390×844, touch) opened at the pad.</summary>
    public static async Task<PhonePad> OpenAsync(IBrowserContext context, Uri server)
    {
        ArgumentNullException.ThrowIfNull(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server, "/pad/").ToString());
        return new PhonePad(page);
    }

    /// <summary>A browser context the size of a phone.</summary>
    public static Task<IBrowserContext> PhoneContextAsync(IBrowser browser, params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(browser);
        return browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Permissions = permissions,
        });
    }

    /// <summary>The same phone for a browser with a profile of its own.</summary>
    public static BrowserTypeLaunchPersistentContextOptions PhoneContextOptions() => new()
    {
        ViewportSize = new() { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    public ILocator Message => Page.Locator("#message");

    public ILocator Heading => Page.Locator("main > section:not([hidden]) h1");

    public async Task CreatePinAsync(string pin, int eraseAfter = 5)
    {
        await Assertions.Expect(Heading).ToHaveTextAsync("Set up your cipher pad");
        await Page.FillAsync("#new-pin", pin);
        await Page.FillAsync("#new-pin-again", pin);
        await Page.SelectOptionAsync("#erase-after", eraseAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.ClickAsync("#create-pin button[type=submit]");
    }

    public async Task ActivateAsync(string email, string code, string name = "Phone")
    {
        await Assertions.Expect(Heading).ToHaveTextAsync("Activate an account");
        await Page.FillAsync("#activate-email", email);
        await Page.FillAsync("#activate-code", code);
        await Page.FillAsync("#activate-name", name);
        await Page.ClickAsync("#activate-form button[type=submit]");
    }

    /// <summary>Types <paramref name="pin"/> on the unlock screen's keypad where it can (digits), else into the field.</summary>
    public async Task UnlockAsync(string pin)
    {
        await Assertions.Expect(Heading).ToHaveTextAsync("Enter your PIN");
        await Page.FillAsync("#pin", pin);
        await Page.ClickAsync("#unlock-form button[type=submit]");
    }

    /// <summary>Chooses <paramref name="mode"/> (login, action, payment), types the question and reads the answer's digits.</summary>
    public async Task<string> AnswerAsync(string mode, string question, (string Payee, string Amount, string Currency)? payment = null, string? pin = null)
    {
        await Page.ClickAsync($"[data-mode={mode}]");
        await Page.FillAsync("#question", question);
        if (payment is { } details)
        {
            await Page.FillAsync("#payee", details.Payee);
            await Page.FillAsync("#amount", details.Amount);
            await Page.FillAsync("#currency", details.Currency);
        }
        if (pin is not null)
        {
            await Page.FillAsync("#question-pin", pin);
        }
        await Page.ClickAsync("#question-form button[type=submit]");
        return await ShownAnswerAsync();
    }

    /// <summary>The digits on the answer screen (groups joined).</summary>
    public async Task<string> ShownAnswerAsync()
    {
        await Assertions.Expect(Heading).ToHaveTextAsync("Your answer");
        return (await Page.InnerTextAsync("#answer")).Replace(" ", "", StringComparison.Ordinal);
    }

    /// <summary>Turns on "approve requests" in the settings; the pad says <paramref name="said"/> and goes back home.</summary>
    public async Task TurnOnApprovalAsync(string said)
    {
        await Page.ClickAsync("[data-go=settings]");
        await Page.CheckAsync("#settings-approve");
        await Page.ClickAsync("#settings-form button[type=submit]");
        await Assertions.Expect(Message).ToHaveTextAsync(said);
        await Page.ClickAsync("#screen-settings [data-go=home]");
    }

    public async Task DoneAsync() => await Page.ClickAsync("#screen-answer button[data-go=home]");
}
