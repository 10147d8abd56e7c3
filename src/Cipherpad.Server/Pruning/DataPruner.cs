using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Pruning;

/// <summary>How many rows of each kind one run deleted.</summary>
public sealed record PruneResult(int PendingAccountChanges, int Challenges, int UnconfirmedAccounts, int EmailConfirmations, int EmailLinks,
    int ActivationSessions, int ActivationCodes, int ActivationAttempts, int SourceThrottles, int SmsQuotaDays, int SmsQuotaHours, int GuessRiskDays, int SpentHumanChecks, int SignInSessions,
    int OutboxMessages, int MailQuotaHours, int NoticeWindows, int OidcTokens, int OidcAuthorizations, int OidcKeys, int VaultReleases, int VaultUploads, int VaultExports,
    int PasskeyRegistrations, int RequestWindows)
{
    public int Total => PendingAccountChanges + Challenges + UnconfirmedAccounts + EmailConfirmations + EmailLinks + ActivationSessions + ActivationCodes
        + ActivationAttempts + SourceThrottles + SmsQuotaDays + SmsQuotaHours + GuessRiskDays + SpentHumanChecks + SignInSessions + OutboxMessages + MailQuotaHours + NoticeWindows
        + OidcTokens + OidcAuthorizations + OidcKeys + VaultReleases + VaultUploads + VaultExports + PasskeyRegistrations + RequestWindows;

    /// <summary>Each kind with its count, in the order they are deleted.</summary>
    public IReadOnlyList<(string Kind, int Count)> ByKind() =>
    [
        ("pending account changes", PendingAccountChanges),
        ("questions", Challenges),
        ("unconfirmed registrations", UnconfirmedAccounts),
        ("e-mail confirmations", EmailConfirmations),
        ("e-mail links", EmailLinks),
        ("activation sessions", ActivationSessions),
        ("activation codes", ActivationCodes),
        ("activation attempt counts", ActivationAttempts),
        ("back-off rows", SourceThrottles),
        ("SMS quota days", SmsQuotaDays),
        ("SMS quota hours", SmsQuotaHours),
        ("guess-risk days", GuessRiskDays),
        ("spent human checks", SpentHumanChecks),
        ("sign-in sessions", SignInSessions),
        ("sent or abandoned outbox messages", OutboxMessages),
        ("mail quota hours", MailQuotaHours),
        ("notice windows", NoticeWindows),
        ("OpenID Connect tokens", OidcTokens),
        ("OpenID Connect authorizations", OidcAuthorizations),
        ("retired OpenID Connect keys", OidcKeys),
        ("key vault releases", VaultReleases),
        ("key vault uploads never confirmed", VaultUploads),
        ("key vault export requests", VaultExports),
        ("passkey additions", PasskeyRegistrations),
        ("ended request-limit windows", RequestWindows),
    ];
}

/// <summary>
/// Deletes what no rule reads any more, once it has been expired for <see cref="PruningOptions.KeepExpiredFor"/>:
/// questions and the account changes waiting on them, registrations never confirmed (the account with its e-mail
/// confirmations), e-mail confirmations and links, activation codes, sessions and attempt counts, past SMS quota days and hours, spent human checks,
/// ended sign-in sessions, sent or abandoned outbox messages, past hours of mail quotas, notice windows with nothing left to
/// tell, the back-off rows of sources that have long been quiet, OpenID Connect tokens and authorizations no longer valid,
/// retired OpenID Connect keys, the key vault's releases once their question or ticket expired, and its uploads and export requests once their question is long gone,
/// passkey additions once they can no longer be made, and the request limits' shared counts once their window has ended (at
/// once: nothing reads them after).
/// Confirmed accounts, devices, relying parties,
/// recovery records (they count towards the recovery limit), the fee ledger and the authorization log are never
/// touched. Each kind goes in bounded batches of single DELETE statements (as OpenIddict's token store prunes), so a run
/// is safe beside live traffic and on several instances at once, and a second run at the same time finds nothing.
/// </summary>
public sealed class DataPruner(CipherpadDbContext db, IOptions<CipherpadOptions> options, OpenIddict.Abstractions.IOpenIddictTokenManager oidcTokens,
    OpenIddict.Abstractions.IOpenIddictAuthorizationManager oidcAuthorizations)
{
    // Bounds one run as well as each statement; whatever is left goes in the next run.
    private const int MaxBatchesPerKind = 1000;
    private static readonly TimeSpan MaxQuestionLifetime = TimeSpan.FromMinutes(15);

    private PruningOptions Settings => options.Value.Pruning;

    public async Task<PruneResult> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now - Settings.KeepExpiredFor;

        // A pending change lives as long as its question, applied or not (it can only be applied before the question
        // expires). It goes first, and a question goes only when no change refers to it any more, so a change that can
        // still be confirmed never loses its question.
        // A release is read until its question expires, and once answered until its ticket does; it goes before the question.
        var releases = await DeleteAsync(db.VaultReleases
            .Where(r => r.ExpiresAt != null ? r.ExpiresAt < cutoff : !db.Challenges.Any(q => q.Id == r.ChallengeId && q.ExpiresAt >= cutoff))
            .OrderBy(r => r.Id), cancellationToken);
        // An upload waits for the question of its change, which expires within ChallengeOptions' longest lifetime.
        var uploads = await DeleteAsync(db.VaultUploads.Where(u => u.CreatedAt < cutoff - MaxQuestionLifetime).OrderBy(u => u.Id), cancellationToken);
        var exports = await DeleteAsync(db.VaultExportRequests.Where(e => e.CreatedAt < cutoff - MaxQuestionLifetime).OrderBy(e => e.Id), cancellationToken);
        var passkeyAdditions = await DeleteAsync(db.PasskeyRegistrations
            .Where(r => r.CreatedAt < cutoff - options.Value.Passkeys.RegistrationLifetime).OrderBy(r => r.Id), cancellationToken);

        var changes = await DeleteAsync(db.PendingAccountChanges
            .Where(c => !db.Challenges.Any(q => q.Id == c.ChallengeId && q.ExpiresAt >= cutoff))
            .OrderBy(c => c.Id), cancellationToken);
        var challenges = await DeleteAsync(db.Challenges
            .Where(q => q.ExpiresAt < cutoff && !db.PendingAccountChanges.Any(c => c.ChallengeId == q.Id))
            .OrderBy(q => q.Id), cancellationToken);

        // An account nobody confirmed holds nothing else (methods, pads and codes come after confirmation). Its
        // confirmations have all expired before the cutoff, so the next statement deletes them.
        var unconfirmed = await DeleteAsync(ExpiredRegistrations.At(db, cutoff).OrderBy(a => a.Id), cancellationToken);

        // Used ones are kept until they expire too: until then a second click is still told what it was (an e-mail
        // confirmation opened twice, a code that is void rather than wrong).
        var confirmations = await DeleteAsync(db.EmailConfirmations.Where(c => c.ExpiresAt < cutoff).OrderBy(c => c.Id), cancellationToken);
        var links = await DeleteAsync(db.EmailLinks.Where(l => l.ExpiresAt < cutoff).OrderBy(l => l.Id), cancellationToken);
        var sessions = await DeleteAsync(db.ActivationSessions.Where(s => s.ExpiresAt < cutoff).OrderBy(s => s.Id), cancellationToken);
        var codes = await DeleteAsync(db.ActivationCodes.Where(c => c.ExpiresAt < cutoff).OrderBy(c => c.Id), cancellationToken);
        var attempts = await DeleteAsync(db.ActivationAttempts.Where(a => a.ExpiresAt < cutoff).OrderBy(a => a.Subject).ThenBy(a => a.Source), cancellationToken);

        // Back-off (SourceThrottles): a row whose source once succeeded for the account (LastSuccessAt) is what lets the
        // owner past an account-wide back-off, with no expiry, so it is kept. A row of failures only goes once its block
        // ended before the cutoff: its last failure was earlier still, and a source quiet for a day or more gets fewer
        // tries from a fresh count than it would have had by guessing on. A row below the back-off threshold holds no
        // time at all, so nothing tells how old it is: it is kept.
        var throttles = await DeleteAsync(db.SourceThrottles
            .Where(t => t.LastSuccessAt == null && t.BlockedUntil != null && t.BlockedUntil < cutoff)
            .OrderBy(t => t.AccountId).ThenBy(t => t.Source), cancellationToken);

        // Only today's quota and this hour's are read.
        var firstKeptDay = UtcPeriods.DayOf(cutoff);
        var quotaDays = await DeleteAsync(db.SmsQuotas.Where(q => q.Day < firstKeptDay).OrderBy(q => q.AccountId).ThenBy(q => q.Day), cancellationToken);
        var firstKeptHour = UtcPeriods.HourOf(cutoff);
        var quotaHours = await DeleteAsync(db.SmsHourlyQuotas.Where(q => q.Hour < firstKeptHour)
            .OrderBy(q => q.AccountId).ThenBy(q => q.RelyingPartyId).ThenBy(q => q.Hour), cancellationToken);
        var riskDays = await DeleteAsync(db.GuessRisks.Where(r => r.Day < firstKeptDay).OrderBy(r => r.AccountId).ThenBy(r => r.Day), cancellationToken);

        // A spent check only has to outlive its challenge, which the signature check refuses once expired.
        var spentChecks = await DeleteAsync(db.SpentHumanChecks.Where(s => s.ExpiresAt < cutoff).OrderBy(s => s.Challenge), cancellationToken);

        var signIns = await DeleteAsync(db.SignInSessions.Where(s => s.ExpiresAt < cutoff || s.EndedAt < cutoff).OrderBy(s => s.Id), cancellationToken);

        // A message still waiting for a retry is never deleted; a sent one has had its body erased already.
        var messages = await DeleteAsync(db.OutboxMessages.Where(m => m.SentAt < cutoff || m.GaveUpAt < cutoff).OrderBy(m => m.Id), cancellationToken);

        var mailHours = await DeleteAsync(db.MailQuotas.Where(q => q.Hour < firstKeptHour)
            .OrderBy(q => q.Recipient).ThenBy(q => q.Kind).ThenBy(q => q.Hour), cancellationToken);

        // A window whose events were more than the one mailed is kept: the next notice of its kind tells how many there were.
        var windows = await DeleteAsync(db.NoticeWindows.Where(w => w.StartedAt < cutoff && w.Events <= 1)
            .OrderBy(w => w.AccountId).ThenBy(w => w.Kind), cancellationToken);

        // OpenIddict's own rows, by its own pruning (as its Quartz job would): codes, refresh and request tokens that are
        // expired, redeemed or revoked, and the ad-hoc authorizations left without a valid token, made before the cutoff.
        var tokens = (int)await oidcTokens.PruneAsync(cutoff, cancellationToken);
        var authorizations = (int)await oidcAuthorizations.PruneAsync(cutoff, cancellationToken);
        // A replaced key is no longer loaded once it retires.
        var keys = await DeleteAsync(db.OidcKeys.Where(k => k.RetiresAt < cutoff).OrderBy(k => k.Id), cancellationToken);

        var requestWindows = await DeleteAsync(db.RequestWindows.Where(w => w.EndsAt <= now).OrderBy(w => w.Partition).ThenBy(w => w.WindowStart),
            cancellationToken);

        return new PruneResult(changes, challenges, unconfirmed, confirmations, links, sessions, codes, attempts, throttles, quotaDays, quotaHours, riskDays, spentChecks, signIns,
            messages, mailHours, windows, tokens, authorizations, keys, releases, uploads, exports, passkeyAdditions, requestWindows);
    }

    private async Task<int> DeleteAsync<T>(IQueryable<T> expired, CancellationToken cancellationToken)
    {
        var deleted = 0;
        for (var batch = 0; batch < MaxBatchesPerKind; batch++)
        {
            var count = await expired.Take(Settings.BatchSize).ExecuteDeleteAsync(cancellationToken);
            deleted += count;
            if (count < Settings.BatchSize)
            {
                break;
            }
        }
        return deleted;
    }
}
