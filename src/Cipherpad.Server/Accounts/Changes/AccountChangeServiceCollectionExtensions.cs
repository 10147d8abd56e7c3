namespace Cipherpad.Server.Accounts.Changes;

public static class AccountChangeServiceCollectionExtensions
{
    /// <summary>The confirmation flow and one handler per kind of change.</summary>
    public static IServiceCollection AddAccountChanges(this IServiceCollection services)
    {
        services.AddScoped<AccountChanges>();
        services.AddScoped<IAccountChangeHandler, ConfirmAllOperationsHandler>();
        services.AddScoped<IAccountChangeHandler, StoreVaultItemHandler>();
        services.AddScoped<IAccountChangeHandler, DeleteVaultItemHandler>();
        services.AddScoped<IAccountChangeHandler, VaultItemRelyingPartiesHandler>();
        services.AddScoped<IAccountChangeHandler, RenameDeviceHandler>();
        services.AddScoped<IAccountChangeHandler, RevokeDeviceHandler>();
        services.AddScoped<IAccountChangeHandler, AddDeviceHandler>();
        services.AddScoped<IAccountChangeHandler, MethodsHandler>();
        services.AddScoped<IAccountChangeHandler, SecurityQuestionHandler>();
        services.AddScoped<IAccountChangeHandler, AddAliasHandler>();
        services.AddScoped<IAccountChangeHandler, RemoveAliasHandler>();
        services.AddScoped<IAccountChangeHandler, NotificationsHandler>();
        services.AddScoped<IAccountChangeHandler, AddPasskeyHandler>();
        services.AddScoped<IAccountChangeHandler, RenamePasskeyHandler>();
        services.AddScoped<IAccountChangeHandler, RevokePasskeyHandler>();
        return services;
    }
}
