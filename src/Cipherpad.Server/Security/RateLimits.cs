using System.Globalization;
using System.Threading.RateLimiting;
using Cipherpad.Server.Web;

namespace Cipherpad.Server.Security;

/// <summary>
/// Fixed-window request limits per client address for everything but the relying-party API, whose limits are counted
/// after authentication (<see cref="RelyingParties.RelyingPartyRequestLimits"/>). They protect the service's capacity;
/// guessing is bounded separately by the per-question and per-source limits in the database.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddCipherpadRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: "Slow down: this client has made too many requests in the last minute.").ExecuteAsync(context.HttpContext);
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api/v1/challenges") || context.Request.Path.StartsWithSegments("/api/v1/accounts")
                    ? RateLimitPartition.GetNoLimiter("rp-api")
                    : RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientAddress.Of(context), _ => Window(limits.AddressPerMinute)));
        });
    }

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}
