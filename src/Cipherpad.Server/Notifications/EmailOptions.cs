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

    /// <summary>Relative to the data directory.</summary>
    [Required]
    public string OutboxDirectory { get; set; } = "outbox/email";
}
