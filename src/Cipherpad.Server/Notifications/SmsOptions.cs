using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Notifications;

/// <summary>How SMS leave (a webhook or the outbox) and what answers by SMS may cost (<c>Cipherpad:Sms</c>).</summary>
public sealed class SmsOptions
{
    /// <summary>An HTTP endpoint that accepts <c>{"to": "+…", "text": "…"}</c>; when empty, SMS go to the outbox.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Sent as a bearer token to the webhook.</summary>
    public string? WebhookToken { get; set; }

    /// <summary>Relative to the data directory.</summary>
    [Required]
    public string OutboxDirectory { get; set; } = "outbox/sms";

    /// <summary>SMS answers per account per UTC day for logins and actions (payments have only the hourly limits).</summary>
    [Range(0, 100)]
    public int DailyLimit { get; set; } = 5;

    /// <summary>SMS answers, of any purpose, that one relying party may have sent to one account in one UTC hour.</summary>
    [Range(0, 100)]
    public int PerRelyingPartyPerHour { get; set; } = 3;

    /// <summary>SMS answers, of any purpose and from all relying parties together, sent to one account in one UTC hour.</summary>
    [Range(0, 1000)]
    public int PerAccountPerHour { get; set; } = 10;

    /// <summary>
    /// The fee for confirming a payment by SMS, per payment currency, such as { "USD": "0.05", "WMZ": "0.05", "WMR": "1.5" }.
    /// It is charged when the payment is confirmed with the SMS answer, never for an SMS only sent. Payments in a
    /// currency not listed cannot be confirmed by SMS.
    /// </summary>
    public Dictionary<string, string> PaymentFees { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
