using System.Globalization;
using Microsoft.Extensions.Options;

namespace Channel.Service.Replicas;

/// <summary>This process's owner name in the lease tables (<c>Leases:InstanceId</c>, or one made unique per run).</summary>
internal sealed class ReplicaIdentity(IOptions<LeaseOptions> options)
{
    public string InstanceId { get; } = string.IsNullOrWhiteSpace(options.Value.InstanceId)
        ? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}")
        : options.Value.InstanceId.Trim();
}
