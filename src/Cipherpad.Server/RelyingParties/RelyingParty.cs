using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.RelyingParties;

/// <summary>A site or program allowed to use the relying-party API; its client secret is stored hashed.</summary>
public sealed class RelyingParty
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public required string Name { get; set; }
    public required string ClientId { get; set; }
    public required string ClientSecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The server itself, for sign-in to the personal account; it has no usable client secret.</summary>
    public bool IsBuiltIn { get; set; }

    /// <summary>
    /// When the client secret was last replaced: access tokens the party got for itself before then (client credentials)
    /// are refused, as the old secret is.
    /// </summary>
    public DateTimeOffset? SecretRotatedAt { get; set; }

    /// <summary>Set by <c>rp disable</c>: from then on every API call with this relying party's credentials gets a 401.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>Where the outcome of each of its questions is posted (<see cref="Webhooks.WebhookSender"/>); null: nowhere.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The key the webhook's messages are signed with, encrypted by the master key; set with <see cref="WebhookUrl"/>.</summary>
    public byte[]? WebhookSecretProtected { get; set; }
}

public sealed class RelyingPartyConfiguration : IEntityTypeConfiguration<RelyingParty>
{
    public void Configure(EntityTypeBuilder<RelyingParty> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(r => r.ClientId).IsUnique();
        builder.Property(r => r.Name).HasMaxLength(64);
        builder.Property(r => r.WebhookUrl).HasMaxLength(Webhooks.WebhookAddress.MaxLength);
    }
}
