using System.Globalization;
using System.Threading.RateLimiting;
using Cipherpad.Server.Web;

namespace Cipherpad.Server.Security;

/// <summary>
/// Fixed-window request limits: the relying-party API per client id (taken from the Basic credentials, before they
/// are checked, so a flood of bad credentials is limited too), everything else per client address. They protect the
/// service's capacity; guessing is bounded separately by the per-question and per-source limits in the database.
/// </summary>
public static class RateLimits
{
    public const string RelyingPartyPolicy = "relying-party";

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
            options.AddPolicy(RelyingPartyPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                "rp:" + ClientId(context), _ => Window(limits.RelyingPartyPerMinute)));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api/v1/challenges") || context.Request.Path.StartsWithSegments("/api/v1/accounts")
                    ? RateLimitPartition.GetNoLimiter("rp-api")
                    : RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientAddress.Of(context), _ => Window(limits.AddressPerMinute)));
        });
    }

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    // Client ids are short; a long one in a bad header must not become a long partition key. An id has no ':', so it
    // never collides with an anonymous partition.
    private static string ClientId(HttpContext context) =>
        BasicCredentials.TryParse(context.Request.Headers.Authorization, out var credentials, out _) && credentials.Id.Length <= 64
            ? credentials.Id
            : "anonymous:" + ClientAddress.Of(context);
}
