using Microsoft.Extensions.Options;

namespace Channel.Service.Messaging;

/// <summary>Checks options set in code (tests, embedding hosts) with the same messages as the configuration keys.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options) =>
        OutboxOptions.Validate(options) is { } problem
            ? ValidateOptionsResult.Fail($"Invalid configuration '{problem.Key}': {problem.Message}")
            : ValidateOptionsResult.Success;
}
