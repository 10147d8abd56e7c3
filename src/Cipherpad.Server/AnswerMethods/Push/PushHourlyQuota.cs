using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>
/// Approval requests sent to one account in one UTC hour. The first of an hour inserts the row and every later one is a
/// conditional increment, inside the transaction that saves the question, so the limit holds under concurrent requests
/// and across server instances, and a question that is not saved takes nothing.
/// </summary>
public sealed class PushHourlyQuota
{
    public Guid AccountId { get; set; }

    /// <summary>The start of the UTC hour (see <see cref="Storage.UtcPeriods.HourOf"/>).</summary>
    public DateTimeOffset Hour { get; set; }

    public int Sent { get; set; }
}

public sealed class PushHourlyQuotaConfiguration : IEntityTypeConfiguration<PushHourlyQuota>
{
    public void Configure(EntityTypeBuilder<PushHourlyQuota> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("PushHourlyQuotas");
        builder.HasKey(q => new { q.AccountId, q.Hour });
        builder.HasIndex(q => q.Hour);
    }
}
