using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

public enum EmailLinkKind
{
    /// <summary>Recovery after the security question: choose methods, old cipher pads stop, new activation code.</summary>
    Recovery,
    /// <summary>"Forgot activation code": a new code by SMS for a cipher pad being activated.</summary>
    NewActivationCode,
    /// <summary>Proves that the owner of an address wants it as an alias of the account.</summary>
    AddAlias,
}

/// <summary>A single-use link sent by e-mail; only the token's hash is stored.</summary>
public sealed class EmailLink
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public EmailLinkKind Kind { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>For <see cref="EmailLinkKind.AddAlias"/>: the address being added.</summary>
    public string? Address { get; set; }
}

public sealed class EmailLinkConfiguration : IEntityTypeConfiguration<EmailLink>
{
    public void Configure(EntityTypeBuilder<EmailLink> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.Property(l => l.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(l => l.TokenHash).HasMaxLength(64);
        builder.Property(l => l.Address).HasMaxLength(254);
    }
}
