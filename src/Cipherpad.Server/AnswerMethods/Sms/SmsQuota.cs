using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>SMS answers sent to one account on one UTC day, for the daily limit of non-payment SMS.</summary>
public sealed class SmsQuota
{
    public Guid AccountId { get; set; }

    /// <summary>The UTC day as yyyymmdd.</summary>
    public int Day { get; set; }

    public int Sent { get; set; }
}

public sealed class SmsQuotaConfiguration : IEntityTypeConfiguration<SmsQuota>
{
    public void Configure(EntityTypeBuilder<SmsQuota> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("SmsQuotas");
        builder.HasKey(q => new { q.AccountId, q.Day });
    }
}
