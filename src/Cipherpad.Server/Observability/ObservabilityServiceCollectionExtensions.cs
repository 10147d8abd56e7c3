using OpenTelemetry.Metrics;

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
    /// Prometheus scrape endpoint <see cref="MapMetrics"/> maps.
    /// </summary>
    public static IServiceCollection AddObservability(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<CipherpadMetrics>();
        if (options.Metrics.Enabled)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(CipherpadMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
                .AddPrometheusExporter());
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
