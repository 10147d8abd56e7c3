using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Challenges;

/// <summary>
/// The chance, summed over one UTC day, that any of the wrong answers evaluated against an account had been right:
/// what guessing has spent of the account's daily budget (<see cref="ChallengeOptions.GuessRiskPerDay"/>).
/// </summary>
public sealed class GuessRisk
{
    public Guid AccountId { get; set; }

    /// <summary>The UTC day as yyyymmdd (<see cref="Storage.UtcPeriods.DayOf"/>).</summary>
    public int Day { get; set; }

    /// <summary>The chances of the answers evaluated that day and not yet found right, summed.</summary>
    public double Spent { get; set; }
}

public sealed class GuessRiskConfiguration : IEntityTypeConfiguration<GuessRisk>
{
    public void Configure(EntityTypeBuilder<GuessRisk> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasKey(r => new { r.AccountId, r.Day });
    }
}
