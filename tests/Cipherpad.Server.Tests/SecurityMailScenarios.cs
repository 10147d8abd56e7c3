using Cipherpad.Server.Accounts;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>
/// Every change to an account's security is mailed to its owner, and the owner cannot switch that off: each test
/// first turns every notification off, as an intruder would before making the change.
/// </summary>
public abstract class SecurityMailScenarios
{
    private const string AlwaysMailed = "Every change to your account's security is mailed to you; this cannot be turned off.";

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    /// <summary>Ann, signed in, with every notification she can choose turned off.</summary>
    private static async Task<(HttpClient Browser, byte[] Pad)> AnnWithNotificationsOffAsync(CipherpadFactory factory, bool sms = false)
    {
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com", sms);
        var browser = factory.Browser();
        await Journeys.SignInAsync(factory, browser, "ann@example.com", pad);
        var off = await Journeys.ChangeAccountAsync(factory, browser, "/account/notifications", "", [], pad);
        Assert.Contains("Done: Mail me no notifications", off.Text, StringComparison.Ordinal);
        return (browser, pad);
    }

    private static void AssertMailed(CipherpadFactory factory, string to, string subject)
    {
        var mail = Journeys.LatestEmailTo(factory, to);
        Assert.Equal(subject, mail.Subject);
        Assert.Contains(AlwaysMailed, mail.TextBody, StringComparison.Ordinal);
    }

    private static async Task<HttpClient> ChangeAsync(CipherpadFactory factory, string page, string handler, Dictionary<string, string> fields,
        bool sms = false)
    {
        var (browser, pad) = await AnnWithNotificationsOffAsync(factory, sms);
        var done = await Journeys.ChangeAccountAsync(factory, browser, page, handler, fields, pad);
        Assert.Contains("Done:", done.Text, StringComparison.Ordinal);
        return browser;
    }

    [Fact]
    public async Task Changing_the_methods_is_mailed()
    {
        using var factory = await CreateFactoryAsync();
        using var _ = await ChangeAsync(factory, "/account/methods", "", new() { ["app"] = "true" }, sms: true);

        AssertMailed(factory, "ann@example.com", "Cipherpad: Confirmed with your cipher pad: Confirm with: the cipher pad.");
    }

    [Fact]
    public async Task Changing_the_security_question_is_mailed()
    {
        using var factory = await CreateFactoryAsync();
        using var _ = await ChangeAsync(factory, "/account/security-question", "",
            new() { ["Question"] = "First concert?", ["Answer"] = "Dire Straits in Leipzig" });

        AssertMailed(factory, "ann@example.com", "Cipherpad: Confirmed with your cipher pad: Change the security question and answer.");
    }

    [Fact]
    public async Task Turning_confirm_all_operations_off_is_mailed()
    {
        using var factory = await CreateFactoryAsync();
        var (browser, pad) = await AnnWithNotificationsOffAsync(factory);
        using var _ = browser;
        await Journeys.ChangeAccountAsync(factory, browser, "/account/confirm-all", "", [], pad);

        var off = await Journeys.ChangeAccountAsync(factory, browser, "/account/confirm-all", "", [], pad);

        Assert.Contains("Done: Turn off confirm-all-operations", off.Text, StringComparison.Ordinal);
        AssertMailed(factory, "ann@example.com", "Cipherpad: Confirmed with your cipher pad: Turn off confirm-all-operations.");
    }

    [Fact]
    public async Task Adding_a_pad_is_mailed_when_its_code_is_sent_and_when_it_is_activated()
    {
        using var factory = await CreateFactoryAsync();
        using var _ = await ChangeAsync(factory, "/account/devices", "Add", []);

        AssertMailed(factory, "ann@example.com", "Cipherpad: Confirmed with your cipher pad: Send an activation code for a new cipher pad.");
        var (_, laptop) = await Journeys.ActivateAsync(factory.CreateClient(), "ann@example.com", Journeys.LatestActivationCode(factory), "laptop");
        Assert.NotNull(laptop);
        AssertMailed(factory, "ann@example.com", "Cipherpad: A new cipher pad, \"laptop\", was activated for your account.");
    }

    [Fact]
    public async Task Revoking_a_pad_is_mailed()
    {
        using var factory = await CreateFactoryAsync();
        var (browser, pad) = await AnnWithNotificationsOffAsync(factory);
        using var _ = browser;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var account = await scope.ServiceProvider.GetRequiredService<AccountDirectory>().FindAsync("ann@example.com", default);
            var device = Assert.Single(await scope.ServiceProvider.GetRequiredService<Devices.DeviceRegistry>().ActiveAsync(account!.Id, default));
            await Journeys.ChangeAccountAsync(factory, browser, "/account/devices", "Revoke", new() { ["DeviceId"] = device.Id.ToString() }, pad);
        }

        AssertMailed(factory, "ann@example.com", "Cipherpad: Confirmed with your cipher pad: Revoke cipher pad \"test pad\".");
    }

    [Fact]
    public async Task A_recovery_is_mailed()
    {
        using var factory = await CreateFactoryAsync();
        var (browser, _) = await AnnWithNotificationsOffAsync(factory);
        browser.Dispose();
        using var stranger = factory.Browser();
        Assert.Contains("Your old cipher pads no longer work", await Recovery.RecoverAsync(factory, stranger, "ann@example.com", "Grandma's blue teapot"),
            StringComparison.Ordinal);

        AssertMailed(factory, "ann@example.com",
            "Cipherpad: Your account was recovered: every cipher pad was revoked, a new activation code was sent by SMS, and it answers with the cipher pad.");
    }

    [Fact]
    public async Task An_administrators_change_of_the_phone_is_mailed()
    {
        using var factory = await CreateFactoryAsync();
        (await AnnWithNotificationsOffAsync(factory)).Browser.Dispose();

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SupportRequests>().ChangePhoneAsync("ann@example.com", "+49 171 7654321", "support 1", default));
        }

        AssertMailed(factory, "ann@example.com", $"Cipherpad: The phone number of your account was changed from {AccountRules.MaskPhone("+491701234567")} " +
            $"to {AccountRules.MaskPhone("+491717654321")}.");
    }

    [Fact]
    public async Task An_administrators_change_of_the_email_is_mailed_to_the_new_and_the_old_address()
    {
        using var factory = await CreateFactoryAsync();
        (await AnnWithNotificationsOffAsync(factory)).Browser.Dispose();

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SupportRequests>().ChangeEmailAsync("ann@example.com", "ann@example.net", "support 2", default));
        }

        const string Subject = "Cipherpad: The e-mail address of your account was changed from ann@example.com to ann@example.net.";
        AssertMailed(factory, "ann@example.net", Subject);
        AssertMailed(factory, "ann@example.com", Subject);
    }
}

public sealed class SqliteSecurityMailScenarios : SecurityMailScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresSecurityMailScenarios(PostgresServer postgres) : SecurityMailScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}
