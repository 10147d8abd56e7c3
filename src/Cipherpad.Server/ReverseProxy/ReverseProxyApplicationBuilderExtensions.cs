using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.ReverseProxy;

public static class ReverseProxyApplicationBuilderExtensions
{
    private const string ForwardedForHeader = "X-Forwarded-For";
    private const string ForwardedProtoHeader = "X-Forwarded-Proto";

    /// <summary>
    /// Replaces the connection's address and scheme with the forwarded ones when, and only when, the request came from a
    /// trusted proxy. Goes first in the pipeline: the rate limiter, the sign-in cookie and every
    /// <see cref="Web.ClientAddress"/> read must see the client, not the proxy.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var proxies = TrustedProxies.From(app.Services.GetRequiredService<IOptions<CipherpadOptions>>().Value.ReverseProxy.TrustedProxies);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TrustedProxies).FullName!);
        app.Use(WarnOnceAboutUntrustedForwarding(proxies, logger));
        if (proxies.IsEmpty)
        {
            logger.LogInformation("No reverse proxy is trusted (Cipherpad:ReverseProxy:TrustedProxies is empty): forwarded headers are " +
                "ignored and every client is known by its connection's address");
            return app;
        }
        logger.LogInformation("Trusting X-Forwarded-For, X-Forwarded-Proto and Forwarded from the reverse proxies {Proxies}", proxies);
        app.Use(TranslateForwardedHeader(proxies));
        var forwarding = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // No count of hops: the walk from the right stops at the first address that is not a trusted proxy, so a chain
            // of proxies is followed to the client and whatever the client wrote further left is never read.
            ForwardLimit = null,
        };
        // The defaults trust loopback; only what the operator listed is trusted.
        forwarding.KnownProxies.Clear();
        forwarding.KnownIPNetworks.Clear();
        foreach (var address in proxies.Addresses)
        {
            forwarding.KnownProxies.Add(address);
        }
        foreach (var network in proxies.Networks)
        {
            forwarding.KnownIPNetworks.Add(network);
        }
        app.UseForwardedHeaders(forwarding);
        return app;
    }

    /// <summary>
    /// Hands a trusted proxy's <c>Forwarded</c> header to the forwarded-headers middleware, which reads only the
    /// <c>X-Forwarded-*</c> ones. When the proxy also sent <c>X-Forwarded-For</c>, that one is used as it is.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> TranslateForwardedHeader(TrustedProxies proxies) => (context, next) =>
    {
        var headers = context.Request.Headers;
        if (proxies.Trusts(context.Connection.RemoteIpAddress) && headers.TryGetValue(ForwardedHeader.Name, out var forwarded)
            && !headers.ContainsKey(ForwardedForHeader))
        {
            var hops = ForwardedHeader.Parse(forwarded);
            headers[ForwardedForHeader] = string.Join(", ", hops.Select(hop => hop.For));
            // Schemes are matched to addresses counting from the right, so only the hops from the right that all name one
            // are handed on; a hop without one further left cannot shift a scheme onto the wrong address.
            var protos = hops.AsEnumerable().Reverse().TakeWhile(hop => hop.Proto is not null).Select(hop => hop.Proto!).Reverse().ToList();
            if (protos.Count > 0 && !headers.ContainsKey(ForwardedProtoHeader))
            {
                headers[ForwardedProtoHeader] = string.Join(", ", protos);
            }
        }
        return next(context);
    };

    /// <summary>
    /// A forwarded header from a peer that is not trusted is either an attempt to choose an address or a proxy the operator
    /// forgot to list; either way it is ignored, and said once so the second case is found.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> WarnOnceAboutUntrustedForwarding(TrustedProxies proxies, ILogger logger)
    {
        var warned = 0;
        return (context, next) =>
        {
            if (Volatile.Read(ref warned) == 0
                && (context.Request.Headers.ContainsKey(ForwardedForHeader) || context.Request.Headers.ContainsKey(ForwardedHeader.Name))
                && !proxies.Trusts(context.Connection.RemoteIpAddress)
                && Interlocked.Exchange(ref warned, 1) == 0)
            {
                logger.LogWarning("A request from {Peer} carried X-Forwarded-For or Forwarded, ignored because that peer is not in " +
                    "Cipherpad:ReverseProxy:TrustedProxies ({Proxies}). If it is your reverse proxy, add it there; otherwise every " +
                    "client behind it shares its address. Said once.", context.Connection.RemoteIpAddress, proxies);
            }
            return next(context);
        };
    }
}
