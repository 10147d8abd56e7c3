using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>Approval on the phone pad (the <c>push</c> method): how often an account can be asked.</summary>
public sealed class PushOptions
{
    /// <summary>Approval requests, of any relying party, to one account in one UTC hour.</summary>
    [Range(1, 1000)]
    public int PerAccountPerHour { get; set; } = 10;

    /// <summary>
    /// After the owner refuses a request on the pad, new approval requests wait this long, doubled for every further refusal
    /// within a day, up to <see cref="LongestPause"/>: someone who keeps asking in the hope of a careless tap is slowed down.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PauseAfterDenial { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan LongestPause { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The push services a pad's subscription may point at: a host, or <c>*.</c> and a domain for its subdomains. The server
    /// posts to that address, so anything else (an address inside your network) is refused. HTTPS only, except for a
    /// listed loopback address (a test's push service), and on HTTPS's own port.
    /// </summary>
    [Required]
    public string[] EndpointHosts { get; set; } =
        ["fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", "*.push.apple.com", "*.notify.windows.com"];

    /// <summary>
    /// Who runs this server, for push services (RFC 8292 <c>sub</c>): a <c>mailto:</c> or <c>https:</c> URI; empty: the public
    /// URL when it is HTTPS, else <c>mailto:</c> the sender address of the server's mail.
    /// </summary>
    public string? Subject { get; set; }

    /// <summary>Whether <paramref name="endpoint"/> is a push service address this server may post to.</summary>
    public bool AllowsEndpoint(string? endpoint)
    {
        if (endpoint is null || endpoint.Length > 1000 || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
        {
            return false;
        }
        var host = uri.IdnHost;
        var listed = EndpointHosts.Any(pattern => pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase));
        return listed && ((uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort) || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
    }
}
