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

    /// <summary>SMS answers per account per UTC day for logins and actions; payment SMS are not limited but carry a fee.</summary>
    [Range(0, 100)]
    public int DailyLimit { get; set; } = 5;

    /// <summary>
    /// The fee for confirming a payment by SMS, per payment currency, such as { "USD": "0.05", "WMZ": "0.05", "WMR": "1.5" }.
    /// Payments in a currency not listed cannot be confirmed by SMS.
    /// </summary>
    public Dictionary<string, string> PaymentFees { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
