using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Notifications;

/// <summary>
/// Bounds the mails anyone can make the server send to one recipient: at most <see cref="EmailOptions.PerRecipientPerHour"/>
/// of each <see cref="MailQuotaKind"/> per UTC hour. A mail is reserved before it is queued, in two statements that
/// hold under any number of parallel requests and server instances: the hour's row is inserted unless it exists
/// (<c>ON CONFLICT DO NOTHING</c>, the same on SQLite and PostgreSQL, and harmless inside a transaction), then one
/// conditional <c>UPDATE … SET Sent = Sent + 1 WHERE … AND Sent &lt; limit</c> takes the mail or finds none left.
/// </summary>
public sealed class MailQuotas(CipherpadDbContext db, IOptions<CipherpadOptions> options, TimeProvider time)
{
    /// <summary>Takes one mail of <paramref name="kind"/> to <paramref name="recipient"/> from this hour's count; false when none is left.</summary>
    public async Task<bool> TryReserveAsync(string recipient, MailQuotaKind kind, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        var hour = UtcPeriods.HourOf(time.GetUtcNow());
        var limit = options.Value.Email.PerRecipientPerHour;
        // The hour is stored as UTC ticks (CipherpadDbContext's conversion); raw SQL has to pass it in that form.
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "MailQuotas" ("Recipient", "Kind", "Hour", "Sent") VALUES ({recipient}, {(int)kind}, {hour.UtcTicks}, 0) ON CONFLICT DO NOTHING""",
            cancellationToken);
        return await db.MailQuotas.Where(q => q.Recipient == recipient && q.Kind == kind && q.Hour == hour && q.Sent < limit)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent + 1), cancellationToken) == 1;
    }
}
