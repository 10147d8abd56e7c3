using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>
/// The SMS method: the server makes a one-time answer and sends it with what is being confirmed. Logins and
/// actions count against a daily limit per account; payments are not limited but each one is charged a fee,
/// written to the fee ledger. Both are single conditional statements in the database, so they stay exact under
/// concurrent requests and across server instances.
/// </summary>
public sealed class SmsAnswers(CipherpadDbContext db, ISmsGateway sms, SecretProtector protector, IOptions<CipherpadOptions> options,
    TimeProvider time, ILogger<SmsAnswers> logger)
{
    public const string AnswerPurpose = "sms-answer";

    private SmsOptions Settings => options.Value.Sms;

    /// <summary>Takes one SMS from today's quota (logins and actions only); false when the limit is reached.</summary>
    public async Task<bool> TryTakeQuotaAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var day = SmsQuota.DayOf(time.GetUtcNow());
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var taken = await db.SmsQuotas.Where(q => q.AccountId == accountId && q.Day == day && q.Sent < Settings.DailyLimit)
                .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent + 1), cancellationToken);
            if (taken == 1)
            {
                return true;
            }
            if (await db.SmsQuotas.AnyAsync(q => q.AccountId == accountId && q.Day == day, cancellationToken) || Settings.DailyLimit == 0)
            {
                return false;
            }
            db.SmsQuotas.Add(new SmsQuota { AccountId = accountId, Day = day, Sent = 1 });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another request created today's row first: count on it
            }
        }
        return false;
    }

    public Task ReturnQuotaAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var day = SmsQuota.DayOf(time.GetUtcNow());
        return db.SmsQuotas.Where(q => q.AccountId == accountId && q.Day == day && q.Sent > 0)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent - 1), cancellationToken);
    }

    public async Task<int> LeftTodayAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var day = SmsQuota.DayOf(time.GetUtcNow());
        var sent = await db.SmsQuotas.Where(q => q.AccountId == accountId && q.Day == day).Select(q => (int?)q.Sent).SingleOrDefaultAsync(cancellationToken) ?? 0;
        return Math.Max(0, Settings.DailyLimit - sent);
    }

    /// <summary>The account's newest <paramref name="count"/> fees, newest first.</summary>
    public Task<List<FeeLedgerEntry>> LatestFeesAsync(Guid accountId, int count, CancellationToken cancellationToken) =>
        db.FeeLedger.AsNoTracking().Where(f => f.AccountId == accountId).OrderByDescending(f => f.At).ThenByDescending(f => f.Id)
            .Take(count).ToListAsync(cancellationToken);

    /// <summary>Makes the answer, keeps it encrypted on the challenge, sends it, and for a payment writes the fee.</summary>
    public async Task<CipherpadError?> SendAsync(Account account, Challenge challenge, string relyingParty, PaymentDetails? payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(challenge);
        var answer = RandomNumberGenerator.GetString("0123456789", AnswerSuites.AnswerDigits);
        challenge.AnswerProtected = protector.Protect(Encoding.ASCII.GetBytes(answer), $"{AnswerPurpose}:{challenge.Id}");
        var minutes = (challenge.ExpiresAt - challenge.CreatedAt).TotalMinutes.ToString("0", CultureInfo.InvariantCulture);
        var fee = payment is null ? null : Fee(payment.Currency.Code)!;
        var what = challenge.Purpose switch
        {
            Purpose.Payment => $"confirm a payment of {payment} at {relyingParty}",
            Purpose.Action => $"confirm \"{challenge.Description}\" at {relyingParty}",
            _ => $"log in at {relyingParty}",
        };
        var text = $"Cipherpad: to {what}, type {Answer.Group(answer)} (question {challenge.Question}, valid {minutes} min)."
            + (fee is null ? "" : $" Fee {fee.Amount} {fee.Currency.Code}.")
            + " Not you? Do not type it anywhere.";
        try
        {
            await sms.SendAsync(account.Phone, text, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException)
        {
            logger.LogError(exception, "The SMS answer for challenge {ChallengeId} could not be sent", challenge.Id);
            return Errors.SmsNotSent();
        }
        if (fee is not null)
        {
            db.FeeLedger.Add(new FeeLedgerEntry
            {
                AccountId = account.Id,
                ChallengeId = challenge.Id,
                At = time.GetUtcNow(),
                Currency = fee.Currency.Code,
                MinorUnits = fee.MinorUnits,
                Reason = $"SMS confirmation of {payment} at {relyingParty}",
            });
        }
        return null;
    }

    /// <summary>Whether <paramref name="typed"/> is the answer sent by SMS, compared in constant time.</summary>
    public bool Matches(Challenge challenge, string typed)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var normalized = Answer.Normalize(typed);
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
