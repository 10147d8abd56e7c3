using System.Text.Json;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>A change waiting for the owner's cipher pad to answer the action question <see cref="ChallengeId"/>.</summary>
public sealed class PendingAccountChange
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }

    /// <summary>What the user confirms, as shown on the page and in the cipher pad's QR payload.</summary>
    public required string Description { get; set; }

    public required AccountChange Change { get; set; }
    public Guid ChallengeId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
}

public sealed class PendingAccountChangeConfiguration : IEntityTypeConfiguration<PendingAccountChange>
{
    public void Configure(EntityTypeBuilder<PendingAccountChange> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("PendingAccountChanges");
        builder.HasIndex(c => c.AccountId);
        builder.Property(c => c.Description).HasMaxLength(200);
        // The change as JSON with its kind; written once, never updated in place.
        builder.Property(c => c.Change).HasColumnName("Payload").HasMaxLength(2000).HasConversion(
            change => JsonSerializer.Serialize(change, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<AccountChange>(json, JsonSerializerOptions.Web)!);
    }
}
