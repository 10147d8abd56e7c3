using Cipherpad.Server.Security;

namespace Cipherpad.Server.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Relying parties' webhooks: the events a request stages, and their delivery for the outbox, which follows no redirect.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddScoped<QuestionWebhooks>();
        services.AddSingleton<WebhookSender>();
        services.AddProtectedColumn<RelyingParties.RelyingParty, Guid>("webhook secrets", p => p.Id, p => p.WebhookSecretProtected, WebhookSender.SecretPurpose);
        services.AddHttpClient(WebhookSender.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
        return services;
    }
}
