namespace Cipherpad.Server.Devices;

public static class DeviceServiceCollectionExtensions
{
    /// <summary>The registry of activated cipher pads and the server's side of activation.</summary>
    public static IServiceCollection AddDevices(this IServiceCollection services)
    {
        services.AddScoped<DeviceRegistry>();
        services.AddScoped<DeviceActivationService>();
        services.AddScoped<ActivationAttempts>();
        return services;
    }
}
