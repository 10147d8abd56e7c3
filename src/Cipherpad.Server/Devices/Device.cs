using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Devices;

/// <summary>An activated cipher pad; its secret is stored encrypted under the master key.</summary>
public sealed class Device
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }

    /// <summary>The longest name, in Unicode characters: PostgreSQL's column counts those, not UTF-16 units.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Why <paramref name="name"/> (trimmed) cannot name a pad, or null.</summary>
    public static Localization.Text? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 || Web.DisplayText.Length(name) > MaxNameLength
            ? $"A cipher pad's name is 1 to {MaxNameLength} characters."
            : Web.DisplayText.Problem(name, "The cipher pad's name");
    }
    /// <summary>What the pad is, as it said at activation: <see cref="CommandLineKind"/>, <see cref="WebAppKind"/>, or null when it did not say.</summary>
    public string? Kind { get; set; }

    public const string CommandLineKind = "cli";
    public const string WebAppKind = "web";

    /// <summary>How <see cref="Kind"/> is shown to the owner.</summary>
    public static string KindShown(string? kind) => kind switch
    {
        CommandLineKind => "command line",
        WebAppKind => "phone web app",
        _ => "cipher pad",
    };

    public required byte[] SecretProtected { get; set; }
    public DateTimeOffset ActivatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Since when the pad approves requests of the push method itself (number matching); null when it does not.</summary>
    public DateTimeOffset? ApprovesSince { get; set; }

    /// <summary>The pad's Web Push subscription (endpoint and keys, JSON), encrypted under the master key; null without one.</summary>
    public byte[]? PushSubscriptionProtected { get; set; }

    /// <summary>The pad's clock (Unix seconds) in the signed request that last changed its approval: a later change must be newer.</summary>
    public long? ApprovalSignedAt { get; set; }
}

public sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(d => d.AccountId);
        builder.Property(d => d.Kind).HasMaxLength(16);
    }
}
