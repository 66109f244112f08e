using Channel.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Channel.Service.Hosting;

/// <summary>Readiness: the database answers.</summary>
internal sealed class DatabaseHealthCheck(ChannelDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
