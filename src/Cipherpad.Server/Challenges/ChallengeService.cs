using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Challenges;

public enum CreateProblem
{
    None,
    UnknownAccount,
    SmsNotEnabled,
    SmsDailyLimitReached,
    SmsNotForCurrency,
    SmsSendFailed,
}

public sealed record IssuedChallenge(Challenge Challenge, string QrPayload, string RelyingPartyName);

public enum VerifyResult
{
    Success,
    Wrong,
    Expired,
    Locked,
    AlreadyUsed,
    Throttled,
}

public sealed record VerifyOutcome(VerifyResult Result, int AttemptsLeft, TimeSpan? RetryAfter = null, Guid? AccountId = null);

/// <summary>
/// Issues questions and checks answers. Limits are enforced with conditional updates in the database, so they hold
/// under concurrent requests and across server instances: a question succeeds once, locks after the configured
/// number of wrong answers, and a source that keeps failing against an account backs off exponentially — the
/// account's owner, answering from another source, is never locked out.
/// </summary>
public sealed class ChallengeService(
    CipherpadDbContext db,
    SecretProtector protector,
    AuthorizationLogWriter log,
    SmsAnswers smsAnswers,
    SourceThrottles throttles,
    Aliases aliases,
    Notifier notifier,
    IOptions<CipherpadOptions> options,
    TimeProvider time)
{
    private const string ThrottleScope = "answer";

    private ChallengeOptions Settings => options.Value.Challenges;

    public async Task<(IssuedChallenge? Issued, CreateProblem Problem)> CreateAsync(RelyingParty party, string login, Purpose purpose,
        string? description, PaymentDetails? payment, bool bySms = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        var found = await aliases.FindAccountAsync(login, cancellationToken);
        var account = found?.MethodsChosenAt is null ? null : found;
        var devices = account is null ? [] : await ActiveDevicesAsync(account.Id, cancellationToken);
        if (account is null || (!bySms && (devices.Count == 0 || !account.AppMethodEnabled)))
        {
            return (null, CreateProblem.UnknownAccount);
        }
        if (bySms)
        {
            var problem = smsAnswers.Precheck(account, payment) switch
            {
                SmsProblem.NotEnabled => CreateProblem.SmsNotEnabled,
                SmsProblem.NoFeeForCurrency => CreateProblem.SmsNotForCurrency,
                _ => CreateProblem.None,
            };
            if (problem != CreateProblem.None)
            {
                return (null, problem);
            }
            // Logins and actions by SMS are limited per day; payments are charged instead.
            if (payment is null && !await smsAnswers.TryTakeQuotaAsync(account.Id, cancellationToken))
            {
                return (null, CreateProblem.SmsDailyLimitReached);
            }
        }
        var now = time.GetUtcNow();
        var challenge = new Challenge
        {
            RelyingPartyId = party.Id,
            AccountId = account.Id,
            Purpose = purpose,
            Question = Question.Generate(Settings.QuestionLength),
            CreatedAt = now,
            ExpiresAt = now + Settings.Lifetime,
            Status = ChallengeStatus.Pending,
            Method = bySms ? "sms" : "app",
            Description = description,
            Payee = payment?.Payee,
            Amount = payment?.Amount,
            Currency = payment?.Currency.Code,
        };
        if (devices.Count > 0)
        {
            challenge.QrPayload = Seal(challenge, party.Name, devices, description, payment);
        }
        if (bySms && await smsAnswers.SendAsync(account, challenge, party.Name, payment, cancellationToken) != SmsProblem.None)
        {
            if (payment is null)
            {
                await smsAnswers.ReturnQuotaAsync(account.Id, cancellationToken); // an SMS that never left does not count
            }
            return (null, CreateProblem.SmsSendFailed);
        }
        db.Challenges.Add(challenge);
        await db.SaveChangesAsync(cancellationToken);
        return (new IssuedChallenge(challenge, challenge.QrPayload, party.Name), CreateProblem.None);
    }

    private string Seal(Challenge challenge, string relyingParty, List<Device> devices, string? description, PaymentDetails? payment)
    {
        var request = challenge.Purpose switch
        {
            Purpose.Action => RequestPayload.ForAction(relyingParty, challenge.Question, description!, challenge.ExpiresAt),
            Purpose.Payment => RequestPayload.ForPayment(relyingParty, challenge.Question, payment!, challenge.ExpiresAt),
            _ => RequestPayload.ForLogin(relyingParty, challenge.Question, challenge.ExpiresAt),
        };
        var keys = devices.Take(RequestPayload.MaxDevices).Select(d => Keys(d)).ToList();
        try
        {
            return request.Seal(keys);
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    public Task<Challenge?> FindAsync(Guid relyingPartyId, Guid challengeId, CancellationToken cancellationToken = default) =>
        db.Challenges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == challengeId && c.RelyingPartyId == relyingPartyId, cancellationToken);

    public async Task<VerifyOutcome> VerifyAsync(RelyingParty party, Challenge challenge, string typedAnswer, string source,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(challenge);
        var now = time.GetUtcNow();
        var purpose = challenge.Purpose.WireName();
        var attemptsLeft = Math.Max(0, Settings.MaxWrongAnswers - challenge.WrongAnswers);
        async Task<VerifyOutcome> Done(VerifyResult result, int left, TimeSpan? retryAfter = null, Guid? deviceId = null)
        {
            await log.AppendAsync(challenge.AccountId, ResultName(result), challenge.Method, purpose, party.Name, source, deviceId, challenge.Id,
                Details(challenge), cancellationToken);
            var where = $"{party.Name}, from {source}";
            if (result == VerifyResult.Success && challenge.Purpose == Purpose.Login)
            {
                await notifier.NotifyAsync(challenge.AccountId, NotificationKind.SuccessfulLogins, "You logged in.", where, cancellationToken);
            }
            else if (result == VerifyResult.Success && challenge.Purpose == Purpose.Payment)
            {
                await notifier.NotifyAsync(challenge.AccountId, NotificationKind.PaymentConfirmations, $"You confirmed a payment: {Details(challenge)}.", where,
                    cancellationToken);
            }
            else if (result == VerifyResult.Locked && left == 0 && challenge.Status == ChallengeStatus.Pending)
            {
                await notifier.NotifyAsync(challenge.AccountId, NotificationKind.FailedAttempts,
                    $"A {purpose} question for your account was locked after {Settings.MaxWrongAnswers} wrong answers.", where, cancellationToken);
            }
            return new VerifyOutcome(result, left, retryAfter, challenge.AccountId);
        }

        switch (challenge.Status)
        {
            case ChallengeStatus.Succeeded:
                return await Done(VerifyResult.AlreadyUsed, 0);
            case ChallengeStatus.Locked:
                return await Done(VerifyResult.Locked, 0);
        }
        if (challenge.ExpiresAt <= now)
        {
            return await Done(VerifyResult.Expired, 0);
        }
        if (await throttles.BlockedForAsync(challenge.AccountId, ThrottleScope, source, cancellationToken) is { } wait)
        {
            return await Done(VerifyResult.Throttled, attemptsLeft, wait);
        }

        var window = new TimeWindow(Settings.PastSteps, Settings.FutureSteps);
        var payment = challenge.Payment();
        Device? matched = null;
        var correct = false;
        if (challenge.Method == "sms")
        {
            correct = smsAnswers.Matches(challenge, typedAnswer);
        }
        else
        {
            foreach (var device in await ActiveDevicesAsync(challenge.AccountId, cancellationToken))
            {
                using var keys = Keys(device);
                if (Answer.Verify(keys, challenge.Purpose, challenge.Question, payment, typedAnswer, now, window) == AnswerVerdict.Correct)
                {
                    matched = device;
                    correct = true;
                }
            }
        }

        if (correct)
        {
            var won = await db.Challenges
                .Where(c => c.Id == challenge.Id && c.Status == ChallengeStatus.Pending && c.ExpiresAt > now)
                .ExecuteUpdateAsync(c => c
                    .SetProperty(x => x.Status, ChallengeStatus.Succeeded)
                    .SetProperty(x => x.AnsweredAt, now)
                    .SetProperty(x => x.DeviceId, matched == null ? null : matched.Id), cancellationToken);
            if (won == 0)
            {
                return await Done(VerifyResult.AlreadyUsed, 0);
            }
            if (matched is not null)
            {
                await db.Devices.Where(d => d.Id == matched.Id).ExecuteUpdateAsync(d => d.SetProperty(x => x.LastUsedAt, now), cancellationToken);
            }
            await throttles.RecordSuccessAsync(challenge.AccountId, ThrottleScope, source, cancellationToken);
            return await Done(VerifyResult.Success, attemptsLeft, deviceId: matched?.Id);
        }

        var counted = await db.Challenges
            .Where(c => c.Id == challenge.Id && c.Status == ChallengeStatus.Pending && c.WrongAnswers < Settings.MaxWrongAnswers)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.WrongAnswers, x => x.WrongAnswers + 1), cancellationToken);
        var wrongAnswers = await db.Challenges.AsNoTracking().Where(c => c.Id == challenge.Id).Select(c => c.WrongAnswers).SingleAsync(cancellationToken);
        if (wrongAnswers >= Settings.MaxWrongAnswers)
        {
            await db.Challenges.Where(c => c.Id == challenge.Id && c.Status == ChallengeStatus.Pending)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.Status, ChallengeStatus.Locked), cancellationToken);
        }
        await throttles.RecordFailureAsync(challenge.AccountId, ThrottleScope, source, cancellationToken);
        var left = Math.Max(0, Settings.MaxWrongAnswers - wrongAnswers);
        return await Done(counted == 0 || left == 0 ? VerifyResult.Locked : VerifyResult.Wrong, left);
    }

    private Task<List<Device>> ActiveDevicesAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Devices.AsNoTracking().Where(d => d.AccountId == accountId && d.RevokedAt == null).OrderBy(d => d.ActivatedAt).ToListAsync(cancellationToken);

    private DeviceKeys Keys(Device device)
    {
        var secret = protector.Unprotect(device.SecretProtected, $"{DeviceActivationService.DeviceSecretPurpose}:{device.Id}");
        try
        {
            return new DeviceKeys(secret);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>What was being confirmed, for the authorization log.</summary>
    public static string? Details(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return challenge.Purpose switch
        {
            Purpose.Payment => $"pay {challenge.Amount} {challenge.Currency} to {challenge.Payee}",
            Purpose.Action => challenge.Description,
            _ => null,
        };
    }

    public static string ResultName(VerifyResult result) => result switch
    {
        VerifyResult.Success => "success",
        VerifyResult.Wrong => "wrong",
        VerifyResult.Expired => "expired",
        VerifyResult.Locked => "locked",
        VerifyResult.AlreadyUsed => "already-used",
        _ => "throttled",
    };
}
