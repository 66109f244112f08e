using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Channel.Service.Messaging;

/// <summary>Readiness: the bus is connected and the dispatcher's last publish was confirmed. Not part of liveness.</summary>
internal sealed class BrokerHealthCheck(IBusControl bus, OutboxStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        if (health.Status != BusHealthStatus.Healthy)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The bus is {health.Status}: {health.Description}"));
        }

        return Task.FromResult(status.BrokerReachable == false
            ? HealthCheckResult.Unhealthy("The last publish to the broker failed; the outbox keeps the events.")
            : HealthCheckResult.Healthy());
    }
}
