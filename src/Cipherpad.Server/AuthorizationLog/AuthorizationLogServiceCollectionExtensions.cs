namespace Cipherpad.Server.AuthorizationLog;

public static class AuthorizationLogServiceCollectionExtensions
{
    /// <summary>The append-only writer of authorization facts and the owner's reader of them.</summary>
    public static IServiceCollection AddAuthorizationLog(this IServiceCollection services)
    {
        services.AddScoped<AuthorizationLogWriter>();
        services.AddScoped<AuthorizationLogReader>();
        return services;
    }
}
