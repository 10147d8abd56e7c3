using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cipherpad.Server.Observability;

/// <summary><c>Cipherpad:Metrics</c>: whether <c>/metrics</c> serves the server's metrics to Prometheus.</summary>
public sealed class MetricsOptions
{
    /// <summary>Off by default: the counts tell how busy the service is, so turn it on where only the monitoring can reach it.</summary>
    public bool Enabled { get; set; }
}

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// The server's metrics (<see cref="CipherpadMetrics"/>), and, when <c>Cipherpad:Metrics:Enabled</c>, OpenTelemetry
    /// reading them with ASP.NET Core's request metrics (latency, by route and status) and the .NET runtime's, for the
    /// Prometheus scrape endpoint <see cref="MapMetrics"/> maps. When <c>Cipherpad:Tracing:Enabled</c>, traces over OTLP:
    /// each request (but health checks and scrapes), the server's own spans (<see cref="CipherpadTracing"/>), PostgreSQL's
    /// statements, and the calls it makes (push services, SMS gateways) named by host only.
    /// </summary>
    public static IServiceCollection AddObservability(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<CipherpadMetrics>();
        if (!options.Metrics.Enabled && !options.Tracing.Enabled)
        {
            return services;
        }
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("cipherpad"));
        if (options.Metrics.Enabled)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(CipherpadMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
                .AddPrometheusExporter());
        }
        if (options.Tracing.Enabled)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(CipherpadTracing.SourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                // A push endpoint's path is the subscription's address; a gateway's may hold a key.
                .AddHttpClientInstrumentation(client => client.EnrichWithHttpRequestMessage = (activity, request) =>
                    activity.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Authority)))
                .AddNpgsql()
                .AddOtlpExporter());
        }
        return services;
    }

    /// <summary><c>GET /metrics</c> in Prometheus's text format, when metrics are on.</summary>
    public static void MapMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CipherpadOptions>>().Value.Metrics.Enabled)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
    }
}
