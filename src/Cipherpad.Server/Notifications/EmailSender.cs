using Cipherpad.Server.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Cipherpad.Server.Notifications;

public interface IEmailSender
{
    Task SendAsync(string recipient, string subject, string textBody, CancellationToken cancellationToken = default);
}

/// <summary>Sends through SMTP with MailKit when Cipherpad:Email:SmtpHost is set; otherwise writes .eml files to the outbox.</summary>
public sealed class EmailSender(IOptions<CipherpadOptions> options, ILogger<EmailSender> logger, TimeProvider time) : IEmailSender
{
    public async Task SendAsync(string recipient, string subject, string textBody, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Email;
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = subject;
        message.Date = time.GetUtcNow();
        message.Body = new TextPart("plain") { Text = textBody };

        if (string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            var file = Path.Combine(options.Value.DataPath(settings.OutboxDirectory), $"{time.GetUtcNow():yyyyMMdd-HHmmss-fffffff}-{Guid.NewGuid():N}.eml");
            // The mail holds links and codes: only the server's user may read it.
            await using (var stream = OwnerOnlyFiles.Create(file))
            {
                await message.WriteToAsync(stream, cancellationToken);
            }
            logger.LogInformation("E-mail \"{Subject}\" written to the outbox {File}", subject, file);
            return;
        }
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.SmtpHost, settings.SmtpPort, SecureSocketOptions.Auto, cancellationToken);
        if (!string.IsNullOrEmpty(settings.SmtpUser))
        {
            await client.AuthenticateAsync(settings.SmtpUser, settings.SmtpPassword ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        logger.LogInformation("E-mail \"{Subject}\" sent by SMTP", subject);
    }
}
