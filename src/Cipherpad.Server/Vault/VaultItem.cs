using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Vault;

/// <summary>A named key file of one account; its content is in its versions.</summary>
public sealed class VaultItem
{
    public const int MaxNameLength = 100;

    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Whether relying parties may ask for it (through their API). Each release still needs the cipher pad's answer to
    /// a question that names the item and the relying party; without this, a relying party is told no such item exists.
    /// </summary>
    public bool RelyingPartiesMayAsk { get; set; }
}

/// <summary>
/// One stored content of an item, encrypted under its own data key (AES-256-GCM), which is kept only wrapped by the master
/// key (<see cref="Security.KeyWrapping"/>). Deleting the row destroys the data key, so the content is gone for good.
/// </summary>
public sealed class VaultItemVersion
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid ItemId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Size { get; set; }

    /// <summary>Nonce (12) ‖ tag (16) ‖ ciphertext, under the data key, with the version's id as associated data.</summary>
    public required byte[] Content { get; set; }

    /// <summary>The id of the master key that wraps <see cref="WrappedDataKey"/>.</summary>
    public required string DataKeyId { get; set; }

    public required byte[] WrappedDataKey { get; set; }
}

/// <summary>
/// A request to release one version of an item: the question it was asked with, and once answered, the ticket (only its
/// hash) that fetches the content once before <see cref="ExpiresAt"/>.
/// </summary>
public sealed class VaultRelease
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public Guid VersionId { get; set; }
    public Guid ChallengeId { get; set; }

    /// <summary>Who asked: the pad's device id, or the relying party's client id, as text.</summary>
    public required string Requester { get; set; }

    /// <summary>The relying party that asked and alone may answer; null when the account's own pad asked.</summary>
    public Guid? RelyingPartyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public string? TicketHash { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

public sealed class VaultItemConfiguration : IEntityTypeConfiguration<VaultItem>
{
    public void Configure(EntityTypeBuilder<VaultItem> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Property(i => i.Name).HasMaxLength(VaultItem.MaxNameLength);
        builder.HasIndex(i => new { i.AccountId, i.Name }).IsUnique();
        builder.HasOne<Accounts.Account>().WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class VaultItemVersionConfiguration : IEntityTypeConfiguration<VaultItemVersion>
{
    public void Configure(EntityTypeBuilder<VaultItemVersion> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(v => new { v.ItemId, v.Number }).IsUnique();
        builder.HasIndex(v => v.DataKeyId);
        builder.Property(v => v.DataKeyId).HasMaxLength(32);
        builder.HasOne<VaultItem>().WithMany().HasForeignKey(v => v.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class VaultReleaseConfiguration : IEntityTypeConfiguration<VaultRelease>
{
    public void Configure(EntityTypeBuilder<VaultRelease> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Property(r => r.Requester).HasMaxLength(64);
        builder.Property(r => r.TicketHash).HasMaxLength(64);
        builder.HasIndex(r => r.TicketHash).IsUnique();
        builder.HasIndex(r => r.ChallengeId);
        builder.HasOne<VaultItemVersion>().WithMany().HasForeignKey(r => r.VersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// A file uploaded on the personal account's page, waiting for the cipher pad to confirm storing it: encrypted at rest
/// like every secret (<see cref="Security.SecretProtector"/>, bound to this row), and deleted once stored or expired.
/// </summary>
public sealed class VaultUpload
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
    public required byte[] ContentProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class VaultUploadConfiguration : IEntityTypeConfiguration<VaultUpload>
{
    public void Configure(EntityTypeBuilder<VaultUpload> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Property(u => u.Name).HasMaxLength(VaultItem.MaxNameLength);
        builder.HasIndex(u => u.AccountId);
        builder.HasIndex(u => u.CreatedAt);
        builder.HasOne<Accounts.Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// An export asked for on the personal account's page: the question that confirms it, and the passphrase the file is to
/// be encrypted under, kept encrypted until the answer comes and then forgotten.
/// </summary>
public sealed class VaultExportRequest
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public Guid ChallengeId { get; set; }
    public byte[]? PassphraseProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

public sealed class VaultExportRequestConfiguration : IEntityTypeConfiguration<VaultExportRequest>
{
    public void Configure(EntityTypeBuilder<VaultExportRequest> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(e => e.AccountId);
        builder.HasIndex(e => e.CreatedAt);
        builder.HasOne<Accounts.Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
