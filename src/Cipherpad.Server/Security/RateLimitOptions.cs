using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Security;

/// <summary>
/// Requests per server instance: per minute per relying party on its API and per client address everywhere else, and per
/// hour per client address on the forms that make the server send mail (<c>Cipherpad:RateLimits</c>).
/// </summary>
public sealed class RateLimitOptions
{
    // Up to 10 million a minute (about 170,000 a second): a relying party's login is two requests, so 10,000 logins a
    // second need 1.2 million, and an operator (or the load generator) must be able to lift the limit above that.
    [Range(1, 10_000_000)]
    public int RelyingPartyPerMinute { get; set; } = 1200;

    [Range(1, 10_000_000)]
    public int AddressPerMinute { get; set; } = 300;

    /// <summary>Posts per hour from one client address to the forms that mail a link (<c>/activation/new-code</c>, <c>/recover</c>).</summary>
    [Range(1, 1_000_000)]
    public int MailFormsPerAddressPerHour { get; set; } = 20;
}
