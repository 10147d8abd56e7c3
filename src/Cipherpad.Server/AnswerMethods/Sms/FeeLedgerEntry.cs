using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>A fee charged to an account, such as for confirming a payment by SMS. Append-only.</summary>
public sealed class FeeLedgerEntry
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid ChallengeId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Currency { get; set; }

    /// <summary>In the currency's minor units, so sums are exact.</summary>
    public long MinorUnits { get; set; }

    public required string Reason { get; set; }
}

public sealed class FeeLedgerEntryConfiguration : IEntityTypeConfiguration<FeeLedgerEntry>
{
    public void Configure(EntityTypeBuilder<FeeLedgerEntry> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("FeeLedger");
        builder.HasIndex(f => new { f.AccountId, f.At });
        builder.Property(f => f.Currency).HasMaxLength(3);
        builder.Property(f => f.Reason).HasMaxLength(200);
    }
}
