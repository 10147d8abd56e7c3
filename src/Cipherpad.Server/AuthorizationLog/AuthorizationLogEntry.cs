using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.AuthorizationLog;

/// <summary>One authorization fact. Append-only: nothing updates or deletes entries.</summary>
public sealed class AuthorizationLogEntry
{
    public long Id { get; set; }
    public Guid? AccountId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>success, wrong, expired, locked, throttled, unknown-account, …</summary>
    public required string Result { get; set; }

    /// <summary>app, sms, activation, …</summary>
    public required string Method { get; set; }

    /// <summary>login, action, payment, activation, …</summary>
    public required string Purpose { get; set; }

    public string? RelyingParty { get; set; }
    public string? Ip { get; set; }
    public Guid? DeviceId { get; set; }
    public Guid? ChallengeId { get; set; }
    public string? Detail { get; set; }
}

public sealed class AuthorizationLogEntryConfiguration : IEntityTypeConfiguration<AuthorizationLogEntry>
{
    public void Configure(EntityTypeBuilder<AuthorizationLogEntry> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Every read of an account's log walks this from the newest entry: (time, id) is the log's order, newest first. On
        // PostgreSQL it also carries what the filters and their choices read, so counting and filtering never visit the table.
        builder.HasIndex(e => new { e.AccountId, e.At, e.Id }).IncludeProperties(e => new { e.Result, e.Method, e.RelyingParty });
        builder.Property(e => e.Result).HasMaxLength(32);
        builder.Property(e => e.Method).HasMaxLength(32);
        builder.Property(e => e.Purpose).HasMaxLength(32);
        builder.Property(e => e.RelyingParty).HasMaxLength(64);
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.Detail).HasMaxLength(500);
    }
}
