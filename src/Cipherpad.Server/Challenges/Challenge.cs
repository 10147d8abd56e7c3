using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;

namespace Cipherpad.Server.Challenges;

public enum ChallengeStatus
{
    Pending,
    Succeeded,
    Locked,
}

/// <summary>A question issued to one account for one relying party; it succeeds at most once.</summary>
public sealed class Challenge
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RelyingPartyId { get; set; }
    public Guid AccountId { get; set; }
    public Purpose Purpose { get; set; }
    public required string Question { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int WrongAnswers { get; set; }
    public ChallengeStatus Status { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public Guid? DeviceId { get; set; }

    /// <summary>The operation shown to the user, for actions.</summary>
    public string? Description { get; set; }

    /// <summary>Payee, amount (with the currency's minor-unit digits) and currency, for payments.</summary>
    public string? Payee { get; set; }
    public string? Amount { get; set; }
    public string? Currency { get; set; }

    /// <summary>How the answer reaches the user: "app" (the cipher pad computes it) or "sms" (the server sends it).</summary>
    public string Method { get; set; } = "app";

    /// <summary>For the SMS method: the answer sent, encrypted under the master key.</summary>
    public byte[]? SmsAnswerProtected { get; set; }

    /// <summary>The sealed request payload shown as a QR code (not secret).</summary>
    public string QrPayload { get; set; } = "";

    public PaymentDetails? Payment() =>
        Purpose == Purpose.Payment && PaymentDetails.TryCreate(Payee, Amount, Currency, out var payment, out _) ? payment : null;
}

/// <summary>
/// Consecutive failures against one account of one source ("answer:203.0.113.7"), or of all sources together
/// ("answer:*"), for exponential back-off; and when the source last succeeded for the account.
/// </summary>
public sealed class SourceThrottle
{
    public Guid AccountId { get; set; }
    public required string Source { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset? BlockedUntil { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
}

/// <summary>SMS answers sent to one account on one UTC day, for the daily limit of non-payment SMS.</summary>
public sealed class SmsQuota
{
    public Guid AccountId { get; set; }

    /// <summary>The UTC day as yyyymmdd.</summary>
    public int Day { get; set; }

    public int Sent { get; set; }
}

/// <summary>A fee charged to an account, such as for confirming a payment by SMS. Append-only.</summary>
public sealed class FeeLedgerEntry
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid ChallengeId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Currency { get; set; }

    /// <summary>In the currency's minor units, so sums are exact.</summary>
    public long MinorUnits { get; set; }

    public required string Reason { get; set; }
}
