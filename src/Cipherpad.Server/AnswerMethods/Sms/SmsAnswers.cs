using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>
/// The SMS method: the server makes a one-time answer and sends it with what is being confirmed. Each SMS is reserved
/// against three limits before it is queued — the asking relying party's hourly share of the account, the account's
/// hourly total, and for logins and actions the account's daily total — each taken by a conditional update in the
/// database (the first of an hour or day by an insert on the count's key), never by counting first, so they stay exact
/// under concurrent requests and across server instances. A relying party that has used up its own share takes
/// nothing from the others. A payment's fee is written only when the payment is
/// confirmed with the answer, so an SMS that was merely sent, by whoever asked for it, costs the account nothing.
/// </summary>
public sealed class SmsAnswers(CipherpadDbContext db, Outbox outbox, SecretProtector protector, IOptions<CipherpadOptions> options, Translator translator,
    TimeProvider time)
{
    public const string AnswerPurpose = "sms-answer";

    private SmsOptions Settings => options.Value.Sms;

    /// <summary>
    /// Reserves one SMS to <paramref name="accountId"/> for <paramref name="relyingPartyId"/>: from the relying party's
    /// hourly share, the account's hourly total and, when <paramref name="daily"/>, today's quota. On a refusal nothing
    /// stays reserved.
    /// </summary>
    public async Task<CipherpadError?> TryReserveAsync(Guid accountId, Guid relyingPartyId, bool daily, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hour = UtcPeriods.HourOf(now);
        var untilNextHour = hour.AddHours(1) - now;
        // The relying party's own share goes first: a relying party at its limit then never touches the counts it
        // shares with every other relying party.
        if (!await TryTakeHourAsync(accountId, relyingPartyId, hour, Settings.PerRelyingPartyPerHour, cancellationToken))
        {
            return Errors.SmsRelyingPartyLimitReached(Settings.PerRelyingPartyPerHour, untilNextHour);
        }
        if (!await TryTakeHourAsync(accountId, SmsHourlyQuota.EveryRelyingParty, hour, Settings.PerAccountPerHour, cancellationToken))
        {
            await ReturnHourAsync(accountId, relyingPartyId, hour, cancellationToken);
            return Errors.SmsAccountLimitReached(Settings.PerAccountPerHour, untilNextHour);
        }
        var day = UtcPeriods.DayOf(now);
        if (daily && !await TryTakeDayAsync(accountId, day, cancellationToken))
        {
            await ReturnHourAsync(accountId, SmsHourlyQuota.EveryRelyingParty, hour, cancellationToken);
            await ReturnHourAsync(accountId, relyingPartyId, hour, cancellationToken);
            return Errors.SmsDailyLimitReached(Settings.DailyLimit, now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime);
        }
        return null;
    }

    // Each count is taken as MailQuotas and SourceThrottles take theirs: the period's row is inserted unless it exists
    // (ON CONFLICT DO NOTHING, the same on both databases), then one conditional increment takes an SMS or finds none left.
    // Times are stored as UTC ticks (CipherpadDbContext's conversion), so raw SQL passes the hour in that form.

    /// <summary>Takes one from the hour's count, creating the hour's row with the first SMS; false when the limit is reached.</summary>
    private async Task<bool> TryTakeHourAsync(Guid accountId, Guid relyingPartyId, DateTimeOffset hour, int limit, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "SmsHourlyQuotas" ("AccountId", "RelyingPartyId", "Hour", "Sent") VALUES ({accountId}, {relyingPartyId}, {hour.UtcTicks}, 0) ON CONFLICT DO NOTHING""",
            cancellationToken);
        return await db.SmsHourlyQuotas.Where(q => q.AccountId == accountId && q.RelyingPartyId == relyingPartyId && q.Hour == hour && q.Sent < limit)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent + 1), cancellationToken) == 1;
    }

    private Task<int> ReturnHourAsync(Guid accountId, Guid relyingPartyId, DateTimeOffset hour, CancellationToken cancellationToken) =>
        db.SmsHourlyQuotas.Where(q => q.AccountId == accountId && q.RelyingPartyId == relyingPartyId && q.Hour == hour && q.Sent > 0)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent - 1), cancellationToken);

    /// <summary>Takes one SMS from the day's quota of logins and actions; false when the limit is reached.</summary>
    private async Task<bool> TryTakeDayAsync(Guid accountId, int day, CancellationToken cancellationToken)
    {
        var limit = Settings.DailyLimit;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "SmsQuotas" ("AccountId", "Day", "Sent") VALUES ({accountId}, {day}, 0) ON CONFLICT DO NOTHING""", cancellationToken);
        return await db.SmsQuotas.Where(q => q.AccountId == accountId && q.Day == day && q.Sent < limit)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent + 1), cancellationToken) == 1;
    }

    public async Task<int> LeftTodayAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var day = UtcPeriods.DayOf(time.GetUtcNow());
        var sent = await db.SmsQuotas.Where(q => q.AccountId == accountId && q.Day == day).Select(q => (int?)q.Sent).SingleOrDefaultAsync(cancellationToken) ?? 0;
        return Math.Max(0, Settings.DailyLimit - sent);
    }

    /// <summary>
    /// SMS answers <paramref name="relyingPartyId"/> may still have sent to the account this hour: the smaller of what is
    /// left of its own share and of the account's total.
    /// </summary>
    public async Task<int> LeftThisHourAsync(Guid accountId, Guid relyingPartyId, CancellationToken cancellationToken)
    {
        var hour = UtcPeriods.HourOf(time.GetUtcNow());
        var sent = await db.SmsHourlyQuotas.AsNoTracking()
            .Where(q => q.AccountId == accountId && q.Hour == hour && (q.RelyingPartyId == relyingPartyId || q.RelyingPartyId == SmsHourlyQuota.EveryRelyingParty))
            .Select(q => new { q.RelyingPartyId, q.Sent }).ToListAsync(cancellationToken);
        var byThisParty = sent.Where(q => q.RelyingPartyId == relyingPartyId).Sum(q => q.Sent);
        var byAll = sent.Where(q => q.RelyingPartyId == SmsHourlyQuota.EveryRelyingParty).Sum(q => q.Sent);
        return Math.Max(0, Math.Min(Settings.PerRelyingPartyPerHour - byThisParty, Settings.PerAccountPerHour - byAll));
    }

    /// <summary>The account's newest <paramref name="count"/> fees, newest first.</summary>
    public Task<List<FeeLedgerEntry>> LatestFeesAsync(Guid accountId, int count, CancellationToken cancellationToken) =>
        db.FeeLedger.AsNoTracking().Where(f => f.AccountId == accountId).OrderByDescending(f => f.At).ThenByDescending(f => f.Id)
            .Take(count).ToListAsync(cancellationToken);

    /// <summary>
    /// Makes the answer, keeps it encrypted on the challenge and puts the SMS in the outbox, to be saved with the
    /// challenge: the request does not wait for the gateway, and a challenge that is not saved sends nothing.
    /// </summary>
    public void Send(Account account, Challenge challenge, string relyingParty, PaymentDetails? payment)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(challenge);
        var answer = RandomNumberGenerator.GetString("0123456789", Answer.DigitsFor(challenge.Question));
        challenge.AnswerProtected = protector.Protect(Encoding.ASCII.GetBytes(answer), $"{AnswerPurpose}:{challenge.Id}");
        var minutes = (challenge.ExpiresAt - challenge.CreatedAt).TotalMinutes.ToString("0", CultureInfo.InvariantCulture);
        var fee = payment is null ? null : Fee(payment.Currency.Code)!;
        var what = challenge.Purpose switch
        {
            Purpose.Payment => (Text)$"confirm a payment of {payment} at {relyingParty}",
            Purpose.Action => (Text)$"confirm \"{challenge.Description}\" at {relyingParty}",
            _ => (Text)$"log in at {relyingParty}",
        };
        List<Text> sentences = [$"Cipherpad: to {what}, type {Answer.Group(answer)} (question {challenge.Question}, valid {minutes} min)."];
        if (fee is not null)
        {
            sentences.Add($"Fee {fee.Amount} {fee.Currency.Code} if you confirm.");
        }
        sentences.Add("Not you? Do not type it anywhere.");
        outbox.Sms(account.Phone, string.Join(' ', sentences.Select(sentence => translator.In(account.Language, sentence))));
    }

    /// <summary>
    /// Writes the fee for a payment just confirmed with its SMS answer to the request's unit of work, so it commits with
    /// the acceptance. Nothing else is ever charged: not an SMS sent, nor one that was never answered.
    /// </summary>
    public void Charge(Challenge challenge, string relyingParty)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (challenge.Payment() is not { } payment || Fee(payment.Currency.Code) is not { } fee)
        {
            return;
        }
        db.FeeLedger.Add(new FeeLedgerEntry
        {
            AccountId = challenge.AccountId,
            ChallengeId = challenge.Id,
            At = time.GetUtcNow(),
            Currency = fee.Currency.Code,
            MinorUnits = fee.MinorUnits,
            Reason = $"SMS confirmation of {payment} at {relyingParty}",
        });
    }

    /// <summary>Whether <paramref name="typed"/> is the answer sent by SMS, compared in constant time.</summary>
    public bool Matches(Challenge challenge, string typed)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var normalized = Answer.Normalize(typed, Answer.DigitsFor(challenge.Question));
        if (challenge.AnswerProtected is null || normalized is null)
        {
            return false;
        }
        var expected = protector.Unprotect(challenge.AnswerProtected, $"{AnswerPurpose}:{challenge.Id}");
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(normalized));
    }

    /// <summary>The configured fee for payments in <paramref name="currency"/>, as an amount in that currency.</summary>
    public PaymentDetails? Fee(string currency) =>
        Settings.PaymentFees.TryGetValue(currency, out var fee) && PaymentDetails.TryCreate("fee", fee, currency, out var parsed, out _) ? parsed : null;
}
