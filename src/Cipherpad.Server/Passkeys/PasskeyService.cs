using System.Security.Cryptography;
using System.Text.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Storage;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Passkeys;

/// <summary>
/// An account's passkeys, through the Fido2 library: adding one (after the cipher pad confirmed it), and checking a
/// passkey's answer to a question. The WebAuthn challenge of an answer is derived from the question and everything it
/// confirms (<see cref="ChallengeBytes"/>), so the signature is bound to those details, and a counter that goes backwards
/// locks the passkey and mails the owner.
/// </summary>
public sealed class PasskeyService(
    CipherpadDbContext db,
    IOptions<CipherpadOptions> options,
    AuthorizationLogWriter log,
    Notifier notifier,
    TimeProvider time)
{
    public const string LogMethod = "passkey";

    private Fido2Configuration? _configuration;

    private Fido2Configuration Configuration => _configuration ??= ConfigurationOf(options.Value);

    /// <summary>The WebAuthn relying party: <see cref="PasskeyOptions.RelyingPartyId"/>, or the public address's host, and that address's origin.</summary>
    public static Fido2Configuration ConfigurationOf(CipherpadOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var publicUrl = new Uri(settings.PublicUrl);
        return new Fido2Configuration
        {
            RPID = settings.Passkeys.RelyingPartyId is { Length: > 0 } id ? id : publicUrl.Host,
            RPName = "Cipherpad",
            Origins = new HashSet<string>(StringComparer.Ordinal) { publicUrl.GetLeftPart(UriPartial.Authority) },
        };
    }

    /// <summary>Why <paramref name="name"/> cannot name a passkey, or null.</summary>
    public static Text? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > Passkey.MaxNameLength
            ? $"A passkey's name is 1 to {Passkey.MaxNameLength} characters."
            : Web.DisplayText.Problem(name.Trim(), "The passkey's name");

    /// <summary>Every passkey of the account, oldest first.</summary>
    public Task<List<Passkey>> ListAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Passkeys.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Whether the account has a passkey that can answer (not locked).</summary>
    public Task<bool> HasUsableAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Passkeys.AnyAsync(p => p.AccountId == accountId && p.LockedAt == null, cancellationToken);

    /// <summary>
    /// The first step of adding a passkey: the creation options for the browser, kept until the cipher pad confirms the
    /// addition (<see cref="ConfirmRegistrationAsync"/>). The passkey is discoverable, so that signing in needs no e-mail
    /// to list credentials for, and verifies its user.
    /// </summary>
    public async Task<Result<PasskeyRegistration>> StartRegistrationAsync(Guid accountId, string? name, CancellationToken cancellationToken)
    {
        if (NameProblem(name) is { } problem)
        {
            return Errors.InvalidRequest(problem, "name");
        }
        var email = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).SingleAsync(cancellationToken);
        var existing = await db.Passkeys.Where(p => p.AccountId == accountId).Select(p => p.CredentialId).ToListAsync(cancellationToken);
        var creation = new Fido2(Configuration).RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle(accountId), Name = email, DisplayName = email },
            ExcludeCredentials = [.. existing.Select(id => new PublicKeyCredentialDescriptor(id))],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = options.Value.Passkeys.Attestation switch
            {
                "direct" => AttestationConveyancePreference.Direct,
                "indirect" => AttestationConveyancePreference.Indirect,
                _ => AttestationConveyancePreference.None,
            },
        });
        var registration = new PasskeyRegistration
        {
            AccountId = accountId,
            Name = name!.Trim(),
            OptionsJson = creation.ToJson(),
            CreatedAt = time.GetUtcNow(),
        };
        db.PasskeyRegistrations.Add(registration);
        await db.SaveChangesAsync(cancellationToken);
        return registration;
    }

    /// <summary>The cipher pad confirmed the addition: the browser may now send the new passkey.</summary>
    public Task<int> ConfirmRegistrationAsync(Guid accountId, Guid registrationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.PasskeyRegistrations.Where(r => r.Id == registrationId && r.AccountId == accountId && r.ConfirmedAt == null)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.ConfirmedAt, now), cancellationToken);

    /// <summary>A confirmed addition of the account that still waits for its passkey, or null.</summary>
    public async Task<PasskeyRegistration?> WaitingRegistrationAsync(Guid accountId, Guid registrationId, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - options.Value.Passkeys.RegistrationLifetime;
        return await db.PasskeyRegistrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == registrationId && r.AccountId == accountId
            && r.ConfirmedAt != null && r.UsedAt == null && r.CreatedAt > since, cancellationToken);
    }

    /// <summary>
    /// Checks the browser's new credential against the confirmed addition's options, and keeps it, once: the addition is
    /// claimed in the transaction that stores the passkey, and the owner is mailed.
    /// </summary>
    public async Task<Result<Passkey>> CompleteRegistrationAsync(Guid accountId, Guid registrationId, string? credentialJson, string source,
        CancellationToken cancellationToken)
    {
        if (await WaitingRegistrationAsync(accountId, registrationId, cancellationToken) is not { } registration
            || Parse<AuthenticatorAttestationRawResponse>(credentialJson) is not { } response)
        {
            return Errors.PasskeyNotAccepted();
        }
        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await new Fido2(Configuration).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = CredentialCreateOptions.FromJson(registration.OptionsJson),
                IsCredentialIdUniqueToUserCallback = async (args, token) => !await db.Passkeys.AnyAsync(p => p.CredentialId == args.CredentialId, token),
            }, cancellationToken);
        }
        catch (Fido2VerificationException)
        {
            return Errors.PasskeyNotAccepted();
        }
        var now = time.GetUtcNow();
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        if (await db.PasskeyRegistrations.Where(r => r.Id == registrationId && r.UsedAt == null)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.UsedAt, now), cancellationToken) != 1)
        {
            return Errors.PasskeyNotAccepted();
        }
        var passkey = new Passkey
        {
            AccountId = accountId,
            CredentialId = credential.Id,
            PublicKey = credential.PublicKey,
            SignCount = credential.SignCount,
            Name = registration.Name,
            CreatedAt = now,
        };
        db.Passkeys.Add(passkey);
        log.Add(accountId, "success", LogMethod, "passkey-add", null, source, detail: $"\"{Web.DisplayText.Shown(passkey.Name)}\"");
        await notifier.NotifyAsync(accountId, NotificationKind.SecurityChanges, $"The passkey \"{passkey.Name}\" was added to your account.", $"from {source}",
            cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return passkey;
    }

    public Task<int> RenameAsync(Guid accountId, Guid passkeyId, string name, CancellationToken cancellationToken) =>
        db.Passkeys.Where(p => p.Id == passkeyId && p.AccountId == accountId)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Name, name.Trim()), cancellationToken);

    /// <summary>Removes the passkey for good: it answers nothing more, and the same authenticator can be added again.</summary>
    public Task<int> RevokeAsync(Guid accountId, Guid passkeyId, CancellationToken cancellationToken) =>
        db.Passkeys.Where(p => p.Id == passkeyId && p.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>
    /// What the browser is asked to sign for <paramref name="challenge"/>: any of the account's passkeys (discoverable, so
    /// none is listed), with user verification, over <see cref="ChallengeBytes"/>.
    /// </summary>
    public AssertionOptions AssertionOptionsFor(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return new AssertionOptions
        {
            Challenge = ChallengeBytes(challenge),
            RpId = Configuration.RPID,
            AllowCredentials = [],
            UserVerification = UserVerificationRequirement.Required,
            Timeout = (ulong)Math.Max(1000, (challenge.ExpiresAt - time.GetUtcNow()).TotalMilliseconds),
        };
    }

    /// <summary>
    /// The WebAuthn challenge for a question: a hash of the question and everything its answer confirms — its purpose,
    /// the relying party, the description of an action, the payee, amount and currency of a payment. A signature over it
    /// confirms exactly those details (dynamic linking); for other details it is another challenge, and fails.
    /// </summary>
    public static byte[] ChallengeBytes(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        string?[] bound =
        [
            "Cipherpad passkey answer 1", challenge.Id.ToString(), challenge.RelyingPartyId.ToString(), challenge.Purpose.WireName(), challenge.Question,
            challenge.Description, challenge.Payee, challenge.Amount, challenge.Currency,
        ];
        return SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(bound, PasskeyJson.Default.StringArray));
    }

    /// <summary>
    /// Whether <paramref name="assertionJson"/> (the browser's <c>PublicKeyCredential</c> as JSON) is a signature over
    /// <paramref name="challenge"/>'s details by a passkey of its account. A valid signature whose counter did not grow is
    /// a copy's: that passkey is locked, the owner mailed, and the answer refused.
    /// </summary>
    public async Task<(AnswerCheck Check, Guid? PasskeyId, uint SignCount)> CheckAsync(Challenge challenge, string assertionJson,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (Parse<AuthenticatorAssertionRawResponse>(assertionJson) is not { RawId: { } credentialId } response)
        {
            return (AnswerCheck.Wrong, null, 0);
        }
        var passkey = await db.Passkeys.AsNoTracking()
            .SingleOrDefaultAsync(p => p.CredentialId == credentialId && p.AccountId == challenge.AccountId && p.LockedAt == null, cancellationToken);
        if (passkey is null)
        {
            return (AnswerCheck.Wrong, null, 0);
        }
        var owner = UserHandle(challenge.AccountId);
        try
        {
            var verified = await new Fido2(Configuration).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = AssertionOptionsFor(challenge),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(args.UserHandle.AsSpan().SequenceEqual(owner)),
            }, cancellationToken);
            return (AnswerCheck.Right(), passkey.Id, verified.SignCount);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
        {
            await LockAsync(passkey, cancellationToken);
            return (AnswerCheck.Wrong, null, 0);
        }
        catch (Fido2VerificationException)
        {
            return (AnswerCheck.Wrong, null, 0);
        }
    }

    /// <summary>Records an accepted answer's counter (it only grows) and the time of use.</summary>
    public Task RecordUseAsync(Guid passkeyId, uint signCount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Passkeys.Where(p => p.Id == passkeyId).ExecuteUpdateAsync(p => p
            .SetProperty(x => x.SignCount, x => x.SignCount < signCount ? signCount : x.SignCount)
            .SetProperty(x => x.LastUsedAt, now), cancellationToken);
    }

    private async Task LockAsync(Passkey passkey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await db.Passkeys.Where(p => p.Id == passkey.Id && p.LockedAt == null).ExecuteUpdateAsync(p => p.SetProperty(x => x.LockedAt, now), cancellationToken) != 1)
        {
            return;
        }
        var name = Web.DisplayText.Shown(passkey.Name);
        log.Add(passkey.AccountId, "locked", LogMethod, "passkey-cloned", null, null, detail: $"\"{name}\"");
        await notifier.NotifyAsync(passkey.AccountId, NotificationKind.SecurityChanges,
            $"The passkey \"{passkey.Name}\" was locked: its signature counter went backwards, so it may have been copied.",
            "Nothing was granted with it. If you did not copy it, revoke it in your personal account and add your device again.", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The WebAuthn user handle of an account: opaque, and the same for all its passkeys.</summary>
    private static byte[] UserHandle(Guid accountId) => accountId.ToByteArray();

    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json) || json.Length > 16_384)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string?[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class PasskeyJson : System.Text.Json.Serialization.JsonSerializerContext;
