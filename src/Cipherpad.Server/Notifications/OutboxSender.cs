using Cipherpad.Server.Accounts;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Notifications;

/// <summary>
/// Sends what the <see cref="Outbox"/> holds. Each message is claimed with a conditional update before it is sent, so
/// two senders (two server processes, or the background loop and the <c>outbox</c> command) never send it twice while
/// both live; a sender killed mid-send releases its claim when the claim expires, and the message goes again. Every
/// attempt is bounded by <see cref="OutboxOptions.SendTimeout"/>: a hanging SMTP server delays mail, it never holds a request.
/// </summary>
public sealed class OutboxSender(
    IDbContextFactory<CipherpadDbContext> contexts,
    IEmailSender email,
    ISmsGateway sms,
    IPushGateway push,
    Webhooks.WebhookSender webhooks,
    SecretProtector protector,
    Observability.CipherpadMetrics metrics,
    IOptions<CipherpadOptions> options,
    TimeProvider time,
    ILogger<OutboxSender> logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    private OutboxOptions Settings => options.Value.Outbox;

    /// <summary>Sends every message due now, each channel on its own; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var sent = await Task.WhenAll(SendDueAsync(OutboxChannel.Email, cancellationToken), SendDueAsync(OutboxChannel.Sms, cancellationToken),
            SendDueAsync(OutboxChannel.Push, cancellationToken), SendDueAsync(OutboxChannel.Webhook, cancellationToken));
        return sent.Sum();
    }

    /// <summary>Messages not yet sent nor given up, due or claimed.</summary>
    public async Task<int> WaitingAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await db.OutboxMessages.CountAsync(m => m.SentAt == null && m.GaveUpAt == null && m.NextAttemptAt <= now, cancellationToken);
    }

    private async Task<int> SendDueAsync(OutboxChannel channel, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<Guid> due;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                var now = time.GetUtcNow();
                due = await db.OutboxMessages
                    .Where(m => m.Channel == channel && m.SentAt == null && m.GaveUpAt == null && m.NextAttemptAt <= now
                        && (m.ClaimedUntil == null || m.ClaimedUntil <= now))
                    .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(Settings.Parallelism * 8).ToListAsync(cancellationToken);
            }
            if (due.Count == 0)
            {
                return sent;
            }
            var results = new bool[due.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, due.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Settings.Parallelism, CancellationToken = cancellationToken },
                async (index, token) => results[index] = await SendOneAsync(due[index], token));
            var sentNow = results.Count(r => r);
            sent += sentNow;
            if (sentNow == 0 && due.Count < Settings.Parallelism * 8)
            {
                return sent; // what is left failed and waits for its retry
            }
        }
        return sent;
    }

    private async Task<bool> SendOneAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var claimedUntil = now + Settings.SendTimeout + Settings.SendTimeout;
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == id && m.SentAt == null && m.GaveUpAt == null && (m.ClaimedUntil == null || m.ClaimedUntil <= now))
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.ClaimedUntil, claimedUntil).SetProperty(x => x.Attempts, x => x.Attempts + 1), cancellationToken);
        if (claimed == 0)
        {
            return false; // another sender has it
        }
        var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
        using var sending = Observability.CipherpadTracing.Source.StartActivity("outbox send");
        sending?.SetTag("cipherpad.channel", ChannelName(message.Channel));
        sending?.SetTag("cipherpad.attempt", message.Attempts);
        var handedOver = true;
        try
        {
            var body = System.Text.Encoding.UTF8.GetString(protector.Unprotect(message.BodyProtected, $"{Outbox.BodyPurpose}:{message.Id}"));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Settings.SendTimeout);
            switch (message.Channel)
            {
                case OutboxChannel.Email:
                    await email.SendAsync(message.Recipient, message.Subject ?? "", body, timeout.Token);
                    break;
                case OutboxChannel.Push:
                    await push.SendAsync(Guid.Parse(message.Recipient), body, timeout.Token);
                    break;
                case OutboxChannel.Webhook:
                    handedOver = await webhooks.SendAsync(message, body, timeout.Token);
                    break;
                default:
                    await sms.SendAsync(message.Recipient, body, timeout.Token);
                    break;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var giveUp = message.Attempts >= Settings.MaxAttempts;
            var retryIn = TimeSpan.FromSeconds(Math.Min(FirstRetry.TotalSeconds * Math.Pow(2, message.Attempts - 1), LongestRetry.TotalSeconds));
            var error = exception is OperationCanceledException ? $"no answer within {Settings.SendTimeout.TotalSeconds:0} s" : exception.Message;
            logger.LogWarning("Could not send {Channel} {Id} to {Recipient} (attempt {Attempt}): {Error}{GiveUp}", message.Channel, message.Id,
                Masked(message), message.Attempts, error, giveUp ? "; giving up" : "");
            metrics.MessageFailed(ChannelName(message.Channel));
            sending?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, giveUp ? "not sent; given up" : "not sent; retried later");
            var failedAt = time.GetUtcNow();
            await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(m => m
                .SetProperty(x => x.ClaimedUntil, (DateTimeOffset?)null)
                .SetProperty(x => x.NextAttemptAt, failedAt + retryIn)
                .SetProperty(x => x.GaveUpAt, giveUp ? failedAt : (DateTimeOffset?)null)
                .SetProperty(x => x.LastError, error.Length > 500 ? error[..500] : error), CancellationToken.None);
            return false;
        }
        await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(m => m
            .SetProperty(x => x.SentAt, time.GetUtcNow())
            .SetProperty(x => x.ClaimedUntil, (DateTimeOffset?)null)
            .SetProperty(x => x.LastError, (string?)null)
            .SetProperty(x => x.BodyProtected, Array.Empty<byte>()), CancellationToken.None);
        if (handedOver)
        {
            metrics.MessageSent(ChannelName(message.Channel));
        }
        return true;
    }

    private static string ChannelName(OutboxChannel channel) => channel switch
    {
        OutboxChannel.Email => "email",
        OutboxChannel.Sms => "sms",
        OutboxChannel.Webhook => "webhook",
        _ => "push",
    };

    private static string Masked(OutboxMessage message) => message.Channel switch
    {
        OutboxChannel.Sms => AccountRules.MaskPhone(message.Recipient),
        OutboxChannel.Push => "pad " + message.Recipient,
        OutboxChannel.Webhook => "the webhook of relying party " + message.Recipient,
        _ => "an e-mail address",
    };
}

/// <summary>Runs the <see cref="OutboxSender"/> whenever something was saved to the outbox, and at the poll interval for retries.</summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, OutboxSignal signal, OutboxHeartbeat heartbeat, Observability.CipherpadMetrics metrics,
    IOptions<CipherpadOptions> options, ILogger<OutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Outbox.SendInBackground)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var sender = scope.ServiceProvider.GetRequiredService<OutboxSender>();
                    await sender.SendDueAsync(stoppingToken);
                    metrics.OutboxDepth(await sender.WaitingAsync(stoppingToken));
                }
                heartbeat.Beat();
                await signal.WaitAsync(options.Value.Outbox.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                // The database is unreachable for now; the messages wait in it.
                logger.LogError(exception, "The outbox could not be read; trying again");
                await Task.Delay(options.Value.Outbox.PollInterval, stoppingToken);
            }
        }
    }
}
