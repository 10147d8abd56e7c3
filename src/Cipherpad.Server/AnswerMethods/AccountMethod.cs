using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.AnswerMethods;

public enum AccountMethodState
{
    Off,
    On,
}

/// <summary>One answer method of one account and whether the owner has it on. A method without a row is off.</summary>
public sealed class AccountMethod
{
    public Guid AccountId { get; set; }

    /// <summary>The method's <see cref="IAnswerMethod.Name"/>.</summary>
    public required string Method { get; set; }

    public AccountMethodState State { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

public sealed class AccountMethodConfiguration : IEntityTypeConfiguration<AccountMethod>
{
    public void Configure(EntityTypeBuilder<AccountMethod> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("AccountMethods");
        builder.HasKey(m => new { m.AccountId, m.Method });
        builder.Property(m => m.Method).HasMaxLength(16);
        builder.Property(m => m.State).HasConversion<string>().HasMaxLength(8);
    }
}
