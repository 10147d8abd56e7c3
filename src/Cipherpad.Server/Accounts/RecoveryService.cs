using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Security;
using Cipherpad.Server.Sessions;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Recovery: e-mail → a link by e-mail → on the linked page, the security question and the methods → every old cipher pad
/// revoked and a new activation code by SMS. The link comes first, so that the security question is shown, and can be
/// guessed at, only by whoever reads the owner's mail; asking for a link says the same whether or not the address has an
/// account. Wrong security answers back off per source and, past a few from everywhere, for every source that never
/// answered right; recoveries are limited per window. Also "forgot activation code": an e-mail link that sends a new code by SMS.
/// </summary>
public sealed class RecoveryService(CipherpadDbContext db, AccountService accounts, AccountMethods methods, DeviceRegistry devices, EmailLinks links,
    SourceThrottles throttles, Outbox outbox, AuthorizationLogWriter log, Notifier notifier, SignInSessions sessions, Web.PublicLinks publicLinks,
    SlowHashes slowHashes, MailQuotas mailQuotas, IOptions<CipherpadOptions> options, Translator translator, TimeProvider time)
{
    private const string ThrottleScope = "security-question";

    private AccountOptions Settings => options.Value.Accounts;

    public Task<Account?> FindAsync(string? address, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().Where(a => a.MethodsChosenAt != null).StoredAsCurrentFirst(address ?? "").FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> LimitReachedAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - Settings.RecoveryWindow;
        return await db.RecoveryRecords.CountAsync(r => r.AccountId == accountId && r.At > since, cancellationToken) >= Settings.MaxRecoveries;
    }

    /// <summary>
    /// Mails a recovery link if the address is an account's, at most <see cref="EmailOptions.PerRecipientPerHour"/> an
    /// hour; the page says the same whatever happened. An unknown address takes from a count of its own, so its answer
    /// comes no sooner. Every link sent works until it expires or one of them is used, so links a stranger asks for only
    /// put more working links in the owner's mailbox.
    /// </summary>
    public async Task RequestRecoveryLinkAsync(string? address, string ip, CancellationToken cancellationToken)
    {
        if (await AccountToMailAsync(address, MailQuotaKind.Recovery, cancellationToken) is not { } account)
        {
            return;
        }
        var link = links.Issue(account.Id, EmailLinkKind.Recovery);
        outbox.Email(account.Email, translator.In(account.Language, "Recover your Cipherpad account"), translator.Lines(account.Language,
            $"Hello {account.FirstName},", "",
            $"someone asked to recover your Cipherpad account (from {ip}, {time.GetUtcNow():u}).",
            $"If it was you, open this link within {links.Lifetime.TotalMinutes:0} minutes, answer your security question and choose your methods; a new activation code then goes to your phone by SMS:",
            "", Text.Verbatim(link), "",
            "Your current cipher pads stop working when you finish.",
            "If it was not you, ignore this message: nobody can recover your account without this link and your security answer."));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Completes a recovery from its link: the security answer is checked (after the back-off is reserved and within the
    /// bound on parallel hashing), then the link is used once, every old cipher pad is revoked at once, the methods are set
    /// and a new activation code goes by SMS. Returns a problem, or null.
    /// </summary>
    public async Task<string?> CompleteRecoveryAsync(string? token, string? answer, IReadOnlyCollection<string> methodsChosen, string ip,
        CancellationToken cancellationToken)
    {
        if (AccountMethods.FirstChoiceProblem(methodsChosen) is { } problem)
        {
            return problem.Description;
        }
        var link = await links.FindAsync(token, EmailLinkKind.Recovery, cancellationToken);
        if (link is null)
        {
            return LinkDoesNotWork;
        }
        if (await LimitReachedAsync(link.AccountId, cancellationToken))
        {
            return $"This account was recovered {Settings.MaxRecoveries} times in the last {Settings.RecoveryWindow.TotalDays:0} days; contact support.";
        }
        if (await throttles.TryReserveAsync(link.AccountId, ThrottleScope, ip, cancellationToken) is { } wait)
        {
            return $"Too many wrong answers: wait {Math.Ceiling(wait.TotalSeconds)} seconds before trying again.";
        }
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == link.AccountId, cancellationToken);
        await db.ReleaseConnectionAsync(); // the hash may queue for seconds behind others, and needs no connection
        switch (await slowHashes.MatchesAsync(answer ?? "", account.SecurityAnswerHash, cancellationToken))
        {
            case null:
                return AccountService.Busy;
            case false:
                await log.AppendAsync(account.Id, "wrong", "security-question", "recovery", null, ip, cancellationToken: cancellationToken);
                return "That is not the answer to your security question.";
        }
        await throttles.RecordSuccessAsync(account.Id, ThrottleScope, ip, cancellationToken);

        var now = time.GetUtcNow();
        // The link is spent, the old pads revoked, the methods set and the new code sent together, or none of it.
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        if (!await links.TryClaimAsync(link, cancellationToken))
        {
            return "This recovery link was already used.";
        }
        await devices.RevokeAllAsync(link.AccountId, now, cancellationToken);
        await sessions.EndAllAsync(link.AccountId, SignInSessions.Recovery, null, cancellationToken);
        await methods.SetAsync(link.AccountId, methodsChosen, cancellationToken);
        db.RecoveryRecords.Add(new RecoveryRecord { AccountId = link.AccountId, At = now });
        log.Add(link.AccountId, "success", "recovery", "recovery", null, ip, detail: "every cipher pad revoked; new activation code sent");
        await accounts.SendActivationCodeAsync(await db.Accounts.SingleAsync(a => a.Id == link.AccountId, cancellationToken), cancellationToken);
        await notifier.NotifyAsync(link.AccountId, NotificationKind.Recovery,
            $"Your account was recovered: every cipher pad was revoked, a new activation code was sent by SMS, and it answers with {methods.Describe(methodsChosen)}.",
            $"from {ip}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// The account behind <paramref name="address"/>, if it has one and this hour's mails of <paramref name="kind"/> to it
    /// are not all sent; one is taken. An unknown address takes from a count of its own, so that it costs the same
    /// statements as an account's and its answer comes no sooner.
    /// </summary>
    private async Task<Account?> AccountToMailAsync(string? address, MailQuotaKind kind, CancellationToken cancellationToken)
    {
        var account = await FindAsync(address, cancellationToken);
        var recipient = account is null ? MailQuota.ForAddress(AccountRules.NormalizeEmail(address ?? "")) : MailQuota.ForAccount(account.Id);
        return await mailQuotas.TryReserveAsync(recipient, kind, cancellationToken) ? account : null;
    }

    /// <summary>What a recovery page says to a link that is unknown, used or expired.</summary>
    public const string LinkDoesNotWork = "This recovery link is unknown, was already used, or has expired.";

    /// <summary>
    /// Mails a "new activation code" link, if the account exists and has no active cipher pad; an account that has one is
    /// told by mail to add a pad from the account or to use recovery, because a link alone must not add a working pad
    /// beside the existing ones. At most <see cref="EmailOptions.PerRecipientPerHour"/> such mails go to an account per
    /// hour. The page says the same whatever the case: no account, an account at its limit, or a mail sent.
    /// </summary>
    public async Task RequestNewActivationCodeAsync(string? address, CancellationToken cancellationToken)
    {
        if (await AccountToMailAsync(address, MailQuotaKind.NewActivationCode, cancellationToken) is not { } account)
        {
            return;
        }
        if ((await devices.ActiveAsync(account.Id, cancellationToken)).Count > 0)
        {
            outbox.Email(account.Email, translator.In(account.Language, "About your request for a new Cipherpad activation code"), translator.Lines(account.Language,
                $"Hello {account.FirstName},", "",
                $"someone asked for a new activation code for your Cipherpad account ({time.GetUtcNow():u}).",
                "Your account has an active cipher pad, so no code is sent this way.", "",
                "To add another cipher pad, sign in to your personal account and choose \"Add a cipher pad\": the pad you have confirms it.",
                $"If you lost your cipher pad, use recovery: {publicLinks.To("/recover")}", "",
                "If it was not you, you need not do anything."));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var link = links.Issue(account.Id, EmailLinkKind.NewActivationCode);
        outbox.Email(account.Email, translator.In(account.Language, "A new Cipherpad activation code"), translator.Lines(account.Language,
            $"Hello {account.FirstName},", "",
            $"someone asked for a new activation code for your Cipherpad account ({time.GetUtcNow():u}).",
            $"Open this link within {links.Lifetime.TotalMinutes:0} minutes and the code goes by SMS to your phone:",
            "", Text.Verbatim(link), "",
            "Earlier unused codes stop working. If it was not you, ignore this message."));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Uses a "new activation code" link once and sends the code; refuses an unknown, used or expired link, and an account
    /// that has an active cipher pad by now (that goes through the pad or through recovery).
    /// </summary>
    public async Task<CipherpadError?> SendNewActivationCodeAsync(string? token, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(token, EmailLinkKind.NewActivationCode, cancellationToken);
        if (link is null)
        {
            return Errors.LinkNotValid();
        }
        if ((await devices.ActiveAsync(link.AccountId, cancellationToken)).Count > 0)
        {
            return Errors.CipherPadStillActive();
        }
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        if (!await links.TryClaimAsync(link, cancellationToken))
        {
            return Errors.LinkNotValid();
        }
        await accounts.SendActivationCodeAsync(await db.Accounts.SingleAsync(a => a.Id == link.AccountId, cancellationToken), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
