using Cipherpad.Server.Security;

namespace Cipherpad.Server.Challenges;

public static class ChallengeServiceCollectionExtensions
{
    /// <summary>Issuing and verifying questions, and the per-source back-off.</summary>
    public static IServiceCollection AddChallenges(this IServiceCollection services)
    {
        services.AddScoped<ChallengeService>();
        services.AddSingleton<NobodysPads>();
        services.AddServerSecret(NobodysPads.Secret);
        services.AddScoped<SourceThrottles>();
        services.AddScoped<GuessRisks>();
        return services;
    }
}
