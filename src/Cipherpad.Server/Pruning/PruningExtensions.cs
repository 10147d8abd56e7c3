namespace Cipherpad.Server.Pruning;

public static class PruningExtensions
{
    /// <summary>The pruner, for the <c>prune</c> command, and its background run when <c>Cipherpad:Pruning:Enabled</c>.</summary>
    public static IServiceCollection AddPruning(this IServiceCollection services)
    {
        services.AddScoped<DataPruner>();
        services.AddHostedService<PruningService>();
        return services;
    }
}
