using Cipherpad.Server.Security;

namespace Cipherpad.Server.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// The outbox and its background sender; the e-mail transport; the SMS gateway — the webhook when
    /// <see cref="SmsOptions.WebhookUrl"/> is set, otherwise files in the data folder — and the notifier that mails the
    /// owner what they chose, and the hourly limits on mail per recipient.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, SmsOptions sms)
    {
        ArgumentNullException.ThrowIfNull(sms);
        services.AddSingleton<IEmailSender, EmailSender>();
        if (string.IsNullOrWhiteSpace(sms.WebhookUrl))
        {
            services.AddSingleton<ISmsGateway, OutboxSmsGateway>();
        }
        else
        {
            services.AddHttpClient<ISmsGateway, WebhookSmsGateway>();
        }
        services.AddScoped<Outbox>();
        services.AddProtectedColumn<OutboxMessage, Guid>("unsent messages", m => m.Id, m => m.BodyProtected, id => $"{Outbox.BodyPurpose}:{id}");
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, OutboxWakeup>();
        services.AddTransient<OutboxSender>();
        services.AddSingleton<OutboxHeartbeat>();
        services.AddHostedService<OutboxWorker>();
        services.AddScoped<MailQuotas>();
        services.AddScoped<Notifier>();
        services.AddScoped<NoticeDigests>();
        services.AddHostedService<NoticeDigestWorker>();
        return services;
    }
}
