using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts;

public enum AccountChangeKind
{
    ConfirmAllOperations,
    RenameDevice,
    RevokeDevice,
    AddDevice,
    Methods,
    SecurityQuestion,
    AddAlias,
    RemoveAlias,
    Notifications,
}

/// <summary>A change to an account that waits for the owner's cipher pad to confirm it (action purpose).</summary>
public sealed class PendingAccountChange
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public AccountChangeKind Kind { get; set; }

    /// <summary>What the user confirms, as shown on the page and in the cipher pad's QR payload.</summary>
    public required string Description { get; set; }

    public string? Argument { get; set; }
    public string? SecondArgument { get; set; }
    public Guid ChallengeId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
}

public sealed record ChangeConfirmation(VerifyResult Result, int AttemptsLeft, PendingAccountChange? Change);

/// <summary>
/// Every account change that matters goes through here: it is described, an action question is issued to the
/// account's own cipher pad, and the change is applied once, only after the right answer.
/// </summary>
public sealed class AccountChanges(CipherpadDbContext db, ChallengeService challenges, RelyingPartyService relyingParties, AccountService accounts,
    AnswerMethods.AccountMethods methods, Devices.DeviceRegistry devices, Aliases aliases, Notifications.Notifier notifier, TimeProvider time)
{
    public async Task<(PendingAccountChange? Change, Challenge? Challenge)> RequestAsync(Guid accountId, AccountChangeKind kind, string description,
        string? argument = null, string? secondArgument = null, CancellationToken cancellationToken = default)
    {
        var email = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).SingleAsync(cancellationToken);
        var issued = await challenges.CreateAsync(await relyingParties.BuiltInAsync(cancellationToken), email, Purpose.Action, description, null,
            cancellationToken: cancellationToken);
        if (!issued.Succeeded)
        {
            return (null, null); // no active cipher pad to confirm with
        }
        var change = new PendingAccountChange
        {
            AccountId = accountId,
            Kind = kind,
            Description = description,
            Argument = argument,
            SecondArgument = secondArgument,
            ChallengeId = issued.Value.Id,
            CreatedAt = time.GetUtcNow(),
        };
        db.PendingAccountChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        return (change, issued.Value);
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

    /// <summary>Checks the answer; on success applies the change exactly once.</summary>
    public async Task<ChangeConfirmation> ConfirmAsync(Guid accountId, Guid changeId, string answer, string source, CancellationToken cancellationToken)
    {
        var found = await FindAsync(accountId, changeId, cancellationToken);
        if (found is not { } pending || pending.Change.AppliedAt is not null)
        {
            return new(VerifyResult.AlreadyUsed, 0, null);
        }
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var outcome = await challenges.VerifyAsync(party, pending.Challenge, answer, source, cancellationToken);
        if (outcome.Result != VerifyResult.Success)
        {
            return new(outcome.Result, outcome.AttemptsLeft, pending.Change);
        }
        var now = time.GetUtcNow();
        var claimed = await db.PendingAccountChanges.Where(c => c.Id == changeId && c.AppliedAt == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.AppliedAt, now), cancellationToken);
        if (claimed == 1)
        {
            await ApplyAsync(pending.Change, now, cancellationToken);
        }
        return new(VerifyResult.Success, 0, pending.Change);
    }

    private async Task ApplyAsync(PendingAccountChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var accountId = change.AccountId;
        switch (change.Kind)
        {
            case AccountChangeKind.ConfirmAllOperations:
                await db.Accounts.Where(a => a.Id == accountId)
                    .ExecuteUpdateAsync(a => a.SetProperty(x => x.ConfirmAllOperations, change.Argument == "on"), cancellationToken);
                break;
            case AccountChangeKind.RenameDevice:
                await devices.RenameAsync(accountId, Guid.Parse(change.Argument!), change.SecondArgument!, cancellationToken);
                break;
            case AccountChangeKind.RevokeDevice:
                await devices.RevokeAsync(accountId, Guid.Parse(change.Argument!), now, cancellationToken);
                break;
            case AccountChangeKind.AddDevice:
                await accounts.SendActivationCodeAsync(await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken), cancellationToken);
                break;
            case AccountChangeKind.Methods:
                await methods.SetAsync(accountId, methods.Known(change.Argument!.Split(' ')), cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                break;
            case AccountChangeKind.SecurityQuestion:
                await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a
                    .SetProperty(x => x.SecurityQuestion, change.Argument!)
                    .SetProperty(x => x.SecurityAnswerHash, change.SecondArgument!), cancellationToken);
                break;
            case AccountChangeKind.AddAlias:
                await aliases.SendConfirmationAsync(accountId, change.Argument!, cancellationToken);
                break;
            case AccountChangeKind.RemoveAlias:
                var aliasId = Guid.Parse(change.Argument!);
                await db.AccountAliases.Where(a => a.Id == aliasId && a.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
                await notifier.NotifyAsync(accountId, Notifications.NotificationKind.AliasChanges, change.Description + ": done.", null, cancellationToken);
                break;
            case AccountChangeKind.Notifications:
                await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a
                    .SetProperty(x => x.Notifications, (Notifications.NotificationKind)int.Parse(change.Argument!, System.Globalization.CultureInfo.InvariantCulture)),
                    cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"Unknown account change {change.Kind}.");
        }
    }
}
