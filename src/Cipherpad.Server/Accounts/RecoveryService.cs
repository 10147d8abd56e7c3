using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Accounts;

public enum EmailLinkKind
{
    /// <summary>Recovery after the security question: choose methods, old cipher pads stop, new activation code.</summary>
    Recovery,
    /// <summary>"Forgot activation code": a new code by SMS for a cipher pad being activated.</summary>
    NewActivationCode,
    /// <summary>Proves that the owner of an address wants it as an alias of the account.</summary>
    AddAlias,
}

/// <summary>A single-use link sent by e-mail; only the token's hash is stored.</summary>
public sealed class EmailLink
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public EmailLinkKind Kind { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>For <see cref="EmailLinkKind.AddAlias"/>: the address being added.</summary>
    public string? Address { get; set; }
}

/// <summary>A completed recovery, counted for the limit per window.</summary>
public sealed class RecoveryRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum SecurityAnswerOutcome
{
    LinkSent,
    Wrong,
    Throttled,
    LimitReached,
}

/// <summary>
/// Recovery: e-mail → security question → link by e-mail → choose methods → every old cipher pad revoked and a new
/// activation code by SMS. Wrong security answers back off per source; recoveries are limited per window.
/// Also "forgot activation code": an e-mail link that sends a new code by SMS.
/// </summary>
public sealed class RecoveryService(CipherpadDbContext db, AccountService accounts, SourceThrottles throttles, IEmailSender email,
    AuthorizationLogWriter log, Notifier notifier, PublicLinks links, IOptions<CipherpadOptions> options, TimeProvider time)
{
    private const string ThrottleScope = "security-question";

    private AccountOptions Settings => options.Value.Accounts;

    public Task<Account?> FindAsync(string? address, CancellationToken cancellationToken)
    {
        var normalized = AccountRules.NormalizeEmail(address ?? "");
        return db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Email == normalized && a.MethodsChosenAt != null, cancellationToken);
    }

    public async Task<bool> LimitReachedAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - Settings.RecoveryWindow;
        return await db.RecoveryRecords.CountAsync(r => r.AccountId == accountId && r.At > since, cancellationToken) >= Settings.MaxRecoveries;
    }

    public async Task<(SecurityAnswerOutcome Outcome, TimeSpan? Wait)> AnswerSecurityQuestionAsync(Account account, string? answer, string ip,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (await throttles.BlockedForAsync(account.Id, ThrottleScope, ip, cancellationToken) is { } wait)
        {
            return (SecurityAnswerOutcome.Throttled, wait);
        }
        if (await LimitReachedAsync(account.Id, cancellationToken))
        {
            return (SecurityAnswerOutcome.LimitReached, null);
        }
        if (!Hashing.SecurityAnswerMatches(answer ?? "", account.SecurityAnswerHash))
        {
            await throttles.RecordFailureAsync(account.Id, ThrottleScope, ip, cancellationToken);
            await log.AppendAsync(account.Id, "wrong", "security-question", "recovery", null, ip, cancellationToken: cancellationToken);
            return (SecurityAnswerOutcome.Wrong, null);
        }
        await throttles.RecordSuccessAsync(account.Id, ThrottleScope, ip, cancellationToken);
        var token = await NewLinkAsync(account.Id, EmailLinkKind.Recovery, cancellationToken);
        await email.SendAsync(account.Email, "Recover your Cipherpad account",
            $"""
            Hello {account.FirstName},

            someone answered your security question to recover your Cipherpad account (from {ip}, {time.GetUtcNow():u}).
            If it was you, open this link within {Settings.RecoveryLinkLifetime.TotalMinutes:0} minutes to get a new activation code by SMS:

            {links.To("/recover/confirm", token)}

            Your current cipher pads will stop working at that moment.
            If it was not you, do not open the link, and change your security question in your personal account.
            """, cancellationToken);
        return (SecurityAnswerOutcome.LinkSent, null);
    }

    /// <summary>The account of a valid, unused link of this kind, or null.</summary>
    public async Task<Account?> AccountForLinkAsync(string? token, EmailLinkKind kind, CancellationToken cancellationToken)
    {
        var link = await FindLinkAsync(token, kind, cancellationToken);
        return link is null ? null : await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == link.AccountId, cancellationToken);
    }

    /// <summary>
    /// Completes a recovery: the link is used once, every old cipher pad is revoked at once, the methods are set and a
    /// new activation code goes by SMS. Returns a problem, or null.
    /// </summary>
    public async Task<string?> CompleteRecoveryAsync(string? token, bool app, bool sms, string ip, CancellationToken cancellationToken)
    {
        if (!app)
        {
            return "A cipher pad is needed to use the account again; choose it (SMS can be added).";
        }
        var link = await FindLinkAsync(token, EmailLinkKind.Recovery, cancellationToken);
        if (link is null)
        {
            return "This recovery link is unknown, was already used, or has expired.";
        }
        if (await LimitReachedAsync(link.AccountId, cancellationToken))
        {
            return $"This account was recovered {Settings.MaxRecoveries} times in the last {Settings.RecoveryWindow.TotalDays:0} days; contact support.";
        }
        var now = time.GetUtcNow();
        if (!await TryUseLinkAsync(link, cancellationToken))
        {
            return "This recovery link was already used.";
        }
        await db.Devices.Where(d => d.AccountId == link.AccountId && d.RevokedAt == null)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.RevokedAt, now), cancellationToken);
        await db.Accounts.Where(a => a.Id == link.AccountId).ExecuteUpdateAsync(a => a
            .SetProperty(x => x.AppMethodEnabled, app).SetProperty(x => x.SmsMethodEnabled, sms), cancellationToken);
        db.RecoveryRecords.Add(new RecoveryRecord { AccountId = link.AccountId, At = now });
        await db.SaveChangesAsync(cancellationToken);
        await log.AppendAsync(link.AccountId, "success", "recovery", "recovery", null, ip, detail: "every cipher pad revoked; new activation code sent",
            cancellationToken: cancellationToken);
        await accounts.SendActivationCodeAsync(await db.Accounts.SingleAsync(a => a.Id == link.AccountId, cancellationToken), cancellationToken);
        await notifier.NotifyAsync(link.AccountId, NotificationKind.Recovery,
            "Your account was recovered: every cipher pad was revoked and a new activation code was sent by SMS.", $"from {ip}", cancellationToken);
        return null;
    }

    /// <summary>Mails a "new activation code" link, if the account exists. Says nothing about whether it does.</summary>
    public async Task RequestNewActivationCodeAsync(string? address, CancellationToken cancellationToken)
    {
        var account = await FindAsync(address, cancellationToken);
        if (account is null)
        {
            return;
        }
        var token = await NewLinkAsync(account.Id, EmailLinkKind.NewActivationCode, cancellationToken);
        await email.SendAsync(account.Email, "A new Cipherpad activation code",
            $"""
            Hello {account.FirstName},

            someone asked for a new activation code for your Cipherpad account ({time.GetUtcNow():u}).
            Open this link within {Settings.RecoveryLinkLifetime.TotalMinutes:0} minutes and the code goes by SMS to your phone:

            {links.To("/activation/new-code", token)}

            Earlier unused codes stop working. If it was not you, ignore this message.
            """, cancellationToken);
    }

    /// <summary>Uses a "new activation code" link once and sends the code; false for an unknown, used or expired link.</summary>
    public async Task<bool> SendNewActivationCodeAsync(string? token, CancellationToken cancellationToken)
    {
        var link = await FindLinkAsync(token, EmailLinkKind.NewActivationCode, cancellationToken);
        if (link is null || !await TryUseLinkAsync(link, cancellationToken))
        {
            return false;
        }
        await accounts.SendActivationCodeAsync(await db.Accounts.SingleAsync(a => a.Id == link.AccountId, cancellationToken), cancellationToken);
        return true;
    }

    internal async Task<string> NewLinkAsync(Guid accountId, EmailLinkKind kind, CancellationToken cancellationToken, string? address = null)
    {
        var token = Hashing.NewToken();
        var now = time.GetUtcNow();
        db.EmailLinks.Add(new EmailLink
        {
            AccountId = accountId,
            Kind = kind,
            TokenHash = Hashing.TokenHash(token),
            CreatedAt = now,
            ExpiresAt = now + Settings.RecoveryLinkLifetime,
            Address = address,
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    /// <summary>Marks the link used; false when another request used it first, so each link acts once.</summary>
    internal async Task<bool> TryUseLinkAsync(EmailLink link, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.EmailLinks.Where(l => l.Id == link.Id && l.UsedAt == null)
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.UsedAt, now), cancellationToken) == 1;
    }

    internal async Task<EmailLink?> FindLinkAsync(string? token, EmailLinkKind kind, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var hash = Hashing.TokenHash(token);
        var now = time.GetUtcNow();
        return await db.EmailLinks.AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash && l.Kind == kind && l.UsedAt == null && l.ExpiresAt > now,
            cancellationToken);
    }
}
