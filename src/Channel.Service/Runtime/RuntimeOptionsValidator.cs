using Microsoft.Extensions.Options;

namespace Channel.Service.Runtime;

/// <summary>One message per wrong key, named as it is configured.</summary>
internal sealed class RuntimeOptionsValidator : IValidateOptions<RuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Positive(options.ReconcileInterval, nameof(options.ReconcileInterval), failures);
        Positive(options.RestartDelay, nameof(options.RestartDelay), failures);
        Positive(options.SessionSaveDelay, nameof(options.SessionSaveDelay), failures);
        if (options.RestartMaxDelay < options.RestartDelay)
        {
            failures.Add(Message(nameof(options.RestartMaxDelay), "must not be shorter than Runtime:RestartDelay."));
        }

        if (options.StartConcurrency is < 1 or > 1_000)
        {
            failures.Add(Message(nameof(options.StartConcurrency), "expected a whole number from 1 to 1000."));
        }

        if (options.MaxBatchAttempts is < 1 or > 1_000)
        {
            failures.Add(Message(nameof(options.MaxBatchAttempts), "expected a whole number from 1 to 1000."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(TimeSpan value, string key, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Message(key, "expected a positive duration, for example 00:00:30."));
        }
    }

    private static string Message(string key, string problem) => $"Invalid configuration '{RuntimeOptions.Section}:{key}': {problem}";
}
