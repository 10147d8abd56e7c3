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

/// <summary>E-mails a fact to the account's owner when they chose that kind: what happened, where, when, and what to do if it was not them.</summary>
public sealed class Notifier(CipherpadDbContext db, IEmailSender email, TimeProvider time, ILogger<Notifier> logger)
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
        try
        {
            await email.SendAsync(account.Email, $"Cipherpad: {what}",
                $"""
                Hello {account.FirstName},

                {what}
                When: {time.GetUtcNow():u}
                {(where is null ? "" : $"Where: {where}")}

                {advice}

                You chose to be told about this in your personal account's notification settings.
                """, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or MailKit.ServiceNotConnectedException or MailKit.Net.Smtp.SmtpCommandException
            or MailKit.Net.Smtp.SmtpProtocolException or System.Net.Sockets.SocketException)
        {
            // A notification is never worth failing the authorization it reports.
            logger.LogWarning(exception, "Could not send a {Kind} notification", kind);
        }
    }
}
