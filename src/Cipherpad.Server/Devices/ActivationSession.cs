using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Devices;

/// <summary>An activation in progress: the server's ephemeral key, kept encrypted so any instance can finish it.</summary>
public sealed class ActivationSession
{
    public required string Id { get; set; }
    public Guid ActivationCodeId { get; set; }
    public required byte[] EphemeralKeyProtected { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public sealed class ActivationSessionConfiguration : IEntityTypeConfiguration<ActivationSession>
{
    public void Configure(EntityTypeBuilder<ActivationSession> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Property(s => s.Id).HasMaxLength(40);
    }
}
