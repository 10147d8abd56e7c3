using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Accounts;

public sealed class Account
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public required string FirstName { get; set; }
    public required string LastName { get; set; }

    /// <summary>Trimmed and lowercased; unique.</summary>
    public required string Email { get; set; }

    /// <summary>E.164, such as +491701234567.</summary>
    public required string Phone { get; set; }

    public required string SecurityQuestion { get; set; }
    public required string SecurityAnswerHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EmailConfirmedAt { get; set; }

    /// <summary>When on, relying parties are told that every operation of this account must be confirmed.</summary>
    public bool ConfirmAllOperations { get; set; }

    /// <summary>Which authorization facts are e-mailed to the account (see <see cref="Notifications.NotificationKind"/>).</summary>
    public Notifications.NotificationKind Notifications { get; set; } = Cipherpad.Server.Notifications.NotificationKind.Default;

    /// <summary>Set once methods are chosen after e-mail confirmation.</summary>
    public DateTimeOffset? MethodsChosenAt { get; set; }

    /// <summary>The language of the account's e-mails and SMS (<see cref="Localization.Languages"/>): the one its pages were last shown in.</summary>
    public string? Language { get; set; }

    public string FullName => $"{FirstName} {LastName}";
}

public sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasIndex(a => a.Email).IsUnique();
        builder.Property(a => a.Email).HasMaxLength(254);
        builder.Property(a => a.Phone).HasMaxLength(16);
        builder.Property(a => a.FirstName).HasMaxLength(100);
        builder.Property(a => a.LastName).HasMaxLength(100);
        builder.Property(a => a.SecurityQuestion).HasMaxLength(200);
        builder.Property(a => a.Notifications).HasConversion<int>();
        builder.Property(a => a.Language).HasMaxLength(8);
        builder.Ignore(a => a.FullName);
    }
}
