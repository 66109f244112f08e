using Channel.Service.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Channel.Service.Hosting;

/// <summary>Readiness: the account runtime finished its first pass (every Active account it owns has a worker).</summary>
internal sealed class RuntimeHealthCheck(IAccountRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runtime.Started.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The account runtime has not taken up the Active accounts yet."));
}
