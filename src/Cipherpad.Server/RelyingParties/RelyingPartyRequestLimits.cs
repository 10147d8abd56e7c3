using System.Globalization;
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

    /// <summary>The 429 problem, with Retry-After when the limiter knows it.</summary>
    public static IResult TooManyRequests(HttpContext context, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: "Slow down: this client has made too many requests in the last minute.");
    }

    public void Dispose() => _limiter.Dispose();
}
