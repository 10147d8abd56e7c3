using System.Globalization;
using System.Threading.RateLimiting;
using Cipherpad.Server.Web;

namespace Cipherpad.Server.Security;

/// <summary>
/// Fixed-window request limits per client address for everything but the relying-party API, whose limits are counted
/// after authentication (<see cref="RelyingParties.RelyingPartyRequestLimits"/>). They protect the service's capacity;
/// guessing is bounded separately by the per-question and per-source limits in the database. On PostgreSQL every server
/// of the database counts against the same limits (<see cref="SharedWindowLimiter"/>).
/// </summary>
public static class RateLimits
{
    /// <summary>
    /// The policy of the forms that mail a link: a tighter hourly limit per client address on their posts, on top of the
    /// per-recipient counts in the database (<see cref="Notifications.MailQuotas"/>), so one source cannot spend every
    /// recipient's mails in turn. Showing the form is not limited.
    /// </summary>
    public const string MailForms = "mail-forms";

    public static IServiceCollection AddCipherpadRateLimits(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.RateLimits;
        if (options.Database.Provider == DatabaseProvider.PostgreSql)
        {
            services.AddSingleton<RequestCounts, DatabaseRequestCounts>();
        }
        else
        {
            services.AddSingleton<RequestCounts, MemoryRequestCounts>();
        }
        return services.AddRateLimiter(rateLimiter =>
        {
            rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rateLimiter.OnRejected = (context, _) => new ValueTask(TooManyRequests(context.HttpContext, context.Lease).ExecuteAsync(context.HttpContext));
            rateLimiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsBackChannel(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("back-channel")
                    : Window(context, "ip:" + ClientAddress.Of(context), limits.AddressPerMinute, TimeSpan.FromMinutes(1)));
            rateLimiter.AddPolicy(MailForms, context => HttpMethods.IsPost(context.Request.Method)
                ? Window(context, "mail-forms:" + ClientAddress.Of(context), limits.MailFormsPerAddressPerHour, TimeSpan.FromHours(1))
                : RateLimitPartition.GetNoLimiter(""));
        });
    }

    /// <summary>A partition whose limit every server on the database shares (<see cref="SharedWindowLimiter"/>).</summary>
    public static RateLimitPartition<string> Window(HttpContext context, string partition, int permits, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Window(context.RequestServices, partition, permits, window);
    }

    /// <inheritdoc cref="Window(HttpContext, string, int, TimeSpan)"/>
    public static RateLimitPartition<string> Window(IServiceProvider services, string partition, int permits, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(services);
        return RateLimitPartition.Get(partition, key => new SharedWindowLimiter(key, permits, window, services.GetRequiredService<RequestCounts>(),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger<SharedWindowLimiter>()));
    }

    /// <summary>The 429 problem of every request limit, with Retry-After when the limiter knows it.</summary>
    public static IResult TooManyRequests(HttpContext context, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: "Slow down: this client has made too many requests; try again later.");
    }

    /// <summary>
    /// Calls that one address makes for many people, which a per-address limit would throttle as one: the relying-party API
    /// (limited per relying party instead), a site's back channel to the OpenID Connect endpoints (codes, refresh, pushed
    /// requests, revocation, userinfo — each authenticated by the client or a token), and a reverse proxy's forward-auth
    /// checks (one for every request to a protected site; only a session cookie reaches the database).
    /// </summary>
    private static bool IsBackChannel(PathString path) =>
        path.StartsWithSegments("/api/v1/challenges") || path.StartsWithSegments("/api/v1/accounts")
        || path.StartsWithSegments("/connect/token") || path.StartsWithSegments("/connect/par") || path.StartsWithSegments("/connect/revoke")
        || path.StartsWithSegments("/connect/userinfo") || path.StartsWithSegments("/auth");
}
