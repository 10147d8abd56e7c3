using System.Security.Cryptography;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Tests.Accounts.Changes;

/// <summary>
/// <see cref="AccountChanges"/> with Ann's cipher pad on a stopped clock: a change waits for the pad's action answer to
/// its question, is applied once, and never after its question expired or with a wrong answer.
/// </summary>
public sealed class AccountChangesTests : WithAnAccount
{
    private const string Source = "192.0.2.7";
    private readonly byte[] _pad = RandomNumberGenerator.GetBytes(DeviceKeys.SecretLength);

    private AccountChanges Changes => Service<AccountChanges>();

    private CipherpadDbContext Db => Service<CipherpadDbContext>();

    /// <summary>Ann has activated a pad and chosen it as her method.</summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Time.Stop();
        var device = new Device { AccountId = Ann.Id, Name = "phone", SecretProtected = [], ActivatedAt = Time.GetUtcNow() };
        device.SecretProtected = Service<DeviceRegistry>().ProtectSecret(device.Id, _pad);
        Db.Devices.Add(device);
        Ann.MethodsChosenAt = Time.GetUtcNow();
        await Service<AccountMethods>().SetAsync(Ann.Id, [CipherPadMethod.MethodName], default);
        await Db.SaveChangesAsync();
    }

    /// <summary>Asks to turn on "confirm all operations"; returns the change and its question.</summary>
    private async Task<(PendingAccountChange Change, string Question)> RequestAsync()
    {
        var change = await Changes.RequestAsync(Ann.Id, new ConfirmAllOperationsChange(On: true), "Turn on confirm-all-operations", default);
        Assert.NotNull(change);
        var question = await Db.Challenges.AsNoTracking().Where(c => c.Id == change.ChallengeId).Select(c => c.Question).SingleAsync();
        return (change, question);
    }

    private string PadAnswers(string question, Purpose purpose = Purpose.Action)
    {
        using var keys = new DeviceKeys(_pad);
        return Answer.Compute(keys, purpose, question, Time.GetUtcNow());
    }

    private Task<ChangeConfirmation> ConfirmAsync(PendingAccountChange change, string answer) =>
        Changes.ConfirmAsync(Ann.Id, change.Id, answer, Source, null, default);

    private Task<bool> ConfirmsAllOperationsAsync() => Db.Accounts.AsNoTracking().Where(a => a.Id == Ann.Id).Select(a => a.ConfirmAllOperations).SingleAsync();

    private Task<DateTimeOffset?> AppliedAtAsync(PendingAccountChange change) =>
        Db.PendingAccountChanges.AsNoTracking().Where(c => c.Id == change.Id).Select(c => c.AppliedAt).SingleAsync();

    [Fact]
    public async Task A_change_waits_for_the_answer_and_the_right_one_applies_it()
    {
        var (change, question) = await RequestAsync();
        Assert.False(await ConfirmsAllOperationsAsync());

        var confirmed = await ConfirmAsync(change, PadAnswers(question));

        Assert.Equal(VerifyResult.Success, confirmed.Result);
        Assert.True(await ConfirmsAllOperationsAsync());
        Assert.Equal(Time.GetUtcNow(), await AppliedAtAsync(change));
    }

    [Fact]
    public async Task A_change_is_applied_once_however_often_its_answer_is_sent()
    {
        var (change, question) = await RequestAsync();
        var answer = PadAnswers(question);
        Assert.Equal(VerifyResult.Success, (await ConfirmAsync(change, answer)).Result);
        await Db.Accounts.Where(a => a.Id == Ann.Id).ExecuteUpdateAsync(a => a.SetProperty(x => x.ConfirmAllOperations, false)); // Ann turns it off again

        var again = await ConfirmAsync(change, answer);

        Assert.Equal(VerifyResult.AlreadyUsed, again.Result);
        Assert.False(await ConfirmsAllOperationsAsync());
    }

    [Fact]
    public async Task A_change_whose_question_expired_cannot_be_applied()
    {
        var (change, question) = await RequestAsync();
        var answer = PadAnswers(question); // in time on the pad, typed too late
        Time.Offset += new ChallengeOptions().Lifetime + TimeSpan.FromSeconds(1);

        var late = await ConfirmAsync(change, answer);
        var lateButFresh = await ConfirmAsync(change, PadAnswers(question));

        Assert.Equal(VerifyResult.Expired, late.Result);
        Assert.Equal(VerifyResult.Expired, lateButFresh.Result);
        Assert.False(await ConfirmsAllOperationsAsync());
        Assert.Null(await AppliedAtAsync(change));
    }

    [Fact]
    public async Task A_change_answered_just_before_its_question_expires_is_applied()
    {
        var (change, question) = await RequestAsync();
        Time.Offset += new ChallengeOptions().Lifetime - TimeSpan.FromSeconds(1);

        var confirmed = await ConfirmAsync(change, PadAnswers(question));

        Assert.Equal(VerifyResult.Success, confirmed.Result);
        Assert.True(await ConfirmsAllOperationsAsync());
    }

    [Fact]
    public async Task A_wrong_answer_does_not_apply_the_change_and_the_right_one_still_can()
    {
        var (change, question) = await RequestAsync();

        var loginAnswer = await ConfirmAsync(change, PadAnswers(question, Purpose.Login));
        var guessed = await ConfirmAsync(change, "0000 0000");

        Assert.Equal((VerifyResult.Wrong, 4), (loginAnswer.Result, loginAnswer.AttemptsLeft));
        Assert.Equal((VerifyResult.Wrong, 3), (guessed.Result, guessed.AttemptsLeft));
        Assert.False(await ConfirmsAllOperationsAsync());
        Assert.Null(await AppliedAtAsync(change));
        Assert.Equal(VerifyResult.Success, (await ConfirmAsync(change, PadAnswers(question))).Result);
        Assert.True(await ConfirmsAllOperationsAsync());
    }
}
