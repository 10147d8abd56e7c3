using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

/// <summary>Another e-mail address that logs in like the account's main one. Exists only once confirmed by its owner.</summary>
public sealed class AccountAlias
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }

    /// <summary>Trimmed and lowercased; unique across all aliases, and never any account's main e-mail.</summary>
    public required string Email { get; set; }

    public DateTimeOffset ConfirmedAt { get; set; }
}

public sealed class AccountAliasConfiguration : IEntityTypeConfiguration<AccountAlias>
{
    public void Configure(EntityTypeBuilder<AccountAlias> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(a => a.Email).IsUnique();
        builder.HasIndex(a => a.AccountId);
        builder.Property(a => a.Email).HasMaxLength(254);
    }
}
