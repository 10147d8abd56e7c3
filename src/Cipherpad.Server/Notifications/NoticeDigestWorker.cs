namespace Cipherpad.Server.Notifications;

/// <summary>Runs <see cref="NoticeDigests"/> every few minutes; a failed run is logged and the next one comes as planned.</summary>
public sealed class NoticeDigestWorker(IServiceScopeFactory scopes, TimeProvider time, ILogger<NoticeDigestWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<NoticeDigests>().MailDueAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Mailing the counts of coalesced notices failed; the next run is in {Interval}", Interval);
            }
        }
    }
}
