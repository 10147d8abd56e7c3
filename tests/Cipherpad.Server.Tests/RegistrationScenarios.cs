using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// The human check and address squatting, on each database: a solution must be right, signed by the server, in time and
/// unused; one solution registers at most one account however many requests carry it; an address whose registration was
/// never confirmed is free again once its link has expired.
/// </summary>
public abstract class RegistrationScenarios
{
    private static readonly TimeSpan ConfirmationLifetime = new AccountOptions().EmailConfirmationLifetime;

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private static async Task<string?> HumanCheckErrorAsync(HttpResponseMessage response)
    {
        var match = Regex.Match(await response.Content.ReadAsStringAsync(), "id=\"HumanCheck-error\">([^<]*)<");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private static async Task<int> AccountCountAsync(CipherpadFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.CountAsync();
    }

    [Fact]
    public async Task A_wrong_number_is_refused_and_the_page_brings_a_new_check()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var page = await browser.GetStringAsync("/register");
        var (algorithm, challenge, maxNumber, salt, signature) = Journeys.HumanCheckOn(page);
        var right = Journeys.FindHumanCheckNumber(salt, challenge, maxNumber)!.Value;

        var refused = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com",
            humanCheck: Journeys.HumanCheckSolution(algorithm, challenge, right + 1, salt, signature));

        Assert.Equal(Errors.HumanCheckFailed().Description, await HumanCheckErrorAsync(refused));
        var next = Journeys.HumanCheckOn(await refused.Content.ReadAsStringAsync());
        Assert.NotEqual(challenge, next.Challenge);
        Assert.NotNull(Journeys.FindHumanCheckNumber(next.Salt, next.Challenge, next.MaxNumber));
        Assert.Equal(0, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task A_challenge_not_signed_by_this_server_or_with_an_altered_expiry_is_refused()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        // A challenge a bot made up, solved, and signed with its own key.
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "?expires=" + factory.Time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds() + "&";
        var challenge = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + "7")));
        var ownSignature = Convert.ToHexStringLower(HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.UTF8.GetBytes(challenge)));
        var forged = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com",
            humanCheck: Journeys.HumanCheckSolution(HumanCheck.Algorithm, challenge, 7, salt, ownSignature));
        // A real solution whose salt now says it expires in a year.
        var page = await browser.GetStringAsync("/register");
        var real = Journeys.HumanCheckOn(page);
        var number = Journeys.FindHumanCheckNumber(real.Salt, real.Challenge, real.MaxNumber)!.Value;
        var extendedSalt = real.Salt[..real.Salt.IndexOf('?', StringComparison.Ordinal)] + "?expires=" + factory.Time.GetUtcNow().AddYears(1).ToUnixTimeSeconds() + "&";
        var extended = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com",
            humanCheck: Journeys.HumanCheckSolution(real.Algorithm, real.Challenge, number, extendedSalt, real.Signature));

        Assert.Equal(Errors.HumanCheckFailed().Description, await HumanCheckErrorAsync(forged));
        Assert.Equal(Errors.HumanCheckFailed().Description, await HumanCheckErrorAsync(extended));
        Assert.Equal(0, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task Digits_of_the_number_cannot_be_moved_into_the_salt_to_stretch_the_expiry()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        (string Algorithm, string Challenge, int MaxNumber, string Salt, string Signature) real;
        string digits;
        do
        {
            real = Journeys.HumanCheckOn(await browser.GetStringAsync("/register"));
            digits = Journeys.FindHumanCheckNumber(real.Salt, real.Challenge, real.MaxNumber)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (digits.Length < 2 || digits[1] == '0');

        // Salt and number joined are the same text, so the hash and the signature still fit; were the salt not closed by
        // its '&', the first digit of the number would extend the expiry tenfold.
        var spliced = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: Journeys.HumanCheckSolution(real.Algorithm,
            real.Challenge, long.Parse(digits[1..], System.Globalization.CultureInfo.InvariantCulture), real.Salt + digits[0], real.Signature));

        Assert.Equal(Errors.HumanCheckFailed().Description, await HumanCheckErrorAsync(spliced));
        Assert.Equal(0, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task A_solution_sent_after_its_challenge_expired_is_refused()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var solution = Journeys.SolveHumanCheck(await browser.GetStringAsync("/register"));
        factory.Time.Offset += new HumanCheckOptions().Lifetime + TimeSpan.FromSeconds(1);

        var refused = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: solution);

        Assert.Equal(Errors.HumanCheckExpired().Description, await HumanCheckErrorAsync(refused));
        Assert.Equal(0, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task A_solution_counts_once_whether_its_form_was_accepted_or_refused()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var solution = Journeys.SolveHumanCheck(await browser.GetStringAsync("/register"));
        var first = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: solution);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var probe = Journeys.SolveHumanCheck(await browser.GetStringAsync("/register"));
        var addressTaken = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: probe);
        Assert.Contains("already exists", await addressTaken.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = await Journeys.SubmitRegistrationAsync(browser, "bob@example.com", humanCheck: solution);
        var probeAgain = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: probe);

        Assert.Equal(Errors.HumanCheckUsed().Description, await HumanCheckErrorAsync(again));
        Assert.Equal(Errors.HumanCheckUsed().Description, await HumanCheckErrorAsync(probeAgain));
        Assert.Equal(1, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task A_form_sent_without_the_check_says_that_it_needs_JavaScript()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();

        var refused = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: "");

        Assert.Equal(Errors.HumanCheckMissing().Description, await HumanCheckErrorAsync(refused));
        Assert.Contains("<noscript>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task Twenty_registrations_at_once_with_one_solution_create_one_account()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        var solution = Journeys.SolveHumanCheck(await browser.GetStringAsync("/register"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Journeys.SubmitRegistrationAsync(browser, $"squatter{i}@example.com", humanCheck: solution)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Redirect))
        {
            Assert.Equal(Errors.HumanCheckUsed().Description, await HumanCheckErrorAsync(refused));
        }
        Assert.Equal(1, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task An_unconfirmed_registration_frees_its_address_when_its_link_expires_and_that_link_stays_dead()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await Journeys.SubmitRegistrationAsync(browser, "ann@example.com")).StatusCode);
        var squattersLink = Journeys.ConfirmationLink(Journeys.LatestEmailTo(factory, "ann@example.com").TextBody ?? "");
        factory.Time.Offset += ConfirmationLifetime - TimeSpan.FromMinutes(1);
        var stillHeld = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com");
        Assert.Contains("already exists", await stillHeld.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        factory.Time.Offset += TimeSpan.FromMinutes(2);
        var owners = await Journeys.SubmitRegistrationAsync(browser, "ann@example.com", phone: "+49 171 7654321");

        Assert.Equal(HttpStatusCode.Redirect, owners.StatusCode);
        var ownersLink = Journeys.ConfirmationLink(Journeys.LatestEmailTo(factory, "ann@example.com").TextBody ?? "");
        Assert.NotEqual(squattersLink, ownersLink);
        Assert.Contains("This link does not work", await browser.GetStringAsync(squattersLink), StringComparison.Ordinal);
        Assert.Contains("Your e-mail is confirmed", await browser.GetStringAsync(ownersLink), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var account = await db.Accounts.SingleAsync();
        Assert.Equal(("+491717654321", true), (account.Phone, account.EmailConfirmedAt is not null));
        Assert.Equal(1, await db.EmailConfirmations.CountAsync());
    }
    [Fact]
    public async Task Registrations_of_a_freed_address_at_once_create_one_account()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await Journeys.SubmitRegistrationAsync(browser, "ann@example.com")).StatusCode);
        factory.Time.Offset += ConfirmationLifetime + TimeSpan.FromMinutes(1);
        var solutions = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            solutions.Add(Journeys.SolveHumanCheck(await browser.GetStringAsync("/register")));
        }

        var responses = await Task.WhenAll(solutions.Select(solution => Journeys.SubmitRegistrationAsync(browser, "ann@example.com", humanCheck: solution)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Redirect))
        {
            Assert.Contains("already exists", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(1, await AccountCountAsync(factory));
    }

    [Fact]
    public async Task An_address_with_capitals_inside_and_outside_ascii_activates_with_a_pad_that_follows_the_protocol()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        const string Typed = " Ärger.Ann@Example.COM";
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(factory, browser, Typed.Trim());

        // Core's client binds the address as docs/protocol.md §6 says: white space trimmed, A–Z lowercased, Ä kept.
        var (activated, pad) = await Journeys.ActivateAsync(factory.CreateClient(), Typed, code);

        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal("Ärger.ann@example.com", (await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.SingleAsync()).Email);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "Ärger.ANN@example.com", pad!));
    }

    [Fact]
    public async Task An_account_stored_with_every_letter_lowercased_by_an_earlier_version_is_still_found_however_it_is_typed()
    {
        using var factory = await CreateFactoryAsync();
        using var browser = factory.Browser();
        using var registered = await Journeys.SubmitRegistrationAsync(browser, "Ärger@example.com");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // As versions before ASCII-only lowercasing stored it.
            await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.Email, "ärger@example.com"));
        }
        var chosen = await (await Journeys.ConfirmEmailAsync(factory, browser, "ärger@example.com")).ChooseMethodsAsync(app: true, sms: false);
        Assert.True(chosen.CodeSent, "the page says the activation code was sent");

        var (activated, pad) = await Journeys.ActivateAsync(factory.CreateClient(), "Ärger@example.com", Journeys.LatestActivationCode(factory));
        using var again = await Journeys.SubmitRegistrationAsync(factory.Browser(), "ÄRGER@example.com");

        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "Ärger@example.com", pad!));
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ärger@example.com", pad!));
        Assert.NotEqual(HttpStatusCode.Redirect, again.StatusCode); // the address is taken, in whichever case its Ä is typed
        Assert.Equal(1, await AccountCountAsync(factory));
    }
}

public sealed class SqliteRegistrationScenarios : RegistrationScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresRegistrationScenarios(PostgresServer postgres) : RegistrationScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
