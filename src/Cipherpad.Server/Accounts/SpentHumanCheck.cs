using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// A solved human check that has been used. The challenge is the key, so claiming it is one insert that only one request
/// can win; the row is needed only until the challenge expires, after which the signature check refuses it anyway.
/// </summary>
public sealed class SpentHumanCheck
{
    /// <summary>The challenge: SHA-256 of salt and number, lowercase hex.</summary>
    public required string Challenge { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class SpentHumanCheckConfiguration : IEntityTypeConfiguration<SpentHumanCheck>
{
    public void Configure(EntityTypeBuilder<SpentHumanCheck> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasKey(s => s.Challenge);
        builder.Property(s => s.Challenge).HasMaxLength(64);
        builder.HasIndex(s => s.ExpiresAt);
    }
}
