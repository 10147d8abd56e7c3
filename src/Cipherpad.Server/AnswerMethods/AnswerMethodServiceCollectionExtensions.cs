using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Security;

namespace Cipherpad.Server.AnswerMethods;

public static class AnswerMethodServiceCollectionExtensions
{
    /// <summary>The built-in methods, the cipher pad first, and the account method rows.</summary>
    public static IServiceCollection AddAnswerMethods(this IServiceCollection services)
    {
        services.AddScoped<AccountMethods>();
        services.AddAnswerMethod<CipherPadMethod>();
        services.AddScoped<SmsAnswers>();
        services.AddProtectedColumn<Challenges.Challenge, Guid>("SMS answers", c => c.Id, c => c.AnswerProtected, id => $"{SmsAnswers.AnswerPurpose}:{id}");
        services.AddAnswerMethod<SmsMethod>();
        services.AddScoped<CipherPadMethod>(); // what approval on the phone pad answers with
        services.AddAnswerMethod<PushMethod>();
        services.AddAnswerMethod<Passkey.PasskeyMethod>();
        services.AddScoped<Passkeys.PasskeyService>();
        services.AddScoped<PadApprovals>();
        services.AddSingleton<VapidKeys>();
        services.AddServerSecret(VapidKeys.Secret);
        services.AddSingleton<Notifications.IPushGateway, WebPushGateway>();
        services.AddProtectedColumn<Devices.Device, Guid>("push subscriptions", d => d.Id, d => d.PushSubscriptionProtected,
            id => $"{WebPushGateway.SubscriptionPurpose}:{id}");
        // The server posts only to the push service a subscription names, and follows no redirect elsewhere. Its request
        // URIs carry the subscription's token, so the client writes no request logs.
        services.AddHttpClient(WebPushGateway.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>Offers one more answer method; its <see cref="IAnswerMethod.Name"/> must be new.</summary>
    public static IServiceCollection AddAnswerMethod<TMethod>(this IServiceCollection services) where TMethod : class, IAnswerMethod
    {
        services.AddScoped<IAnswerMethod, TMethod>();
        return services;
    }
}
