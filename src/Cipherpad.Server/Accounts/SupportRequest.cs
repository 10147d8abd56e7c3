using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

/// <summary>A request from someone who lost access to their e-mail or phone; an administrator resolves it with the admin commands.</summary>
public sealed class SupportRequest
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public DateTimeOffset CreatedAt { get; set; }
    public required string AccountEmail { get; set; }
    public required string Name { get; set; }
    public required string Contact { get; set; }
    public required string Lost { get; set; }
    public required string Message { get; set; }
    public string? Ip { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? Resolution { get; set; }
}

public sealed class SupportRequestConfiguration : IEntityTypeConfiguration<SupportRequest>
{
    public void Configure(EntityTypeBuilder<SupportRequest> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Property(r => r.AccountEmail).HasMaxLength(254);
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Contact).HasMaxLength(254);
        builder.Property(r => r.Lost).HasMaxLength(16);
        builder.Property(r => r.Message).HasMaxLength(2000);
        builder.Property(r => r.Ip).HasMaxLength(64);
        builder.Property(r => r.Resolution).HasMaxLength(500);
    }
}
