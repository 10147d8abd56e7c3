using Cipherpad.Server.Security;

namespace Cipherpad.Server.Vault;

public static class VaultServiceCollectionExtensions
{
    /// <summary>The key vault (<see cref="VaultService"/>); its API is mapped by <see cref="VaultEndpoints.MapVaultApi"/>.</summary>
    public static IServiceCollection AddVault(this IServiceCollection services)
    {
        services.AddScoped<VaultService>();
        services.AddSecretsAtRest(new VaultDataKeysAtRest());
        services.AddProtectedColumn<VaultUpload, Guid>("key vault uploads", u => u.Id, u => u.ContentProtected, id => $"{VaultService.UploadPurpose}:{id}");
        services.AddProtectedColumn<VaultExportRequest, Guid>("key vault export passphrases", r => r.Id, r => r.PassphraseProtected,
            id => $"{VaultService.ExportPurpose}:{id}");
        return services;
    }
}
