namespace Cipherpad.Server.RelyingParties;

public static class RelyingPartyServiceCollectionExtensions
{
    /// <summary>Relying-party registrations and the HTTP Basic filter of their API.</summary>
    public static IServiceCollection AddRelyingParties(this IServiceCollection services)
    {
        services.AddScoped<RelyingPartyService>();
        services.AddScoped<RelyingPartyAuthenticationFilter>();
        return services;
    }
}
