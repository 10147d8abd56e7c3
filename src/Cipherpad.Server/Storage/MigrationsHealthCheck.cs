using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cipherpad.Server.Storage;

/// <summary>Ready only once every migration of this version is applied: a server on an older schema must not take requests.</summary>
public sealed class MigrationsHealthCheck(CipherpadDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{pending} database migration(s) of this version are not applied: run cipherpad-server migrate.");
    }
}
