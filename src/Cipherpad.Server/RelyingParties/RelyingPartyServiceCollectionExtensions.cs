namespace Cipherpad.Server.RelyingParties;

public static class RelyingPartyServiceCollectionExtensions
{
    /// <summary>Relying-party registrations, the HTTP Basic filter of their API and its request limits.</summary>
    public static IServiceCollection AddRelyingParties(this IServiceCollection services)
    {
        services.AddScoped<RelyingPartyService>();
        services.AddScoped<RelyingPartyAuthenticationFilter>();
        services.AddSingleton<RelyingPartyRequestLimits>();
        return services;
    }
}
