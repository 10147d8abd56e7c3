using System.Threading.Channels;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cipherpad.Server.Notifications;

/// <summary>
/// Where every e-mail, SMS, push message and webhook event starts: the message is added to the request's unit of work and saved with it; the
/// <see cref="OutboxSender"/> sends it afterwards. No request waits on an SMTP server or an SMS gateway.
/// </summary>
public sealed class Outbox(CipherpadDbContext db, SecretProtector protector, TimeProvider time)
{
    public const string BodyPurpose = "outbox-body";

    public void Email(string recipient, string subject, string body) => Add(OutboxChannel.Email, recipient, subject, body);

    public void Sms(string phone, string text) => Add(OutboxChannel.Sms, phone, null, text);

    /// <summary>A Web Push message to the pad <paramref name="deviceId"/>, sent through its subscription by <see cref="IPushGateway"/>.</summary>
    public void Push(Guid deviceId, string body) => Add(OutboxChannel.Push, deviceId.ToString(), null, body);

    /// <summary>An event of <paramref name="type"/> for the relying party's webhook (<see cref="Webhooks.WebhookSender"/>), due at <paramref name="due"/>.</summary>
    public void Webhook(Guid relyingPartyId, string type, string body, DateTimeOffset due) =>
        Add(OutboxChannel.Webhook, relyingPartyId.ToString(), type, body, due);

    private void Add(OutboxChannel channel, string recipient, string? subject, string body, DateTimeOffset? due = null)
    {
        var now = time.GetUtcNow();
        var message = new OutboxMessage { Channel = channel, Recipient = recipient, Subject = subject, BodyProtected = [], CreatedAt = now, NextAttemptAt = due ?? now };
        message.BodyProtected = protector.Protect(System.Text.Encoding.UTF8.GetBytes(body), $"{BodyPurpose}:{message.Id}");
        db.OutboxMessages.Add(message);
    }
}

/// <summary>
/// Wakes the sender once outbox messages are in the database: after a save outside a transaction, and after the commit
/// of a transaction (a save inside one is not yet visible to the sender). An interceptor rather than a handler on the
/// context's SavedChanges event: pooled contexts keep their event handlers from one request to the next.
/// </summary>
public sealed class OutboxWakeup(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => WakeIfTracked(eventData?.Context);

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        WakeIfTracked(eventData?.Context);
        return Task.CompletedTask;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        WakeIfOutboxWasSaved(eventData);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        WakeIfOutboxWasSaved(eventData);
        return ValueTask.FromResult(result);
    }

    private void WakeIfOutboxWasSaved(SaveChangesCompletedEventData eventData)
    {
        if (eventData?.Context?.Database.CurrentTransaction is null)
        {
            WakeIfTracked(eventData?.Context);
        }
    }

    private void WakeIfTracked(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context?.ChangeTracker.Entries<OutboxMessage>().Any() == true)
        {
            signal.Wake();
        }
    }
}

/// <summary>Wakes the sender when a message was saved, so it need not wait for its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Returns when woken or after <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the poll interval passed
        }
    }
}
