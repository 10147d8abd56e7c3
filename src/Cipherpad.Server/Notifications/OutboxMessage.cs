using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Notifications;

public enum OutboxChannel
{
    Email,
    Sms,

    /// <summary>A Web Push message to a pad; the recipient is the pad's id.</summary>
    Push,

    /// <summary>An event posted to a relying party's webhook; the recipient is the relying party's id, the subject the event's type.</summary>
    Webhook,
}

/// <summary>
/// An e-mail or SMS waiting to be sent, saved in the same transaction as the change that caused it, so a message is
/// neither lost when the process dies nor sent for a change that was rolled back. The body carries codes and links,
/// so it is kept encrypted under the master key and erased once sent.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public OutboxChannel Channel { get; set; }

    /// <summary>An e-mail address or a phone number in international form.</summary>
    public required string Recipient { get; set; }

    public string? Subject { get; set; }
    public required byte[] BodyProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not sent before this time: the first attempt is immediate, retries back off.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>While a sender holds the message; a sender that died releases it when this passes.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public int Attempts { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Set when the last attempt failed and no more will be made.</summary>
    public DateTimeOffset? GaveUpAt { get; set; }

    public string? LastError { get; set; }
}

public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("OutboxMessages");
        builder.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
        builder.Property(m => m.Channel).HasConversion<string>().HasMaxLength(8);
        builder.Property(m => m.Recipient).HasMaxLength(254);
        builder.Property(m => m.Subject).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(500);
    }
}
