using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Notifications;

/// <summary>The authorization facts a person can choose to be told about by e-mail.</summary>
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
    Default = FailedAttempts | PaymentConfirmations | NewDevice | AliasChanges | Recovery,
}

/// <summary>
/// E-mails a fact to the account's owner when they chose that kind: what happened, where, when, and what to do if it was
/// not them. The mail goes through the outbox and is saved with the request's other changes: call it once the fact is
/// decided, inside the transaction that records it when there is one.
/// </summary>
public sealed class Notifier(CipherpadDbContext db, Outbox outbox, TimeProvider time)
{
    public static readonly IReadOnlyList<(NotificationKind Kind, string Label)> Choices =
    [
        (NotificationKind.SuccessfulLogins, "Successful logins"),
        (NotificationKind.FailedAttempts, "Failed attempts (a question locked after wrong answers)"),
        (NotificationKind.PaymentConfirmations, "Payment confirmations"),
        (NotificationKind.NewDevice, "A new cipher pad activated"),
        (NotificationKind.AliasChanges, "Aliases added or removed"),
        (NotificationKind.Recovery, "Recovery of the account"),
    ];

    public async Task NotifyAsync(Guid accountId, NotificationKind kind, string what, string? where, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null || (account.Notifications & kind) == 0)
        {
            return;
        }
        var advice = kind switch
        {
            NotificationKind.FailedAttempts => "Someone may be trying to log in as you. Your account is safe as long as your cipher pad is yours; nobody can log in without its answer.",
            NotificationKind.NewDevice or NotificationKind.Recovery =>
                "If this was not you, revoke that cipher pad in your personal account now, and change your security question; if you cannot sign in, use recovery or contact support.",
            _ => "If this was not you, sign in to your personal account, revoke any cipher pad you do not recognise, and contact support.",
        };
        outbox.Email(account.Email, $"Cipherpad: {what}",
            $"""
            Hello {account.FirstName},

            {what}
            When: {time.GetUtcNow():u}
            {(where is null ? "" : $"Where: {where}")}

            {advice}

            You chose to be told about this in your personal account's notification settings.
            """);
        await db.SaveChangesAsync(cancellationToken);
    }
}
