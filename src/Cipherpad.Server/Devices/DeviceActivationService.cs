using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Activation;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Devices;

public enum ActivationOutcome
{
    Activated,
    WrongCode,
    CodeVoid,
    UnknownActivation,
    InvalidKey,
}

public sealed record ActivationStart(string ActivationId, byte[] ServerPublicKey, DateTimeOffset ExpiresAt);

public sealed record ActivationFinish(ActivationOutcome Outcome, int AttemptsLeft = 0, byte[]? ServerConfirmation = null, Device? Device = null);

/// <summary>
/// The server's side of the activation key agreement (docs/protocol.md §6). Starting looks the same whether or not
/// the e-mail has a pending code, so the API does not reveal which e-mails have accounts.
/// </summary>
public sealed class DeviceActivationService(
    CipherpadDbContext db,
    SecretProtector protector,
    DeviceRegistry devices,
    AuthorizationLogWriter log,
    Notifications.Notifier notifier,
    IOptions<CipherpadOptions> options,
    TimeProvider time)
{
    private const string EphemeralKeyPurpose = "activation-ephemeral-key";
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Binds a new session to the e-mail's newest code, so a used or expired code is reported as such at the finish.</summary>
    public async Task<ActivationStart> StartAsync(string email, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var address = AccountRules.NormalizeEmail(email);
        var code = await (from c in db.ActivationCodes
                          join a in db.Accounts on c.AccountId equals a.Id
                          where a.Email == address
                          orderby c.CreatedAt descending
                          select c).FirstOrDefaultAsync(cancellationToken);
        using var server = ActivationServer.Start();
        var sessionId = "act_" + Hashing.NewToken()[..24];
        db.ActivationSessions.Add(new ActivationSession
        {
            Id = sessionId,
            ActivationCodeId = code?.Id ?? Guid.Empty,
            EphemeralKeyProtected = protector.Protect(server.ExportEphemeralKey(), $"{EphemeralKeyPurpose}:{sessionId}"),
            ExpiresAt = now + SessionLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new ActivationStart(sessionId, server.ServerPublicKey, now + SessionLifetime);
    }

    public async Task<ActivationFinish> FinishAsync(string activationId, string email, byte[] clientPublicKey, byte[] clientConfirmation,
        string? deviceName, string? ip, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var session = await db.ActivationSessions.SingleOrDefaultAsync(s => s.Id == activationId, cancellationToken);
        if (session is null || session.FinishedAt is not null || session.ExpiresAt <= now)
        {
            return new(ActivationOutcome.UnknownActivation);
        }
        var maxAttempts = options.Value.Activation.MaxAttempts;
        var code = await db.ActivationCodes.SingleOrDefaultAsync(c => c.Id == session.ActivationCodeId, cancellationToken);
        var account = code is null ? null : await db.Accounts.SingleAsync(a => a.Id == code.AccountId, cancellationToken);
        if (code is null || account is null || account.Email != AccountRules.NormalizeEmail(email))
        {
            // No pending code for this e-mail: indistinguishable from a wrong code.
            return new(ActivationOutcome.WrongCode, maxAttempts - 1);
        }
        if (code.UsedAt is not null || code.ExpiresAt <= now || code.FailedAttempts >= maxAttempts)
        {
            return new(ActivationOutcome.CodeVoid);
        }

        // One of the code's attempts is reserved before the code is compared, so a burst of finishes cannot evaluate more
        // guesses than the limit; a right code gives its attempt back when it is spent.
        var reserved = await db.ActivationCodes
            .Where(c => c.Id == code.Id && c.UsedAt == null && c.ExpiresAt > now && c.FailedAttempts < maxAttempts)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts + 1), cancellationToken);
        if (reserved == 0)
        {
            return new(ActivationOutcome.CodeVoid);
        }
        var codeText = Encoding.ASCII.GetString(protector.Unprotect(code.CodeProtected, $"{AccountService.ActivationCodePurpose}:{code.Id}"));
        using var server = ActivationServer.Resume(protector.Unprotect(session.EphemeralKeyProtected, $"{EphemeralKeyPurpose}:{session.Id}"));
        var result = server.Finish(account.Email, session.Id, codeText, clientPublicKey, clientConfirmation);
        if (result.Failure == ActivationFailure.InvalidPublicKey)
        {
            await db.ActivationCodes.Where(c => c.Id == code.Id && c.FailedAttempts > 0)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts - 1), cancellationToken);
            return new(ActivationOutcome.InvalidKey);
        }
        if (!result.Succeeded)
        {
            var failed = await db.ActivationCodes.AsNoTracking().Where(c => c.Id == code.Id).Select(c => c.FailedAttempts).SingleAsync(cancellationToken);
            await log.AppendAsync(account.Id, "wrong-code", "activation", "activation", null, ip, detail: "wrong activation code", cancellationToken: cancellationToken);
            var left = Math.Max(0, maxAttempts - failed);
            return left == 0 ? new(ActivationOutcome.CodeVoid) : new(ActivationOutcome.WrongCode, left);
        }

        // The code is spent and the pad saved in one transaction, with its log entry and notice: a crash leaves both or neither.
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var claimed = await db.ActivationCodes
            .Where(c => c.Id == code.Id && c.UsedAt == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UsedAt, now).SetProperty(x => x.FailedAttempts, x => x.FailedAttempts - 1), cancellationToken);
        if (claimed == 0)
        {
            CryptographicOperations.ZeroMemory(result.DeviceSecret);
            return new(ActivationOutcome.CodeVoid);
        }
        session.FinishedAt = now;
        var device = new Device
        {
            AccountId = account.Id,
            Name = string.IsNullOrWhiteSpace(deviceName) ? "Cipher pad" : deviceName.Trim(),
            ActivatedAt = now,
            SecretProtected = [],
        };
        device.SecretProtected = devices.ProtectSecret(device.Id, result.DeviceSecret);
        CryptographicOperations.ZeroMemory(result.DeviceSecret);
        db.Devices.Add(device);
        log.Add(account.Id, "success", "activation", "activation", null, ip, device.Id, detail: $"device \"{device.Name}\" activated");
        await db.SaveChangesAsync(cancellationToken);
        await notifier.NotifyAsync(account.Id, Notifications.NotificationKind.NewDevice, $"A new cipher pad, \"{device.Name}\", was activated for your account.",
            $"from {ip}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(ActivationOutcome.Activated, ServerConfirmation: result.ServerConfirmation, Device: device);
    }
}
