using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Tests.Localization;

/// <summary>
/// Pages, e-mails and SMS in Russian: chosen from the browser's language or the switch on every page, and for mail and
/// SMS from the account's. Every text looked up in Russian while a person goes through the pages is recorded, and a
/// text without a translation fails the test, so a page cannot half speak Russian.
/// </summary>
public sealed class LanguageTests
{
    private static (CipherpadFactory Factory, ConcurrentDictionary<string, byte> Missing) Start()
    {
        var missing = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, services: services =>
        {
            services.RemoveAll<IStringLocalizerFactory>();
            services.AddSingleton<IStringLocalizerFactory>(new RecordingFactory(
                new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance), missing));
        });
        return (factory, missing);
    }

    private static HttpClient RussianBrowser(CipherpadFactory factory)
    {
        var browser = factory.Browser();
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ru-RU");
        return browser;
    }

    private static async Task<HtmlPage> AssertRussianAsync(HttpClient browser, string address)
    {
        var page = await HtmlPage.OpenAsync(browser, address);
        Assert.Equal("ru", page.Document.DocumentElement.GetAttribute("lang"));
        return page;
    }

    [Fact]
    public async Task Every_page_a_person_meets_is_wholly_in_russian_for_a_russian_browser()
    {
        var (factory, missing) = Start();
        using var _ = factory;
        var pad = await Journeys.RegisterAndActivateAsync(factory, "anna@example.com", sms: true);
        using var browser = RussianBrowser(factory);

        foreach (var address in new[] { "/", "/signin", "/register", "/recover", "/support", "/activation/new-code" })
        {
            await AssertRussianAsync(browser, address);
        }
        var register = await RegisterPage.OpenAsync(browser);
        using var refused = await register.SubmitAsync("", new Dictionary<string, string> { ["SecurityAnswer"] = "blue" });
        var refusedPage = await HtmlPage.FromAsync(browser, refused);
        Assert.Contains("Введите имя.", refusedPage.Problems);
        Assert.Contains("Введите адрес e-mail.", refusedPage.Problems);
        using (var notFound = new HttpRequestMessage(HttpMethod.Get, "/login"))
        {
            notFound.Headers.Accept.ParseAdd("text/html");
            using var response = await browser.SendAsync(notFound);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("Страница не найдена", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var question = await Journeys.StartSignInAsync(browser, "anna@example.com");
        using (var malformed = await question.AnswerAsync("12"))
        {
            Assert.Contains("Эта попытка не засчитана", (await HtmlPage.FromAsync(browser, malformed)).Text, StringComparison.Ordinal);
        }
        using (var wrong = await question.AnswerAsync(WrongAnswer(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, question.Question))))
        {
            Assert.Contains("Неверный ответ.", (await HtmlPage.FromAsync(browser, wrong)).Text, StringComparison.Ordinal);
        }
        using (var signedIn = await question.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, question.Question)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }
        foreach (var (address, _) in Server.Pages.AccountPage.Sections)
        {
            await AssertRussianAsync(browser, address);
        }
        var confirm = await Journeys.ChangeAccountAsync(factory, browser, "/account/confirm-all", "", [], deviceSecret: null);
        Assert.Equal("ru", confirm.Document.DocumentElement.GetAttribute("lang"));
        var account = await AssertRussianAsync(browser, "/account");
        Assert.Contains("Здравствуйте, Ann", account.Heading, StringComparison.Ordinal);

        Assert.True(missing.IsEmpty, "texts without a Russian translation: " + string.Join(" | ", missing.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task The_switch_remembers_the_choice_goes_back_only_within_the_site_and_sets_the_accounts_language()
    {
        var (factory, _) = Start();
        using var __ = factory;
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        var english = await HtmlPage.OpenAsync(browser, "/account/devices");
        Assert.Equal("en", english.Document.DocumentElement.GetAttribute("lang"));

        using var switched = await english.SwitchLanguageAsync("ru");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/account/devices", switched.Headers.Location!.OriginalString);
        var russian = await HtmlPage.OpenAsync(browser, "/account/devices");
        Assert.Equal("ru", russian.Document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Шифроблокноты", russian.Heading);
        Assert.Equal("ru", await LanguageOfAsync(factory, "ann@example.com"));

        using var elsewhere = await russian.SwitchLanguageAsync("en", "https://evil.example/");
        Assert.Equal("/", elsewhere.Headers.Location!.OriginalString);
        Assert.Equal("en", await LanguageOfAsync(factory, "ann@example.com"));
        using var unknown = await russian.SwitchLanguageAsync("xx", "//evil.example/");
        Assert.Equal("/", unknown.Headers.Location!.OriginalString);
        Assert.Equal("en", await LanguageOfAsync(factory, "ann@example.com"));
        Assert.Equal("en", (await HtmlPage.OpenAsync(browser, "/account")).Document.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task Mail_and_sms_follow_the_accounts_language_even_when_the_request_that_sends_them_has_none()
    {
        var (factory, _) = Start();
        using var __ = factory;
        using var russian = RussianBrowser(factory);
        using var registered = await Journeys.SubmitRegistrationAsync(russian, "anna@example.com");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal("Подтвердите e-mail для Cipherpad", Journeys.LatestEmailTo(factory, "anna@example.com").Subject);
        // The rest of the way in an English browser: what was sent follows the account, not the page.
        using var english = factory.Browser();
        Assert.True((await (await Journeys.ConfirmEmailAsync(factory, english, "anna@example.com")).ChooseMethodsAsync(app: true, sms: false)).CodeSent);
        var code = Journeys.LatestActivationCode(factory);
        Assert.StartsWith("Код активации Cipherpad:", Journeys.SmsTexts(factory).Last(), StringComparison.Ordinal);
        // The pad's API call carries no language: the mail about the new pad is in the account's.
        var (activated, _) = await Journeys.ActivateAsync(factory.CreateClient(), "anna@example.com", code);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var mail = Journeys.LatestEmailTo(factory, "anna@example.com");
        Assert.StartsWith("Cipherpad: Для вашей учётной записи активирован новый шифроблокнот", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Здравствуйте, Ann!", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("О каждом изменении безопасности", mail.TextBody, StringComparison.Ordinal);

        var englishPad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        Assert.NotNull(englishPad);
        Assert.StartsWith("Cipherpad: A new cipher pad", Journeys.LatestEmailTo(factory, "ann@example.com").Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_a_page_can_show_has_a_russian_translation()
    {
        string[] apiOnly =
        [
            nameof(Problems.Errors.InvalidRequest), nameof(Problems.Errors.RequestBodyMissing), nameof(Problems.Errors.RequestBodyNotJson),
            nameof(Problems.Errors.WrongJsonType), nameof(Problems.Errors.TooLongForCipherPad), nameof(Problems.Errors.Unauthorized),
            nameof(Problems.Errors.UnknownChallenge), nameof(Problems.Errors.UnknownMethod), nameof(Problems.Errors.PadUnauthorized),
            nameof(Problems.Errors.PaymentDetailsDiffer), nameof(Problems.Errors.InvalidPublicKey),
        ];
        var translations = Translations.Russian();
        var payment = Core.Payments.PaymentDetails.Create("Shop", "1.00", "EUR");
        var untranslated = new List<string>();
        foreach (var method in typeof(Problems.Errors).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => !apiOnly.Contains(m.Name)))
        {
            var arguments = method.GetParameters().Select(p => p.ParameterType switch
            {
                var t when t == typeof(string) => "x",
                var t when t == typeof(int) => 1,
                var t when t == typeof(TimeSpan) => TimeSpan.FromMinutes(1),
                var t when t == typeof(Core.Payments.Currency) => payment.Currency,
                var t => (object?)Activator.CreateInstance(t),
            }).ToArray();
            var error = (Problems.CipherpadError)method.Invoke(null, arguments)!;
            if (!translations.ContainsKey(error.Text.Format))
            {
                untranslated.Add($"{method.Name}: {error.Text.Format}");
            }
        }

        Assert.Empty(untranslated);
    }

    [Fact]
    public void Every_translation_keeps_the_placeholders_of_its_english_and_every_page_text_has_one()
    {
        var translations = Translations.Russian();
        Assert.All(translations, pair => Assert.Equal(Translations.Placeholders(pair.Key), Translations.Placeholders(pair.Value)));

        var server = Path.Combine(Repository.Root, "src", "Cipherpad.Server");
        var pages = Directory.GetFiles(Path.Combine(server, "Pages"), "*.cshtml", SearchOption.AllDirectories)
            .Append(Path.Combine(server, "Web", "HtmlProblemPages.cs"));
        var used = pages.SelectMany(file => Translations.LiteralKeys(File.ReadAllText(file)))
            .Concat(ScriptTexts.In(new KeysOnly()).Keys)
            .Distinct(StringComparer.Ordinal).ToList();
        Assert.True(used.Count > 150, $"only {used.Count} page texts were found; the pattern that finds them may have broken");
        Assert.DoesNotContain(used, key => !translations.ContainsKey(key));
    }

    private static string WrongAnswer(string right) => string.Concat(right.Select(c => c == '9' ? '0' : (char)(c + 1)));

    private static async Task<string?> LanguageOfAsync(CipherpadFactory factory, string email)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        return await db.Accounts.Where(a => a.Email == email).Select(a => a.Language).SingleAsync();
    }

    /// <summary>Records each text looked up in Russian that has no Russian translation.</summary>
    private sealed class RecordingFactory(IStringLocalizerFactory inner, ConcurrentDictionary<string, byte> missing) : IStringLocalizerFactory
    {
        public IStringLocalizer Create(Type resourceSource) => new Recording(inner.Create(resourceSource), missing);

        public IStringLocalizer Create(string baseName, string location) => new Recording(inner.Create(baseName, location), missing);
    }

    private sealed class Recording(IStringLocalizer inner, ConcurrentDictionary<string, byte> missing) : IStringLocalizer
    {
        public LocalizedString this[string name] => Record(inner[name]);

        public LocalizedString this[string name, params object[] arguments] => Record(inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

        private LocalizedString Record(LocalizedString text)
        {
            if (text.ResourceNotFound && CultureInfo.CurrentUICulture.Name.StartsWith("ru", StringComparison.Ordinal))
            {
                missing.TryAdd(text.Name, 0);
            }
            return text;
        }
    }

    /// <summary>Answers every lookup with its key: for listing the keys a piece of code asks for.</summary>
    private sealed class KeysOnly : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, name);

        public LocalizedString this[string name, params object[] arguments] => new(name, name);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
