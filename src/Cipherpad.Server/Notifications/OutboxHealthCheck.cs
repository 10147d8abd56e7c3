using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Notifications;

/// <summary>When the <see cref="OutboxWorker"/> last finished a pass over the outbox (or, before its first, when it was made), by the server's clock.</summary>
public sealed class OutboxHeartbeat(TimeProvider time)
{
    private long _lastPassTicks = time.GetUtcNow().UtcTicks;

    public DateTimeOffset LastPass => new(Interlocked.Read(ref _lastPassTicks), TimeSpan.Zero);

    public void Beat() => Interlocked.Exchange(ref _lastPassTicks, time.GetUtcNow().UtcTicks);
}

/// <summary>
/// Ready only while this process's outbox worker keeps finishing passes: one that is stuck, or that cannot read the
/// outbox, sends no mail and no SMS. A pass may wait for a slow server up to the send timeout, so the worker is stale
/// after three poll intervals and two send timeouts without a pass. A process that does not send
/// (<c>Cipherpad:Outbox:SendInBackground</c> false) has no worker to check.
/// </summary>
public sealed class OutboxHealthCheck(OutboxHeartbeat heartbeat, IOptions<CipherpadOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Outbox;
        if (!settings.SendInBackground)
        {
            return Task.FromResult(HealthCheckResult.Healthy("This process does not send the outbox."));
        }
        var allowed = (3 * settings.PollInterval) + (2 * settings.SendTimeout);
        var quiet = time.GetUtcNow() - heartbeat.LastPass;
        return Task.FromResult(quiet <= allowed
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The outbox worker has finished no pass for {quiet.TotalSeconds:0} s (allowed: {allowed.TotalSeconds:0} s)."));
    }
}
