using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.RelyingParties;

/// <summary>
/// The relying-party API's request limits, counted after authentication: an authenticated relying party spends its own
/// budget (<see cref="Security.RateLimitOptions.RelyingPartyPerMinute"/>), and a request that fails authentication — a
/// wrong secret, an unknown client id, no credentials — spends its source address's budget of failures
/// (<see cref="Security.RateLimitOptions.AddressPerMinute"/>). So knowing a client id is not enough to use up, and cut off,
/// that relying party's requests. Per server instance.
/// </summary>
public sealed class RelyingPartyRequestLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public RelyingPartyRequestLimits(IOptions<CipherpadOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value.RateLimits;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, partition => new()
        {
            PermitLimit = partition.StartsWith("rp:", StringComparison.Ordinal) ? limits.RelyingPartyPerMinute : limits.AddressPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    public RateLimitLease ForRelyingParty(Guid relyingPartyId) => _limiter.AttemptAcquire("rp:" + relyingPartyId.ToString("N"));

    public RateLimitLease ForFailedAuthentication(string address) => _limiter.AttemptAcquire("failed:" + address);

    public void Dispose() => _limiter.Dispose();
}
