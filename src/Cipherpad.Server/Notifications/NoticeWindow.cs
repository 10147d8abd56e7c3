using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Notifications;

/// <summary>
/// The window in which notices of one kind to one account are counted instead of mailed (<see cref="Notifier"/>): the
/// event that opens a window is mailed; the others in the following <see cref="Length"/> only add to
/// <see cref="Events"/>; the first event after it opens the next window and its mail tells the previous window's count.
/// </summary>
public sealed class NoticeWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(1);

    public Guid AccountId { get; set; }

    public NotificationKind Kind { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Events in this window, the mailed one included.</summary>
    public int Events { get; set; }

    /// <summary>When the previous window started; null before the second window.</summary>
    public DateTimeOffset? PreviousStartedAt { get; set; }

    /// <summary>Events in the previous window, of which only the first was mailed.</summary>
    public int PreviousEvents { get; set; }
}

public sealed class NoticeWindowConfiguration : IEntityTypeConfiguration<NoticeWindow>
{
    public void Configure(EntityTypeBuilder<NoticeWindow> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("NoticeWindows");
        builder.HasKey(w => new { w.AccountId, w.Kind });
        builder.HasIndex(w => w.StartedAt);
    }
}
