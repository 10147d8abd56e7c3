namespace Cipherpad.Server.AuthorizationLog;

public static class AuthorizationLogServiceCollectionExtensions
{
    /// <summary>The append-only writer of authorization facts.</summary>
    public static IServiceCollection AddAuthorizationLog(this IServiceCollection services)
    {
        services.AddScoped<AuthorizationLogWriter>();
        return services;
    }
}
