using Cipherpad.Server.Accounts;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Tests.Accounts;

namespace Cipherpad.Server.Tests.AnswerMethods.Sms;

/// <summary>
/// The limits of SMS answers kept by <see cref="SmsAnswers"/>: five a UTC day per account for logins and actions, three an
/// hour per account and relying party.
/// </summary>
public sealed class SmsQuotaTests : WithAnAccount
{
    private const int DailyLimit = 5;

    private SmsAnswers Sms => Service<SmsAnswers>();

    /// <summary>Stops the clock one second before midnight UTC.</summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Time.Stop();
        var now = Time.GetUtcNow();
        Time.Offset = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now - TimeSpan.FromSeconds(1);
    }

    private async Task<bool> TakeOneAsync(Guid accountId, Guid? relyingPartyId = null) =>
        await Sms.TryReserveAsync(accountId, relyingPartyId ?? Guid.NewGuid(), daily: true, default) is null;

    /// <summary>Login SMS, each for a relying party of its own, so only the daily limit can refuse them.</summary>
    private async Task<List<bool>> TakeAsync(Guid accountId, int times)
    {
        var taken = new List<bool>();
        for (var i = 0; i < times; i++)
        {
            taken.Add(await TakeOneAsync(accountId));
        }
        return taken;
    }

    [Fact]
    public async Task An_account_gets_the_daily_limit_of_SMS_answers_and_no_more()
    {
        Assert.Equal(DailyLimit, await Sms.LeftTodayAsync(Ann.Id, default));

        var taken = await TakeAsync(Ann.Id, DailyLimit + 2);

        Assert.Equal([true, true, true, true, true, false, false], taken);
        Assert.Equal(0, await Sms.LeftTodayAsync(Ann.Id, default));
    }

    [Fact]
    public async Task The_limit_starts_again_at_midnight_UTC()
    {
        await TakeAsync(Ann.Id, DailyLimit);
        Assert.Equal(23, Time.GetUtcNow().Hour);
        Assert.False(await TakeOneAsync(Ann.Id));

        Time.Offset += TimeSpan.FromSeconds(1);

        Assert.Equal(TimeSpan.Zero, Time.GetUtcNow().TimeOfDay);
        Assert.Equal(DailyLimit, await Sms.LeftTodayAsync(Ann.Id, default));
        Assert.Equal([true, true, true, true, true, false], await TakeAsync(Ann.Id, DailyLimit + 1));
    }

    [Fact]
    public async Task What_is_left_today_counts_down_with_each_SMS()
    {
        await TakeAsync(Ann.Id, 2);

        Assert.Equal(DailyLimit - 2, await Sms.LeftTodayAsync(Ann.Id, default));
    }

    [Fact]
    public async Task A_relying_party_gets_three_an_hour_and_another_still_gets_its_own()
    {
        var shop = Guid.NewGuid();
        var bank = Guid.NewGuid();

        var byShop = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            byShop.Add(await TakeOneAsync(Ann.Id, shop));
        }

        Assert.Equal([true, true, true, false], byShop);
        Assert.True(await TakeOneAsync(Ann.Id, bank));
    }

    [Fact]
    public async Task Each_account_has_its_own_limit()
    {
        var bob = new Account
        {
            FirstName = "Bob", LastName = "Lee", Email = "bob@example.com", Phone = "+491701234568",
            SecurityQuestion = "First pet?", SecurityAnswerHash = "unused",
        };
        var db = Service<CipherpadDbContext>();
        db.Accounts.Add(bob);
        await db.SaveChangesAsync();

        await TakeAsync(Ann.Id, DailyLimit);

        Assert.Equal(DailyLimit, await Sms.LeftTodayAsync(bob.Id, default));
        Assert.True(await TakeOneAsync(bob.Id));
    }
}
