using Channel.Persistence.Leases;
using Microsoft.Extensions.Options;

namespace Channel.Service.Replicas;

/// <summary>One message per wrong key, named as it is configured.</summary>
internal sealed class LeaseOptionsValidator : IValidateOptions<LeaseOptions>
{
    private const int MaxInstanceIdLength = 128;

    public ValidateOptionsResult Validate(string? name, LeaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RenewInterval <= TimeSpan.Zero)
        {
            failures.Add(Message(nameof(options.RenewInterval), "expected a positive duration, for example 00:00:05."));
        }

        if (options.ReplicaTimeout <= TimeSpan.Zero)
        {
            failures.Add(Message(nameof(options.ReplicaTimeout), "expected a positive duration, for example 00:00:20."));
        }

        // Room for two missed renewals and the disconnect before the lease runs out.
        if (options.Duration < 4 * options.RenewInterval)
        {
            failures.Add(Message(nameof(options.Duration), "must be at least 4 × Leases:RenewInterval (for example 00:00:20 with 00:00:05)."));
        }

        if (options.InstanceId is { Length: > MaxInstanceIdLength } || (options.InstanceId is { } id && id.Any(c => c > '\u007f' || char.IsControl(c))))
        {
            failures.Add(Message(nameof(options.InstanceId), $"expected at most {MaxInstanceIdLength} printable ASCII characters."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Message(string key, string problem) => $"Invalid configuration '{LeaseOptions.Section}:{key}': {problem}";
}
