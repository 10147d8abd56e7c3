using Cipherpad.Server.Security;

namespace Cipherpad.Server.Devices;

public static class DeviceServiceCollectionExtensions
{
    /// <summary>The registry of activated cipher pads and the server's side of activation.</summary>
    public static IServiceCollection AddDevices(this IServiceCollection services)
    {
        services.AddScoped<DeviceRegistry>();
        services.AddScoped<DeviceActivationService>();
        services.AddScoped<ActivationAttempts>();
        services.AddProtectedColumn<Device, Guid>("device secrets", d => d.Id, d => d.SecretProtected, id => $"{DeviceRegistry.DeviceSecretPurpose}:{id}");
        services.AddProtectedColumn<ActivationCodeRecord, Guid>("activation codes", c => c.Id, c => c.CodeProtected,
            id => $"{Accounts.AccountService.ActivationCodePurpose}:{id}");
        services.AddProtectedColumn<ActivationSession, string>("activation keys", s => s.Id, s => s.EphemeralKeyProtected,
            id => $"{DeviceActivationService.EphemeralKeyPurpose}:{id}");
        return services;
    }
}
