namespace Cipherpad.Server.Vault;

public static class VaultServiceCollectionExtensions
{
    /// <summary>The key vault (<see cref="VaultService"/>); its API is mapped by <see cref="VaultEndpoints.MapVaultApi"/>.</summary>
    public static IServiceCollection AddVault(this IServiceCollection services)
    {
        services.AddScoped<VaultService>();
        return services;
    }
}
