using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Pruning;

/// <summary>
/// Runs <see cref="DataPruner"/> every <see cref="PruningOptions.Interval"/> on the server's clock. A failed run (the
/// database away for a moment) is logged and the next one comes as planned; the server goes on serving either way.
/// </summary>
public sealed class PruningService(IServiceScopeFactory scopes, IOptions<CipherpadOptions> options, TimeProvider time, ILogger<PruningService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Pruning;
        if (!settings.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(settings.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RunOnceAsync(stoppingToken);
        }
    }

    /// <summary>One run; never throws, except when the server is stopping.</summary>
    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<DataPruner>().PruneAsync(time.GetUtcNow(), cancellationToken);
            if (result.Total > 0)
            {
                var counts = result.ByKind().Where(k => k.Count > 0).Select(k => $"{k.Kind}: {k.Count}");
                logger.LogInformation("Pruned expired data: {Counts}", string.Join(", ", counts));
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever broke this run, the next one must still come.
            logger.LogError(exception, "Pruning expired data failed; the next run is in {Interval}", options.Value.Pruning.Interval);
        }
    }
}
