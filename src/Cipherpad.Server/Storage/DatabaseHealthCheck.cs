using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cipherpad.Server.Storage;

public sealed class DatabaseHealthCheck(CipherpadDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The database cannot be reached.");
}
