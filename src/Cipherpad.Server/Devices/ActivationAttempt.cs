using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Devices;

/// <summary>
/// Wrong activation finishes from one source (<see cref="Web.ClientAddress.GuessingSource"/>) against one subject: an
/// activation code (its id), or an e-mail that had no code to try (a hash of it), kept until <see cref="ExpiresAt"/>.
/// </summary>
public sealed class ActivationAttempt
{
    public required string Subject { get; set; }
    public required string Source { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class ActivationAttemptConfiguration : IEntityTypeConfiguration<ActivationAttempt>
{
    public void Configure(EntityTypeBuilder<ActivationAttempt> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasKey(a => new { a.Subject, a.Source });
        builder.Property(a => a.Subject).HasMaxLength(48);
        builder.Property(a => a.Source).HasMaxLength(64);
        builder.HasIndex(a => a.ExpiresAt);
    }
}
