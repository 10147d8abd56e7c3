using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>
/// SMS answers sent to one account in one UTC hour: by one relying party, or by all of them together
/// (<see cref="EveryRelyingParty"/>). The key makes the first SMS of an hour a unique insert and every later one a
/// conditional increment, so the hourly limits hold under concurrent requests and across server instances.
/// </summary>
public sealed class SmsHourlyQuota
{
    /// <summary>The <see cref="RelyingPartyId"/> of the row that counts every relying party's SMS to the account.</summary>
    public static readonly Guid EveryRelyingParty = Guid.Empty;

    public Guid AccountId { get; set; }

    /// <summary>The relying party that asked for the SMS, or <see cref="EveryRelyingParty"/>.</summary>
    public Guid RelyingPartyId { get; set; }

    /// <summary>The start of the UTC hour (see <see cref="Storage.UtcPeriods.HourOf"/>).</summary>
    public DateTimeOffset Hour { get; set; }

    public int Sent { get; set; }
}

public sealed class SmsHourlyQuotaConfiguration : IEntityTypeConfiguration<SmsHourlyQuota>
{
    public void Configure(EntityTypeBuilder<SmsHourlyQuota> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("SmsHourlyQuotas");
        builder.HasKey(q => new { q.AccountId, q.RelyingPartyId, q.Hour });
        builder.HasIndex(q => q.Hour);
    }
}
