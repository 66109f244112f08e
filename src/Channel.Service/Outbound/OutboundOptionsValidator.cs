using Microsoft.Extensions.Options;

namespace Channel.Service.Outbound;

/// <summary>One message per wrong key, named as it is configured.</summary>
internal sealed class OutboundOptionsValidator : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SendInterval < TimeSpan.Zero || options.SendInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add(Message(nameof(options.SendInterval), "expected a duration from 00:00:00 to 00:01:00."));
        }

        if (options.Retention < TimeSpan.FromDays(1))
        {
            failures.Add(Message(nameof(options.Retention), "must be at least one day (1.00:00:00): idempotency keys are kept 24 hours at least."));
        }

        Positive(options.PruneInterval, nameof(options.PruneInterval), failures);
        Positive(options.RetryDelay, nameof(options.RetryDelay), failures);
        Positive(options.PollInterval, nameof(options.PollInterval), failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(TimeSpan value, string key, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Message(key, "expected a positive duration, for example 00:00:05."));
        }
    }

    private static string Message(string key, string problem) => $"Invalid configuration '{OutboundOptions.Section}:{key}': {problem}";
}
