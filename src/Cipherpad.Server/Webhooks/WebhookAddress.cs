namespace Cipherpad.Server.Webhooks;

/// <summary>Which addresses a relying party's webhook may have: https, or plain http to this machine only (for development).</summary>
public static class WebhookAddress
{
    public const int MaxLength = 2000;

    /// <summary>Why <paramref name="address"/> cannot be a webhook, or null when it can.</summary>
    public static string? Problem(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > MaxLength || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return $"A webhook is an absolute https URL of at most {MaxLength} characters.";
        }
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "A webhook URL has no user name, password or fragment: authenticate the messages by their signature.";
        }
        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
            ? null
            : "A webhook must be https (plain http only to localhost, for development): its messages say who answered what.";
    }
}
