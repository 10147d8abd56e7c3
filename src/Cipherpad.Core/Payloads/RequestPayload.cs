using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;

namespace Cipherpad.Core.Payloads;

/// <summary>What opening a payload found.</summary>
public enum PayloadStatus
{
    /// <summary>Authentic, well formed and not expired: its details may be shown as verified.</summary>
    Verified,
    /// <summary>Not a Cipherpad payload, or its fields are malformed.</summary>
    Malformed,
    /// <summary>Authenticated for other devices only: no account on this cipher pad can check it.</summary>
    NotForThisDevice,
    /// <summary>Its tag does not match: the text was changed after the server sealed it.</summary>
    Tampered,
    /// <summary>Authentic, but past its expiry.</summary>
    Expired,
}

/// <summary>The result of <see cref="RequestPayload.Open"/>.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Payload">The request, when authentic (also when expired).</param>
/// <param name="Device">The keys that authenticated it: which account on the cipher pad it is for.</param>
/// <param name="Message">A sentence for the user.</param>
public sealed record PayloadOpening(PayloadStatus Status, RequestPayload? Payload, DeviceKeys? Device, string Message);

/// <summary>
/// A request carried by a QR code or a push message: who asks, for what, the question and until when,
/// authenticated with each addressed device's payload key so the cipher pad can show the details as verified.
/// Text form: <c>CP1?rp=…&amp;p=…&amp;q=…&amp;exp=…[&amp;d=…|&amp;payee=…&amp;amt=…&amp;cur=…]#keyid.tag[#keyid.tag…]</c>.
/// </summary>
public sealed record RequestPayload
{
    /// <summary>The prefix of every payload of this version.</summary>
    public const string Prefix = "CP1?";

    /// <summary>The longest payload text accepted.</summary>
    public const int MaxTextLength = 1200;

    /// <summary>The longest relying-party name.</summary>
    public const int MaxRelyingPartyLength = 64;

    /// <summary>The longest action description.</summary>
    public const int MaxDescriptionLength = 200;

    /// <summary>The most devices one payload can address.</summary>
    public const int MaxDevices = 8;

    private const int TagBytes = 16;

    private RequestPayload(string relyingParty, Purpose purpose, string question, DateTimeOffset expiresAt, string? description, PaymentDetails? payment)
    {
        RelyingParty = relyingParty;
        Purpose = purpose;
        Question = question;
        ExpiresAt = expiresAt;
        Description = description;
        Payment = payment;
    }

    /// <summary>The relying party's name, as registered with the server.</summary>
    public string RelyingParty { get; }

    /// <summary>What the answer is for.</summary>
    public Purpose Purpose { get; }

    /// <summary>The question digits.</summary>
    public string Question { get; }

    /// <summary>When the request stops being valid (whole seconds).</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The operation, for <see cref="Purpose.Action"/>.</summary>
    public string? Description { get; }

    /// <summary>Payee, amount and currency, for <see cref="Purpose.Payment"/>.</summary>
    public PaymentDetails? Payment { get; }

    /// <summary>A login request.</summary>
    public static RequestPayload ForLogin(string relyingParty, string question, DateTimeOffset expiresAt) =>
        Create(relyingParty, Purpose.Login, question, expiresAt, null, null);

    /// <summary>An action request, with the operation described for the user.</summary>
    public static RequestPayload ForAction(string relyingParty, string question, string description, DateTimeOffset expiresAt) =>
        Create(relyingParty, Purpose.Action, question, expiresAt, description, null);

    /// <summary>A payment request.</summary>
    public static RequestPayload ForPayment(string relyingParty, string question, PaymentDetails payment, DateTimeOffset expiresAt) =>
        Create(relyingParty, Purpose.Payment, question, expiresAt, null, payment ?? throw new ArgumentNullException(nameof(payment)));

    /// <summary>What the cipher pad shows: "pay 12.50 USD to 123456789012 at DemoShop".</summary>
    public string Describe() => Purpose switch
    {
        Purpose.Login => $"log in at {RelyingParty}",
        Purpose.Action => $"confirm \"{Description}\" at {RelyingParty}",
        _ => $"pay {Payment} at {RelyingParty}",
    };

    /// <summary>
    /// How many characters the text form sealed for <paramref name="deviceCount"/> devices takes: each non-ASCII
    /// character is percent-encoded UTF-8, so a Cyrillic letter takes 6 and an emoji 12. At most <see cref="MaxTextLength"/> can be sealed.
    /// </summary>
    public int SealedLength(int deviceCount) => Body().Length + (deviceCount * (2 + DeviceKeys.KeyIdLength + Base64Url.GetEncodedLength(TagBytes)));

    /// <summary>The text form, authenticated for each of <paramref name="devices"/> (1 to 8).</summary>
    /// <exception cref="ArgumentException">The text would be longer than <see cref="MaxTextLength"/>: check <see cref="SealedLength"/> first.</exception>
    public string Seal(IReadOnlyCollection<DeviceKeys> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count is 0 or > MaxDevices)
        {
            throw new ArgumentException($"A payload is sealed for 1 to {MaxDevices} devices; {devices.Count} were given.", nameof(devices));
        }
        var signed = Body();
        var text = new StringBuilder(signed);
        foreach (var device in devices)
        {
            text.Append('#').Append(device.KeyId).Append('.').Append(Tag(device, signed));
        }
        if (text.Length > MaxTextLength)
        {
            throw new ArgumentException($"The payload would be {text.Length} characters; at most {MaxTextLength} fit a QR code comfortably.", nameof(devices));
        }
        return text.ToString();
    }

    /// <summary>
    /// How many devices <paramref name="sealedText"/> (what <see cref="Seal"/> returned) is sealed for: each seal is a
    /// <c>#</c>-led key id and tag after the body, in which a <c>#</c> of the text is percent-encoded.
    /// </summary>
    public static int DevicesSealedFor(string sealedText)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        return sealedText.Count(c => c == '#');
    }

    private string Body()
    {
        var body = new StringBuilder(Prefix);
        body.Append("rp=").Append(Uri.EscapeDataString(RelyingParty))
            .Append("&p=").Append(Purpose.WireName())
            .Append("&q=").Append(Question)
            .Append("&exp=").Append(ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        if (Description is not null)
        {
            body.Append("&d=").Append(Uri.EscapeDataString(Description));
        }
        if (Payment is not null)
        {
            body.Append("&payee=").Append(Uri.EscapeDataString(Payment.Payee))
                .Append("&amt=").Append(Payment.Amount)
                .Append("&cur=").Append(Payment.Currency.Code);
        }
        return body.ToString();
    }

    /// <summary>
    /// Checks <paramref name="text"/> against the cipher pad's <paramref name="devices"/> and the clock:
    /// authenticity first (constant-time), then form, then expiry.
    /// </summary>
    public static PayloadOpening Open(string? text, IEnumerable<DeviceKeys> devices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(devices);
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxTextLength || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Fail(PayloadStatus.Malformed, "This is not a Cipherpad request.");
        }
        var parts = text.Split('#');
        var signed = parts[0];
        if (parts.Length < 2 || parts.Length > MaxDevices + 1)
        {
            return Fail(PayloadStatus.Malformed, "This Cipherpad request carries no authentication tag.");
        }
        DeviceKeys? device = null;
        var tampered = false;
        foreach (var sealPart in parts.AsSpan(1))
        {
            var dot = sealPart.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                return Fail(PayloadStatus.Malformed, "This Cipherpad request has a malformed authentication tag.");
            }
            var keyId = sealPart[..dot];
            var candidate = devices.FirstOrDefault(d => string.Equals(d.KeyId, keyId, StringComparison.Ordinal));
            if (candidate is null)
            {
                continue;
            }
            var expected = Encoding.ASCII.GetBytes(Tag(candidate, signed));
            var given = Encoding.ASCII.GetBytes(sealPart[(dot + 1)..]);
            if (CryptographicOperations.FixedTimeEquals(expected, given))
            {
                device = candidate;
                break;
            }
            tampered = true;
        }
        if (device is null)
        {
            return tampered
                ? Fail(PayloadStatus.Tampered, "This request was changed after the server made it: do not answer it.")
                : Fail(PayloadStatus.NotForThisDevice, "This request is not for any account on this cipher pad.");
        }
        var payload = ParseBody(signed[Prefix.Length..]);
        if (payload is null)
        {
            return Fail(PayloadStatus.Malformed, "This request is authentic but its details are malformed.");
        }
        if (now >= payload.ExpiresAt)
        {
            return new(PayloadStatus.Expired, payload, device, $"This request expired at {payload.ExpiresAt:u}: ask for a new one.");
        }
        return new(PayloadStatus.Verified, payload, device, $"Verified: {payload.Describe()}");
    }

    private static PayloadOpening Fail(PayloadStatus status, string message) => new(status, null, null, message);

    private static string Tag(DeviceKeys device, string signed)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(device.PayloadKey, Encoding.ASCII.GetBytes(signed), mac);
        return Base64Url.EncodeToString(mac[..TagBytes]);
    }

    private static RequestPayload? ParseBody(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in body.Split('&'))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }
            string value;
            try
            {
                value = Uri.UnescapeDataString(field[(equals + 1)..]);
            }
            catch (UriFormatException)
            {
                return null;
            }
            if (!fields.TryAdd(field[..equals], value))
            {
                return null;
            }
        }
        if (!fields.TryGetValue("rp", out var rp) || !fields.TryGetValue("p", out var purposeName) || !fields.TryGetValue("q", out var question)
            || !fields.TryGetValue("exp", out var expiry) || !Purposes.TryParseWireName(purposeName, out var purpose)
            || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds) || expirySeconds > 253402300799)
        {
            return null;
        }
        var expected = purpose switch
        {
            Purpose.Action => 5,
            Purpose.Payment => 7,
            _ => 4,
        };
        if (fields.Count != expected)
        {
            return null;
        }
        PaymentDetails? payment = null;
        // Each payment has one text: the fields must be as a writer writes them (amt with exactly the currency's minor-unit
        // digits, cur in capitals, payee without surrounding spaces), not merely denote the same payment.
        if (purpose == Purpose.Payment
            && (!fields.TryGetValue("payee", out var payee) || !fields.TryGetValue("amt", out var amount) || !fields.TryGetValue("cur", out var currency)
                || !PaymentDetails.TryCreate(payee, amount, currency, out payment, out _)
                || payment.Payee != payee || payment.Amount != amount || payment.Currency.Code != currency))
        {
            return null;
        }
        fields.TryGetValue("d", out var description);
        if (purpose == Purpose.Action && description is null)
        {
            return null;
        }
        return Validate(rp, question, description) is null
            ? new RequestPayload(rp, purpose, question, DateTimeOffset.FromUnixTimeSeconds(expirySeconds), description, payment)
            : null;
    }

    private static RequestPayload Create(string relyingParty, Purpose purpose, string question, DateTimeOffset expiresAt, string? description, PaymentDetails? payment)
    {
        var problem = Validate(relyingParty, question, description);
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }
        return new RequestPayload(relyingParty, purpose, question, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()), description, payment);
    }

    private static string? Validate(string? relyingParty, string? question, string? description)
    {
        if (string.IsNullOrWhiteSpace(relyingParty) || relyingParty.Length > MaxRelyingPartyLength || relyingParty.Any(char.IsControl))
        {
            return $"The relying-party name must be 1 to {MaxRelyingPartyLength} characters without control characters.";
        }
        if (question is null || Answers.Question.PartCount(question) == 0)
        {
            return $"The question must be {Answers.Question.MinLength} to {Answers.Question.MaxLength} decimal digits, or up to {Answers.Question.MaxParts} such parts joined by '{Answers.Question.Separator}'.";
        }
        if (description is not null && (string.IsNullOrWhiteSpace(description) || description.Length > MaxDescriptionLength || description.Any(char.IsControl)))
        {
            return $"The action description must be 1 to {MaxDescriptionLength} characters without control characters.";
        }
        return null;
    }
}
