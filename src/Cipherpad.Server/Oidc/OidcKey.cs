using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Oidc;

public enum OidcKeyUse
{
    /// <summary>An RSA key that signs identity and access tokens (RS256); its public half is in the JWKS document.</summary>
    Signing,

    /// <summary>An AES-256 key that encrypts what only this server reads back: authorization codes and refresh tokens.</summary>
    Encryption,
}

/// <summary>
/// A key of the OpenID Connect provider, kept encrypted under the master key. The newest key of each use is the current
/// one; a key replaced by <c>oidc rotate-keys</c> is kept, published and able to read tokens, until <see cref="RetiresAt"/>,
/// so tokens issued before a rotation keep working for their whole lifetime.
/// </summary>
public sealed class OidcKey
{
    /// <summary>The key id (<c>kid</c>).</summary>
    public required string Id { get; set; }

    public OidcKeyUse Use { get; set; }

    /// <summary>A signing key's PKCS#8 private key, or an encryption key's 32 bytes, under the master key.</summary>
    public required byte[] KeyProtected { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when a newer key replaces this one: from then on it is no longer used at all.</summary>
    public DateTimeOffset? RetiresAt { get; set; }
}

public sealed class OidcKeyConfiguration : IEntityTypeConfiguration<OidcKey>
{
    public void Configure(EntityTypeBuilder<OidcKey> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("OidcKeys");
        builder.Property(k => k.Id).HasMaxLength(40);
        builder.Property(k => k.Use).HasConversion<string>().HasMaxLength(16);
    }
}
