using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Challenges;

/// <summary>
/// Consecutive failures against one account of one source ("answer:203.0.113.7"), or of all sources together
/// ("answer:*"), for exponential back-off; and when the source last succeeded for the account.
/// </summary>
public sealed class SourceThrottle
{
    public Guid AccountId { get; set; }
    public required string Source { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset? BlockedUntil { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
}

public sealed class SourceThrottleConfiguration : IEntityTypeConfiguration<SourceThrottle>
{
    public void Configure(EntityTypeBuilder<SourceThrottle> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasKey(t => new { t.AccountId, t.Source });
        builder.Property(t => t.Source).HasMaxLength(96);
    }
}
