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
    ActivationAttempts attempts,
    AuthorizationLogWriter log,
    Notifications.Notifier notifier,
    IOptions<CipherpadOptions> options,
    TimeProvider time)
{
    internal const string EphemeralKeyPurpose = "activation-ephemeral-key";
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Binds a new session to the e-mail's newest code, if it has one.</summary>
    public async Task<ActivationStart> StartAsync(string email, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var account = db.Accounts.StoredAsCurrentFirst(email).Select(a => a.Id);
        var code = await db.ActivationCodes.Where(c => c.AccountId == account.FirstOrDefault()).OrderByDescending(c => c.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
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

    /// <summary>
    /// Checks the pad's proof of the code. A wrong, used or expired code, or an e-mail with no code at all, is answered the
    /// same way — "wrong, n attempts left" — so the answer does not tell whether the e-mail has an account or where its
    /// code stands. Each source has its own few attempts per code (<see cref="ActivationOptions.MaxAttempts"/>), taken
    /// before the code is compared, so wrong codes sent from elsewhere never use up the owner's; only a great many from
    /// everywhere together (<see cref="ActivationOptions.MaxAttemptsInAll"/>) void the code.
    /// </summary>
    public async Task<ActivationFinish> FinishAsync(string activationId, string email, byte[] clientPublicKey, byte[] clientConfirmation,
        string? deviceName, string? deviceKind, string? ip, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var session = await db.ActivationSessions.SingleOrDefaultAsync(s => s.Id == activationId, cancellationToken);
        if (session is null || session.FinishedAt is not null || session.ExpiresAt <= now)
        {
            return new(ActivationOutcome.UnknownActivation);
        }
        var settings = options.Value.Activation;
        var address = AccountRules.NormalizeEmail(email);
        var code = await db.ActivationCodes.SingleOrDefaultAsync(c => c.Id == session.ActivationCodeId, cancellationToken);
        var account = code is null ? null
            : await db.Accounts.StoredAs(address).SingleOrDefaultAsync(a => a.Id == code.AccountId, cancellationToken);
        if (account is null)
        {
            code = null;
        }

        var subject = code?.Id.ToString("N") ?? "e:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..40];
        var source = Web.ClientAddress.GuessingSource(ip ?? Web.ClientAddress.Unknown);
        var keptUntil = (code?.ExpiresAt ?? now) > now ? code!.ExpiresAt : now + settings.CodeLifetime;
        if (await attempts.TryTakeAsync(subject, source, settings.MaxAttempts, keptUntil, cancellationToken) is not { } left)
        {
            return new(ActivationOutcome.CodeVoid);
        }

        // The code's own attempt, across all sources, is reserved before the code is compared as well, so a burst of
        // finishes cannot evaluate more guesses than the limit; a right code gives its attempt back when it is spent. A used
        // or expired code reserves nothing and is compared against a code nobody has, so it costs the same work.
        var usable = code is not null && await db.ActivationCodes
            .Where(c => c.Id == code.Id && c.UsedAt == null && c.ExpiresAt > now && c.FailedAttempts < settings.MaxAttemptsInAll)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts + 1), cancellationToken) == 1;
        if (code is not null && !usable && code.UsedAt is null && code.ExpiresAt > now)
        {
            return new(ActivationOutcome.CodeVoid); // guessed at from everywhere until it gave out
        }
        var codeText = usable
            ? Encoding.ASCII.GetString(protector.Unprotect(code!.CodeProtected, $"{AccountService.ActivationCodePurpose}:{code.Id}"))
            : Core.Activation.ActivationCode.Generate();
        using var server = ActivationServer.Resume(protector.Unprotect(session.EphemeralKeyProtected, $"{EphemeralKeyPurpose}:{session.Id}"));
        // The transcript binds the address as the pad sent it, by the protocol's rule, not as it is stored: an account
        // stored before that rule (StoredEmail) is found under its earlier form, and its pad still agrees with the server.
        var result = server.Finish(address, session.Id, codeText, clientPublicKey, clientConfirmation);
        if (result.Failure == ActivationFailure.InvalidPublicKey)
        {
            await attempts.GiveBackAsync(subject, source, cancellationToken);
            if (usable)
            {
                await db.ActivationCodes.Where(c => c.Id == code!.Id && c.FailedAttempts > 0)
                    .ExecuteUpdateAsync(c => c.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts - 1), cancellationToken);
            }
            return new(ActivationOutcome.InvalidKey);
        }
        var spendable = usable ? code : null;
        if (!result.Succeeded || spendable is null || account is null)
        {
            if (result.Succeeded)
            {
                CryptographicOperations.ZeroMemory(result.DeviceSecret);
            }
            if (account is not null)
            {
                await log.AppendAsync(account.Id, "wrong-code", "activation", "activation", null, ip, detail: "wrong, used or expired activation code",
                    cancellationToken: cancellationToken);
            }
            return left == 0 ? new(ActivationOutcome.CodeVoid) : new(ActivationOutcome.WrongCode, left);
        }

        // The code is spent and the pad saved in one transaction, with its log entry and notice: a crash leaves both or neither.
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var claimed = await db.ActivationCodes
            .Where(c => c.Id == spendable.Id && c.UsedAt == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UsedAt, now).SetProperty(x => x.FailedAttempts, x => x.FailedAttempts - 1), cancellationToken);
        if (claimed == 0)
        {
            CryptographicOperations.ZeroMemory(result.DeviceSecret);
            return left == 0 ? new(ActivationOutcome.CodeVoid) : new(ActivationOutcome.WrongCode, left); // spent by a finish running alongside
        }
        await attempts.GiveBackAsync(subject, source, cancellationToken); // the right code was no wrong attempt
        session.FinishedAt = now;
        var device = new Device
        {
            AccountId = account.Id,
            Name = string.IsNullOrWhiteSpace(deviceName) ? "Cipher pad" : deviceName.Trim(),
            Kind = deviceKind,
            ActivatedAt = now,
            SecretProtected = [],
        };
        device.SecretProtected = devices.ProtectSecret(device.Id, result.DeviceSecret);
        CryptographicOperations.ZeroMemory(result.DeviceSecret);
        db.Devices.Add(device);
        log.Add(account.Id, "success", "activation", "activation", null, ip, device.Id, detail: $"device \"{Web.DisplayText.Shown(device.Name)}\" activated");
        await db.SaveChangesAsync(cancellationToken);
        await notifier.NotifyAsync(account.Id, Notifications.NotificationKind.NewDevice, $"A new cipher pad, \"{Web.DisplayText.Shown(device.Name)}\", was activated for your account.",
            $"from {ip}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(ActivationOutcome.Activated, ServerConfirmation: result.ServerConfirmation, Device: device);
    }
}
