using System.Threading.RateLimiting;
using Cipherpad.Server.Security;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.RelyingParties;

/// <summary>
/// The relying-party API's request limits, counted after authentication: an authenticated relying party spends its own
/// budget (<see cref="RateLimitOptions.RelyingPartyPerMinute"/>), and a request that fails authentication — a
/// wrong secret, an unknown client id, no credentials — spends its source address's budget of failures
/// (<see cref="RateLimitOptions.AddressPerMinute"/>). So knowing a client id is not enough to use up, and cut off,
/// that relying party's requests. Shared by every server on one PostgreSQL (<see cref="SharedWindowLimiter"/>).
/// </summary>
public sealed class RelyingPartyRequestLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public RelyingPartyRequestLimits(IOptions<CipherpadOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value.RateLimits;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimits.Window(services, key,
            key.StartsWith("rp:", StringComparison.Ordinal) ? limits.RelyingPartyPerMinute : limits.AddressPerMinute, TimeSpan.FromMinutes(1)));
    }

    public ValueTask<RateLimitLease> ForRelyingPartyAsync(Guid relyingPartyId, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync("rp:" + relyingPartyId.ToString("N"), cancellationToken: cancellationToken);

    public ValueTask<RateLimitLease> ForFailedAuthenticationAsync(string address, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync("failed:" + address, cancellationToken: cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
