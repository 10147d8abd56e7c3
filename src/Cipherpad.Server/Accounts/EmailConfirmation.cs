using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

/// <summary>An e-mail confirmation link; only the token's hash is stored.</summary>
public sealed class EmailConfirmation
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

public sealed class EmailConfirmationConfiguration : IEntityTypeConfiguration<EmailConfirmation>
{
    public void Configure(EntityTypeBuilder<EmailConfirmation> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(c => c.TokenHash).IsUnique();
    }
}
