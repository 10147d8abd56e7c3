using Cipherpad.Server.Localization;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Notifications;

/// <summary>
/// Tells the owner how many coalesced notices a window held once it is over, when no later notice told them: without
/// this, "60 failed attempts" would wait for the next attempt, which may never come. Each window is claimed by a
/// conditional update (its count goes back to the one event already mailed), together with its mail in one transaction,
/// so of any number of runs and instances exactly one mails it, and a crash leaves the count untold rather than lost.
/// </summary>
public sealed class NoticeDigests(CipherpadDbContext db, Outbox outbox, Translator translator, TimeProvider time)
{
    private const int BatchSize = 100;

    /// <summary>Mails every window that has ended with events not yet told; returns how many were mailed.</summary>
    public async Task<int> MailDueAsync(CancellationToken cancellationToken)
    {
        var ended = time.GetUtcNow() - NoticeWindow.Length;
        var due = await db.NoticeWindows.AsNoTracking().Where(w => w.Kind == Notifier.Coalesced && w.StartedAt <= ended && w.Events > 1)
            .OrderBy(w => w.StartedAt).Take(BatchSize).ToListAsync(cancellationToken);
        var mailed = 0;
        foreach (var window in due)
        {
            await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
            var claimed = await db.NoticeWindows
                .Where(w => w.AccountId == window.AccountId && w.Kind == window.Kind && w.StartedAt == window.StartedAt && w.Events == window.Events)
                .ExecuteUpdateAsync(w => w.SetProperty(x => x.Events, 1), cancellationToken) == 1;
            var account = claimed ? await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == window.AccountId, cancellationToken) : null;
            if (account is not null && (account.Notifications & window.Kind) != 0)
            {
                outbox.Email(account.Email, translator.In(account.Language, $"Cipherpad: {window.Events} failed attempts in an hour"),
                    translator.Lines(account.Language,
                        $"Hello {account.FirstName},", "",
                        $"in the hour from {window.StartedAt:u}, {window.Events} questions for your account were locked after wrong answers.",
                        "We mailed you about the first of them and counted the others.", "",
                        Notifier.AdviceOn(window.Kind),
                        "If this goes on, your next questions may be longer: type all of the question into your cipher pad.", "",
                        "You chose to be told about this in your personal account's notification settings."));
                await db.SaveChangesAsync(cancellationToken);
                mailed++;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return mailed;
    }
}
