using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Security;

/// <summary>
/// Requests per server instance: per minute per relying party on its API and per client address everywhere else, and per
/// hour per client address on the forms that make the server send mail (<c>Cipherpad:RateLimits</c>).
/// </summary>
public sealed class RateLimitOptions
{
    [Range(1, 1_000_000)]
    public int RelyingPartyPerMinute { get; set; } = 1200;

    [Range(1, 1_000_000)]
    public int AddressPerMinute { get; set; } = 300;

    /// <summary>Posts per hour from one client address to the forms that mail a link (<c>/activation/new-code</c>, <c>/recover</c>).</summary>
    [Range(1, 1_000_000)]
    public int MailFormsPerAddressPerHour { get; set; } = 20;
}
