using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.AnswerMethods.CipherPad;

/// <summary>
/// The cipher pad computes the answer from the question (and, for a payment, the payee, amount and currency) with
/// the secret it agreed at activation. The server seals a QR payload for the account's active pads so that a pad can
/// show what it confirms, and accepts an answer from any active pad.
/// </summary>
public sealed class CipherPadMethod(DeviceRegistry devices, IOptions<CipherpadOptions> options) : IAnswerMethod
{
    public const string MethodName = "app";

    private (Guid AccountId, List<Device> Active)? _read;

    public string Name => MethodName;

    public string DisplayName => "the cipher pad";

    public string Description => "Question–answer with a cipher pad (phone or command line)";

    public async Task<CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var active = await ActiveAsync(request.Account.Id, cancellationToken);
        return active.Count == 0 ? Errors.NoActiveCipherPad(request.Login) : null;
    }

    public async Task<CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(challenge);
        var active = await ActiveAsync(request.Account.Id, cancellationToken);
        var payload = PayloadFor(challenge.Purpose, request.RelyingParty.Name, challenge.Question, request.Description, request.Payment, challenge.ExpiresAt);
        if (TooLong(payload, challenge.Purpose, Math.Min(active.Count, RequestPayload.MaxDevices)) is { } tooLong)
        {
            return tooLong;
        }
        // A payload names at most 8 pads: those that approve requests on the phone come first, so a push reaches one that can read it.
        var keys = active.OrderBy(d => d.ApprovesSince is null).Take(RequestPayload.MaxDevices).Select(devices.Keys).ToList();
        try
        {
            challenge.QrPayload = payload.Seal(keys);
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
        return null;
    }

    /// <summary>What a question for <paramref name="purpose"/> shows on the pad, before it is sealed.</summary>
    public static RequestPayload PayloadFor(Purpose purpose, string relyingParty, string question, string? description, PaymentDetails? payment,
        DateTimeOffset expiresAt) => purpose switch
        {
            Purpose.Action => RequestPayload.ForAction(relyingParty, question, description!, expiresAt),
            Purpose.Payment => RequestPayload.ForPayment(relyingParty, question, payment!, expiresAt),
            _ => RequestPayload.ForLogin(relyingParty, question, expiresAt),
        };

    /// <summary>The refusal of a payload that would be too long sealed for <paramref name="pads"/> pads, or null if it fits.</summary>
    public static CipherpadError? TooLong(RequestPayload payload, Purpose purpose, int pads)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload.SealedLength(pads) is var length and > RequestPayload.MaxTextLength
            ? Errors.TooLongForCipherPad(purpose == Purpose.Payment ? "payee" : "description", length - RequestPayload.MaxTextLength)
            : null;
    }

    /// <summary>Any active pad's answer at any minute of the window is accepted, each part's from the same pad.</summary>
    public async Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken) =>
        ChanceOfGuess(Math.Max(1, (await ActiveAsync(accountId, cancellationToken)).Count), options.Value.Challenges, parts);

    /// <summary>The chance that a guess matches one of <paramref name="pads"/> pads' answers at any minute of the window, for every part.</summary>
    public static double ChanceOfGuess(int pads, ChallengeOptions settings, int parts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var minutes = settings.PastSteps + settings.FutureSteps + 1;
        return pads * Math.Pow(minutes / Math.Pow(10, AnswerSuites.AnswerDigits), parts);
    }

    public async Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var settings = options.Value.Challenges;
        var window = new TimeWindow(settings.PastSteps, settings.FutureSteps);
        var payment = challenge.Payment();
        var check = AnswerCheck.Wrong;
        // Every pad is tried, whatever matched, so the time taken does not tell which pad answered.
        foreach (var device in await ActiveAsync(challenge.AccountId, cancellationToken))
        {
            using var keys = devices.Keys(device);
            if (Answer.Verify(keys, challenge.Purpose, challenge.Question, payment, typedAnswer, now, window) == AnswerVerdict.Correct)
            {
                check = AnswerCheck.Right(device.Id);
            }
        }
        return check;
    }

    public IEnumerable<Storage.ReadAhead> ReadsFor(Guid accountId) => _read?.AccountId == accountId ? [] : [DeviceRegistry.ActiveRead(accountId)];

    /// <summary>The pad that answered was used now: recorded to the minute, so most answers write nothing for it.</summary>
    public async Task AcceptedAsync(Challenge challenge, RelyingParty relyingParty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (challenge is { DeviceId: { } padId, AnsweredAt: { } answeredAt }
            && (await ActiveAsync(challenge.AccountId, cancellationToken)).Find(pad => pad.Id == padId) is { } answering
            && (answering.LastUsedAt is null || answering.LastUsedAt <= answeredAt - DeviceRegistry.LastUsedPrecision))
        {
            await devices.TouchAsync(padId, answeredAt, cancellationToken);
        }
    }

    /// <summary>
    /// The account's active pads, read once per request: issuing a question asks whether it can be issued, how likely a
    /// guess is (for each number of parts) and then seals it; verifying asks the chance and then checks the answer.
    /// </summary>
    public async Task<List<Device>> ActiveAsync(Guid accountId, CancellationToken cancellationToken)
    {
        if (_read is { } known && known.AccountId == accountId)
        {
            return known.Active;
        }
        var active = await devices.ActiveAsync(accountId, cancellationToken);
        _read = (accountId, active);
        return active;
    }
}
