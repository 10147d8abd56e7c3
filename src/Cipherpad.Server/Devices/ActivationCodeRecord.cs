using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Devices;

/// <summary>A one-time activation code sent by SMS; the code is encrypted because the key agreement needs it.</summary>
public sealed class ActivationCodeRecord
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required byte[] CodeProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

public sealed class ActivationCodeRecordConfiguration : IEntityTypeConfiguration<ActivationCodeRecord>
{
    public void Configure(EntityTypeBuilder<ActivationCodeRecord> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(c => c.AccountId);
    }
}
