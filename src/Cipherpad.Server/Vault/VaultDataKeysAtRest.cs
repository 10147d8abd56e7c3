using Cipherpad.Server.Security;

namespace Cipherpad.Server.Vault;

/// <summary>The key vault's data keys, wrapped by the master key (<see cref="VaultService.RewrapAsync"/>).</summary>
public sealed class VaultDataKeysAtRest : SecretsAtRest
{
    public override string Name => "key vault data keys";

    public override async Task<Reencrypted> ReencryptAsync(IServiceProvider services, Action? moved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (movedCount, unreadable) = await services.GetRequiredService<VaultService>().RewrapAsync(_ => moved?.Invoke(), cancellationToken);
        return new Reencrypted(movedCount, unreadable);
    }
}
