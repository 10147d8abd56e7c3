using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Sessions;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts.Changes;

public sealed record ChangeConfirmation(VerifyResult Result, int AttemptsLeft, PendingAccountChange? Change);

/// <summary>
/// Every account change that matters goes through here: it is described, an action question is issued to the
/// account's own cipher pad, and the change is applied once, only after the right answer. Spending the answer and
/// applying the change commit in one transaction, so a crash between them loses neither half; so does the mail that
/// tells the owner of a change that bears on security.
/// </summary>
public sealed class AccountChanges(CipherpadDbContext db, ChallengeService challenges, RelyingPartyService relyingParties,
    IEnumerable<IAccountChangeHandler> handlers, SignInSessions sessions, Notifier notifier, TimeProvider time)
{
    /// <summary>Asks the account's cipher pad to confirm <paramref name="change"/>; null when the account has no active pad to ask.</summary>
    public async Task<PendingAccountChange?> RequestAsync(Guid accountId, AccountChange change, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var email = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).SingleAsync(cancellationToken);
        var issued = await challenges.CreateAsync(await relyingParties.BuiltInAsync(cancellationToken), email, Purpose.Action, description, null,
            cancellationToken: cancellationToken);
        if (!issued.Succeeded)
        {
            return null;
        }
        var pending = new PendingAccountChange
        {
            AccountId = accountId,
            Description = description,
            Change = change,
            ChallengeId = issued.Value.Id,
            CreatedAt = time.GetUtcNow(),
        };
        db.PendingAccountChanges.Add(pending);
        await db.SaveChangesAsync(cancellationToken);
        return pending;
    }

    public async Task<(PendingAccountChange Change, Challenge Challenge)?> FindAsync(Guid accountId, Guid changeId, CancellationToken cancellationToken)
    {
        var change = await db.PendingAccountChanges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == changeId && c.AccountId == accountId, cancellationToken);
        if (change is null)
        {
            return null;
        }
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var challenge = await challenges.FindAsync(party.Id, change.ChallengeId, cancellationToken);
        return challenge is null ? null : (change, challenge);
    }

    /// <summary>
    /// Checks the answer; on success applies the change exactly once and, for a change that bears on security, ends the
    /// account's other sign-in sessions (all but <paramref name="currentSession"/>) and mails the owner.
    /// </summary>
    public async Task<ChangeConfirmation> ConfirmAsync(Guid accountId, Guid changeId, string answer, string source, Guid? currentSession,
        CancellationToken cancellationToken)
    {
        var found = await FindAsync(accountId, changeId, cancellationToken);
        if (found is not { } pending || pending.Change.AppliedAt is not null)
        {
            return new(VerifyResult.AlreadyUsed, 0, null);
        }
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outcome = await challenges.VerifyAsync(party, pending.Challenge, answer, source, cancellationToken);
        if (outcome.Result == VerifyResult.Success)
        {
            var now = time.GetUtcNow();
            var claimed = await db.PendingAccountChanges.Where(c => c.Id == changeId && c.AppliedAt == null)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.AppliedAt, now), cancellationToken);
            if (claimed == 1)
            {
                var change = pending.Change.Change;
                var handler = handlers.SingleOrDefault(h => h.ChangeType == change.GetType())
                    ?? throw new InvalidOperationException($"No handler applies {change.GetType().Name}.");
                await handler.ApplyAsync(accountId, change, now, cancellationToken);
                if (handler.BearsOnSecurity)
                {
                    await sessions.EndAllAsync(accountId, SignInSessions.SecurityChange, currentSession, cancellationToken);
                    await notifier.NotifyAsync(accountId, NotificationKind.SecurityChanges, $"Confirmed with your cipher pad: {pending.Change.Description}.",
                        $"from {source}", cancellationToken);
                }
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return new(outcome.Result, outcome.Result == VerifyResult.Success ? 0 : outcome.AttemptsLeft, pending.Change);
    }
}
