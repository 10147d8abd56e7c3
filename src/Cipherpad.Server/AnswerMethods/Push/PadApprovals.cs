using Cipherpad.Core.Payloads;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>
/// What a phone pad does with approval requests, each call signed by the pad (<see cref="PadRequest"/>): turn approval on
/// or off, fetch the questions waiting for it, approve one with the number the site shows and the pad's answer, or deny it.
/// </summary>
public sealed class PadApprovals(CipherpadDbContext db, DeviceRegistry devices, ChallengeService challenges, AccountMethods methods,
    AuthorizationLogWriter log, Notifier notifier, WriteTransactions writes, Security.SecretProtector protector, TimeProvider time)
{
    /// <summary>How far the pad's clock may be from the server's.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The largest body a pad sends.</summary>
    public const int MaxBodyBytes = 4096;

    public const string WrongNumber = "wrong-number";

    /// <summary>What <see cref="ApproveAsync"/> says of an answer that is not 8 digits per part: refused, and no attempt spent.</summary>
    public const string MalformedAnswer = "malformed-answer";

    /// <summary>
    /// The active pad that signed <paramref name="authorization"/> for this request (<paramref name="method"/>, <paramref name="path"/>,
    /// <paramref name="body"/>), or null: no such header, another scheme, a clock too far off, no such active pad, or a wrong mac.
    /// </summary>
    public async Task<(Device Device, long SignedAt)?> SignedByAsync(string? authorization, string method, string path, byte[] body,
        CancellationToken cancellationToken)
    {
        if (authorization is null || !authorization.StartsWith(PadRequest.Scheme + " ", StringComparison.Ordinal))
        {
            return null;
        }
        var fields = authorization[(PadRequest.Scheme.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("device", out var deviceText) || !Guid.TryParse(deviceText, out var deviceId)
            || !fields.TryGetValue("time", out var timeText) || !long.TryParse(timeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var unixTime)
            || !fields.TryGetValue("mac", out var mac) || mac.Length > 64)
        {
            return null;
        }
        if (Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - unixTime) > ClockSkew.TotalSeconds)
        {
            return null;
        }
        var device = await devices.FindActiveAsync(deviceId, cancellationToken);
        if (device is null)
        {
            return null;
        }
        using var keys = devices.Keys(device);
        return PadRequest.Verify(keys, method, path, unixTime, body, mac) ? (device, unixTime) : null;
    }

    /// <summary>
    /// Turns approval on or off for <paramref name="device"/>, with the push subscription that wakes it (kept encrypted, or
    /// dropped); returns whether a subscription is kept, or null when the request is not newer than the last change (a replay). Turning it on also turns the push method on for the account
    /// (the pad's signature is the pad's consent, as its answer is for any other change); either way the owner is mailed.
    /// </summary>
    public async Task<bool?> SetAsync(Device device, long signedAt, bool enabled, StoredPushSubscription? subscription, string source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        var now = time.GetUtcNow();
        var subscriptionProtected = enabled && subscription is not null
            ? protector.Protect(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(subscription, System.Text.Json.JsonSerializerOptions.Web),
                $"{WebPushGateway.SubscriptionPurpose}:{device.Id}")
            : null;
        // One transaction with the replay guard: a request run again after a transient error finds the guard as it was.
        return await writes.RunAsync<bool?>(async () =>
        {
            // A change signed no later than the last one is a replay (or out of order): refused, so a captured request cannot
            // turn approval back on after the owner turned it off.
            if (await db.Devices.Where(d => d.Id == device.Id && (d.ApprovalSignedAt == null || d.ApprovalSignedAt < signedAt))
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.ApprovalSignedAt, signedAt), cancellationToken) == 0)
            {
                return null;
            }
            if ((device.ApprovesSince is not null) == enabled)
            {
                await db.Devices.Where(d => d.Id == device.Id).ExecuteUpdateAsync(d => d.SetProperty(x => x.PushSubscriptionProtected, subscriptionProtected), cancellationToken);
                return subscriptionProtected is not null;
            }
            await db.Devices.Where(d => d.Id == device.Id).ExecuteUpdateAsync(d => d
                .SetProperty(x => x.ApprovesSince, enabled ? now : null)
                .SetProperty(x => x.PushSubscriptionProtected, subscriptionProtected), cancellationToken);
            if (enabled)
            {
                var on = await methods.OnAsync(device.AccountId, cancellationToken);
                if (!on.Contains(PushMethod.MethodName))
                {
                    await methods.SetAsync(device.AccountId, [.. on, PushMethod.MethodName], cancellationToken);
                }
            }
            var shown = Web.DisplayText.Shown(device.Name);
            log.Add(device.AccountId, "success", PushMethod.MethodName, "settings", null, source, device.Id,
                detail: enabled ? $"pad \"{shown}\" approves requests" : $"pad \"{shown}\" no longer approves requests");
            await db.SaveChangesAsync(cancellationToken);
            await notifier.NotifyAsync(device.AccountId, NotificationKind.SecurityChanges, enabled
                ? (Localization.Text)$"Your phone pad \"{shown}\" now approves requests"
                : (Localization.Text)$"Your phone pad \"{shown}\" no longer approves requests", source, cancellationToken);
            return subscriptionProtected is not null;
        }, cancellationToken);
    }

    /// <summary>The account's latest approval requests still waiting at <paramref name="now"/>, newest first, for any of its pads.</summary>
    internal static IQueryable<Challenge> Waiting(CipherpadDbContext db, Guid accountId, DateTimeOffset now) =>
        PushMethod.AccountQuestions(db, accountId).Where(c => c.Status == ChallengeStatus.Pending && c.ExpiresAt > now)
            .OrderByDescending(c => c.CreatedAt).Take(10);

    /// <summary>The approval requests waiting for <paramref name="device"/>, newest first: pending, not expired, sealed for it.</summary>
    public async Task<List<Challenge>> PendingAsync(Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.ApprovesSince is null)
        {
            return [];
        }
        var now = time.GetUtcNow();
        using var keys = devices.Keys(device);
        var sealedFor = $"#{keys.KeyId}.";
        var waiting = await Waiting(db, device.AccountId, now).ToListAsync(cancellationToken);
        return [.. waiting.Where(c => c.QrPayload.Contains(sealedFor, StringComparison.Ordinal))];
    }

    /// <summary>
    /// Approves <paramref name="challengeId"/> with the pad's <paramref name="answer"/>, if <paramref name="number"/> is the one
    /// the site shows; a number that is not denies the question (someone else started it, or the person was careless).
    /// Null when the pad has no such request.
    /// </summary>
    public async Task<string?> ApproveAsync(Device device, Guid challengeId, string answer, int? number, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (await RequestAsync(device, challengeId, cancellationToken) is not { } found)
        {
            return null;
        }
        var (challenge, party) = found;
        if (Core.Answers.Answer.Normalize(answer, Core.Answers.Answer.DigitsFor(challenge.Question)) is null)
        {
            return MalformedAnswer;
        }
        if (challenge.MatchNumber is not { } shown || number != shown)
        {
            var denied = await challenges.DenyAsync(party, challenge, device.Id, "the number typed on the pad was not the one the site showed", source, cancellationToken);
            return denied == VerifyResult.Denied ? WrongNumber : ChallengeService.ResultName(denied);
        }
        var outcome = await challenges.VerifyAsync(party, challenge, answer, source, cancellationToken);
        return ChallengeService.ResultName(outcome.Result);
    }

    /// <summary>The owner says "this wasn't me": the question is denied, logged and mailed. Null when the pad has no such request.</summary>
    public async Task<string?> DenyAsync(Device device, Guid challengeId, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (await RequestAsync(device, challengeId, cancellationToken) is not { } found)
        {
            return null;
        }
        return ChallengeService.ResultName(await challenges.DenyAsync(found.Party, found.Challenge, device.Id, "the owner said it was not them", source,
            cancellationToken));
    }

    /// <summary>
    /// A push question of the pad's own account, with its relying party, when the pad approves requests; null for anything
    /// else (another account's question says nothing more).
    /// </summary>
    private async Task<(Challenge Challenge, RelyingParties.RelyingParty Party)?> RequestAsync(Device device, Guid challengeId, CancellationToken cancellationToken)
    {
        if (device.ApprovesSince is null)
        {
            return null;
        }
        var challenge = await db.Challenges.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == challengeId && c.AccountId == device.AccountId && c.Method == PushMethod.MethodName, cancellationToken);
        if (challenge is null)
        {
            return null;
        }
        var party = await db.RelyingParties.AsNoTracking().SingleAsync(p => p.Id == challenge.RelyingPartyId, cancellationToken);
        return (challenge, party);
    }
}
