namespace Cipherpad.Server.AuthorizationLog;

/// <summary>One authorization fact. Append-only: nothing updates or deletes entries.</summary>
public sealed class AuthorizationLogEntry
{
    public long Id { get; set; }
    public Guid? AccountId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>success, wrong, expired, locked, throttled, unknown-account, …</summary>
    public required string Result { get; set; }

    /// <summary>app, sms, activation, …</summary>
    public required string Method { get; set; }

    /// <summary>login, action, payment, activation, …</summary>
    public required string Purpose { get; set; }

    public string? RelyingParty { get; set; }
    public string? Ip { get; set; }
    public Guid? DeviceId { get; set; }
    public Guid? ChallengeId { get; set; }
    public string? Detail { get; set; }
}
