using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// The master key and <see cref="SecretProtector"/>, and ASP.NET Core data protection with its keys in the database,
    /// encrypted under the master key, so every server instance shares them.
    /// </summary>
    public static IServiceCollection AddSecretProtection(this IServiceCollection services)
    {
        services.AddSingleton(provider => MasterKey.Load(provider.GetRequiredService<IOptions<CipherpadOptions>>().Value,
            provider.GetRequiredService<IHostEnvironment>(), provider.GetRequiredService<ILoggerFactory>().CreateLogger<MasterKey>()));
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<KeyWrapping>();
        services.AddSingleton<SlowHashes>();
        services.AddProtectedColumn<ServerSecret, string>("server keys", s => s.Name, s => s.ValueProtected, ServerSecrets.Purpose);
        services.AddSecretsAtRest(new DataProtectionKeysAtRest());
        services.AddSingleton<MasterKeyRotation>();
        services.AddDataProtection().SetApplicationName("Cipherpad").PersistKeysToDbContext<CipherpadDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(keys => keys.XmlEncryptor = new MasterKeyXmlEncryptor(provider.GetRequiredService<SecretProtector>())));
        return services;
    }
}
