namespace Cipherpad.Server.RelyingParties;

public static class RelyingPartyServiceCollectionExtensions
{
    /// <summary>Relying-party registrations, the HTTP Basic authentication of their API and its request limits.</summary>
    public static IServiceCollection AddRelyingParties(this IServiceCollection services)
    {
        services.AddScoped<RelyingPartyService>();
        services.AddScoped<RelyingPartyAuthenticator>();
        services.AddScoped<RelyingPartyClients>();
        services.AddSingleton<RelyingPartyRequestLimits>();
        return services;
    }
}
