using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

/// <summary>A completed recovery, counted for the limit per window.</summary>
public sealed class RecoveryRecord
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class RecoveryRecordConfiguration : IEntityTypeConfiguration<RecoveryRecord>
{
    public void Configure(EntityTypeBuilder<RecoveryRecord> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(r => new { r.AccountId, r.At });
    }
}
