using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Notifications;

/// <summary>The mails a stranger can make the server send, each counted apart so that using up one never blocks another.</summary>
public enum MailQuotaKind
{
    /// <summary>"Forgot activation code": the link, or the note that the account has an active cipher pad.</summary>
    NewActivationCode = 1,

    /// <summary>The recovery link after a right security answer.</summary>
    Recovery = 2,

    /// <summary>The link that asks an address to confirm it as an alias.</summary>
    AliasConfirmation = 3,
}

/// <summary>
/// Mails of one kind sent to one recipient in one UTC hour. The recipient is an account (<see cref="ForAccount"/>), so
/// a change of its e-mail does not reset the count, or an address that is no account's (<see cref="ForAddress"/>). The
/// key makes the hour's row a unique insert and each mail a conditional increment (<see cref="MailQuotas"/>).
/// </summary>
public sealed class MailQuota
{
    public const int MaxRecipientLength = 340;

    public string Recipient { get; set; } = "";

    public MailQuotaKind Kind { get; set; }

    /// <summary>The start of the UTC hour.</summary>
    public DateTimeOffset Hour { get; set; }

    public int Sent { get; set; }

    public static string ForAccount(Guid accountId) => $"account:{accountId:N}";

    /// <summary>The key of an address that is no account's; give it normalized.</summary>
    public static string ForAddress(string address) => $"address:{address}";
}

public sealed class MailQuotaConfiguration : IEntityTypeConfiguration<MailQuota>
{
    public void Configure(EntityTypeBuilder<MailQuota> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("MailQuotas");
        builder.HasKey(q => new { q.Recipient, q.Kind, q.Hour });
        builder.Property(q => q.Recipient).HasMaxLength(MailQuota.MaxRecipientLength);
        builder.HasIndex(q => q.Hour);
    }
}
