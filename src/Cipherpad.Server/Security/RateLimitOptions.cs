using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Security;

/// <summary>Requests per minute, per server instance: per relying party on its API, per client address everywhere else (<c>Cipherpad:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    [Range(1, 1_000_000)]
    public int RelyingPartyPerMinute { get; set; } = 1200;

    [Range(1, 1_000_000)]
    public int AddressPerMinute { get; set; } = 300;
}
