using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Passkeys;

/// <summary>
/// A passkey (a WebAuthn credential: a fingerprint, a face or a screen lock behind a key pair on the person's device)
/// registered to an account. The server keeps only the public key and the authenticator's signature counter.
/// </summary>
public sealed class Passkey
{
    public const int MaxNameLength = 64;

    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required byte[] CredentialId { get; set; }

    /// <summary>The credential's public key as COSE_Key.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>The highest signature counter the authenticator reported; one that does not grow past it is a copy's.</summary>
    public long SignCount { get; set; }

    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Set when the counter went backwards (the passkey may have been copied): it answers nothing until revoked and added again.</summary>
    public DateTimeOffset? LockedAt { get; set; }
}

/// <summary>
/// Adding a passkey: the creation options sent to the browser (their challenge is what the new credential signs), kept
/// until the cipher pad confirmed the addition and the browser sent the new credential, once, within
/// <see cref="PasskeyOptions.RegistrationLifetime"/>.
/// </summary>
public sealed class PasskeyRegistration
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
    public required string OptionsJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

public sealed class PasskeyConfiguration : IEntityTypeConfiguration<Passkey>
{
    public void Configure(EntityTypeBuilder<Passkey> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(p => p.CredentialId).IsUnique();
        builder.HasIndex(p => p.AccountId);
        builder.Property(p => p.Name).HasMaxLength(Passkey.MaxNameLength);
    }
}

public sealed class PasskeyRegistrationConfiguration : IEntityTypeConfiguration<PasskeyRegistration>
{
    public void Configure(EntityTypeBuilder<PasskeyRegistration> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(r => r.AccountId);
        builder.Property(r => r.Name).HasMaxLength(Passkey.MaxNameLength);
    }
}
