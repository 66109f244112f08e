extern alias service;

using LeaseOptions = service::Channel.Service.Replicas.LeaseOptions;
using LeaseOptionsValidator = service::Channel.Service.Replicas.LeaseOptionsValidator;

namespace Channel.Service.Tests.Replicas;

public sealed class LeaseOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid_AndDisconnectBeforeExpiryWithTwoRenewalsToSpare()
    {
        var options = new LeaseOptions();

        Assert.True(new LeaseOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(options.Duration - (2 * options.RenewInterval), options.DisconnectAfter);
        Assert.True(options.DisconnectAfter > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(20, 6, 20, null, "Leases:Duration")]
    [InlineData(20, 0, 20, null, "Leases:RenewInterval")]
    [InlineData(20, 5, 0, null, "Leases:ReplicaTimeout")]
    [InlineData(20, 5, 20, "bad\u00e9id", "Leases:InstanceId")]
    public void Invalid_FailsNamingTheKey(int durationSeconds, int renewSeconds, int replicaTimeoutSeconds, string? instanceId, string key)
    {
        var options = new LeaseOptions
        {
            Duration = TimeSpan.FromSeconds(durationSeconds),
            RenewInterval = TimeSpan.FromSeconds(renewSeconds),
            ReplicaTimeout = TimeSpan.FromSeconds(replicaTimeoutSeconds),
            InstanceId = instanceId,
        };

        var result = new LeaseOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith($"Invalid configuration '{key}'", StringComparison.Ordinal));
    }
}
