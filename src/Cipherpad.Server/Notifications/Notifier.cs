using Cipherpad.Server.Localization;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Notifications;

/// <summary>
/// The facts mailed to the owner: authorizations, which the owner chooses on <c>/account/notifications</c>, and changes
/// to the account's security, which are always mailed (<see cref="Notifier.AlwaysMailed"/>).
/// </summary>
[Flags]
public enum NotificationKind
{
    None = 0,
    SuccessfulLogins = 1,
    FailedAttempts = 2,
    PaymentConfirmations = 4,
    NewDevice = 8,
    AliasChanges = 16,
    Recovery = 32,

    /// <summary>Any other change that bears on security: pads, methods, security question, confirm-all, e-mail or phone.</summary>
    SecurityChanges = 64,

    /// <summary>The key vault: an item stored, released, refused or deleted.</summary>
    Vault = 128,
    Default = FailedAttempts | PaymentConfirmations | NewDevice | AliasChanges | Recovery | Vault,
}

/// <summary>
/// E-mails a fact to the account's owner when they chose that kind, and every change to the account's security whatever
/// they chose: what happened, where, when, and what to do if it was not them. A security change is what an intruder
/// with the owner's pad, or someone who talked support into it, would do first, and turning its mail off would be the
/// step before; so the owner cannot turn it off. The mail goes through the outbox and is saved with the request's other
/// changes: call it once the fact is decided, inside the transaction that records it when there is one.
/// Kinds that anyone can cause (<see cref="Coalesced"/>: a stranger's wrong answers lock questions) are mailed at most
/// once per <see cref="NoticeWindow.Length"/>: the first event mails at once, later ones in the window are counted,
/// and the first mail after the window says how many there were. Otherwise a guesser could fill the owner's mailbox
/// with notices and hide the mail that matters among them. The other kinds need the owner's cipher pad or a link from
/// the owner's mailbox, and each is a distinct fact (this login, this payment, this pad), so each is mailed.
/// </summary>
public sealed class Notifier(CipherpadDbContext db, Outbox outbox, Translator translator, TimeProvider time)
{
    public const NotificationKind Coalesced = NotificationKind.FailedAttempts;

    /// <summary>Mailed whatever the owner chose: the changes that bear on the account's security.</summary>
    public const NotificationKind AlwaysMailed =
        NotificationKind.NewDevice | NotificationKind.AliasChanges | NotificationKind.Recovery | NotificationKind.SecurityChanges;

    /// <summary>What the owner chooses to be told about: authorizations.</summary>
    public static readonly IReadOnlyList<(NotificationKind Kind, string Label)> Choices =
    [
        (NotificationKind.SuccessfulLogins, "Successful logins"),
        (NotificationKind.FailedAttempts, "Failed attempts (a question locked after wrong answers)"),
        (NotificationKind.PaymentConfirmations, "Payment confirmations"),
        (NotificationKind.Vault, "The key vault: items stored, released, refused and deleted"),
    ];

    public Task NotifyAsync(Guid accountId, NotificationKind kind, Text what, Text? where, CancellationToken cancellationToken) =>
        NotifyAsync(accountId, kind, what, where, [], cancellationToken);

    /// <summary>
    /// Mails a change of the account's e-mail address to the new address and to <paramref name="formerEmail"/>: the mailbox
    /// the owner had learns that the account left it, the one way an owner finds out that someone else had it moved.
    /// </summary>
    public Task NotifyEmailChangedAsync(Guid accountId, string formerEmail, Text what, Text? where, CancellationToken cancellationToken) =>
        NotifyAsync(accountId, NotificationKind.SecurityChanges, what, where, [formerEmail], cancellationToken);

    /// <summary>The read with which a notice learns whether the owner chose its kind, to send ahead.</summary>
    public static ReadAhead ChosenKindsRead(Guid accountId) => ReadAhead.SingleOrDefault<int?>(ChosenKindsSql, new { accountId });

    private const string ChosenKindsSql = """SELECT "Notifications" FROM "Accounts" WHERE "Id" = @accountId""";

    private async Task NotifyAsync(Guid accountId, NotificationKind kind, Text what, Text? where, IReadOnlyList<string> alsoTo,
        CancellationToken cancellationToken)
    {
        // Most authorizations are of a kind the owner did not choose: that is known from one column, before anything else is read.
        if ((AlwaysMailed & kind) == 0
            && ((NotificationKind)(await db.SingleOrDefaultAsync<int?>(ChosenKindsSql, new { accountId }, cancellationToken) ?? 0) & kind) == 0)
        {
            return;
        }
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        Text? earlier = null;
        Text? batching = null;
        if ((Coalesced & kind) != 0)
        {
            if (await OpenWindowAsync(accountId, kind, now, cancellationToken) is not { } previous)
            {
                return;
            }
            earlier = previous.Events > 1
                ? (Text)$"{previous.Events} {Plural(kind)} in the hour from {previous.StartedAt:u}; we mailed you about the first of them."
                : null;
            batching = "If there are more in the next hour, we count them and tell you how many in the next mail about this, instead of mailing each.";
        }
        Text why = (AlwaysMailed & kind) != 0
            ? "Every change to your account's security is mailed to you; this cannot be turned off."
            : "You chose to be told about this in your personal account's notification settings.";
        foreach (var recipient in alsoTo.Prepend(account.Email))
        {
            outbox.Email(recipient, translator.In(account.Language, $"Cipherpad: {what}"), translator.Lines(account.Language,
                $"Hello {account.FirstName},", "",
                what,
                $"When: {now:u}",
                where is null ? null : (Text)$"Where: {where}", "",
                earlier, batching, AdviceOn(kind), "",
                why));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>What the owner should do on being told of <paramref name="kind"/>.</summary>
    internal static Text AdviceOn(NotificationKind kind) => kind switch
    {
        NotificationKind.FailedAttempts => "Someone may be trying to log in as you. Your account is safe as long as your cipher pad is yours; nobody can log in without its answer.",
        NotificationKind.NewDevice or NotificationKind.Recovery =>
            "If this was not you, revoke that cipher pad in your personal account now, and change your security question; if you cannot sign in, use recovery or contact support.",
        _ => "If this was not you, sign in to your personal account, revoke any cipher pad you do not recognise, and contact support.",
    };

    private static Text Plural(NotificationKind kind) => kind switch
    {
        NotificationKind.FailedAttempts => "failed attempts (questions locked after wrong answers)",
        _ => "such events",
    };

    /// <summary>
    /// Counts the event in the account's window for <paramref name="kind"/>; when the event opens a new window (the
    /// first ever, or the first after <see cref="NoticeWindow.Length"/>), returns the previous window to be told, else null.
    /// The opening is a conditional update, so of any number of events at once exactly one opens the window.
    /// </summary>
    private async Task<(DateTimeOffset StartedAt, int Events)?> OpenWindowAsync(Guid accountId, NotificationKind kind, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // A first row whose window ended long ago, so that the first event opens one; stored as UTC ticks (see CipherpadDbContext).
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "NoticeWindows" ("AccountId", "Kind", "StartedAt", "Events", "PreviousEvents") VALUES ({accountId}, {(int)kind}, {DateTimeOffset.UnixEpoch.UtcTicks}, 0, 0) ON CONFLICT DO NOTHING""",
            cancellationToken);
        var window = db.NoticeWindows.Where(w => w.AccountId == accountId && w.Kind == kind);
        var ended = now - NoticeWindow.Length;
        // SET reads the values from before the update, so the previous window keeps the one being closed.
        var opened = await window.Where(w => w.StartedAt <= ended).ExecuteUpdateAsync(w => w
            .SetProperty(x => x.PreviousStartedAt, x => x.StartedAt)
            .SetProperty(x => x.PreviousEvents, x => x.Events)
            .SetProperty(x => x.StartedAt, now)
            .SetProperty(x => x.Events, 1), cancellationToken) == 1;
        if (!opened)
        {
            await window.ExecuteUpdateAsync(w => w.SetProperty(x => x.Events, x => x.Events + 1), cancellationToken);
            return null;
        }
        var previous = await window.AsNoTracking().Select(w => new { w.PreviousStartedAt, w.PreviousEvents }).SingleAsync(cancellationToken);
        return (previous.PreviousStartedAt ?? now, previous.PreviousEvents);
    }
}
