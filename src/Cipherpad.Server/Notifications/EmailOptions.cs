using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Notifications;

/// <summary>How e-mail leaves: by SMTP, or as files in the outbox (<c>Cipherpad:Email</c>).</summary>
public sealed class EmailOptions
{
    [Required]
    public string From { get; set; } = "Cipherpad <no-reply@cipherpad.localhost>";

    /// <summary>SMTP server; when empty, mail is written as .eml files to the outbox.</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>
    /// Mails of each kind a stranger can trigger (a "new activation code" link, a recovery link, an alias's confirmation)
    /// that one account or address gets per UTC hour; further requests are answered alike and send nothing.
    /// </summary>
    [Range(1, 100)]
    public int PerRecipientPerHour { get; set; } = 5;

    /// <summary>Relative to the data directory.</summary>
    [Required]
    public string OutboxDirectory { get; set; } = "outbox/email";
}
