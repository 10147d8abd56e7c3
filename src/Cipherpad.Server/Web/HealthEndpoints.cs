using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cipherpad.Server.Web;

/// <summary>
/// What an orchestrator or a load balancer asks: <c>/health/live</c> (the process answers; restart it if not) and
/// <c>/health/ready</c> (the database is reachable, this version's migrations are applied, the outbox worker keeps
/// sending; take it out of rotation if not), with each check's state in JSON. <c>/health</c> is <c>/health/ready</c>.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        var ready = new HealthCheckOptions { ResponseWriter = WriteAsync };
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        routes.MapHealthChecks("/health/ready", ready);
        routes.MapHealthChecks("/health", ready);
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.ToDictionary(entry => entry.Key, entry => new HealthCheckView(entry.Value.Status.ToString(), entry.Value.Description));
        return JsonSerializer.SerializeAsync(http.Response.Body, new HealthView(report.Status.ToString(), checks), HealthJson.Default.HealthView,
            http.RequestAborted);
    }
}

public sealed record HealthView(string Status, IReadOnlyDictionary<string, HealthCheckView> Checks);

public sealed record HealthCheckView(string Status, string? Description);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthView))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
