namespace Cipherpad.Server.Accounts;

public static class AccountServiceCollectionExtensions
{
    /// <summary>Registration and confirmation, the account directory, e-mail links, recovery, aliases, support requests and the human check.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddScoped<AccountDirectory>();
        services.AddSingleton<LastFoundAccounts>();
        services.AddScoped<AccountService>();
        services.AddScoped<EmailLinks>();
        services.AddScoped<RecoveryService>();
        services.AddScoped<Aliases>();
        services.AddScoped<SupportRequests>();
        services.AddSingleton<HumanCheck>();
        return services;
    }
}
