using Microsoft.Extensions.Options;

namespace Channel.Service.Media;

/// <summary>One message per wrong key, named as it is configured.</summary>
internal sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxUploadBytes is < 1 or > MediaOptions.MaxUploadBytesCeiling)
        {
            failures.Add(Message(nameof(options.MaxUploadBytes), $"expected a size in bytes from 1 to {MediaOptions.MaxUploadBytesCeiling} (1 GiB: an upload is held as one database value)."));
        }

        if (options.UploadRetention < TimeSpan.FromMinutes(1))
        {
            failures.Add(Message(nameof(options.UploadRetention), "expected a duration of at least 00:01:00."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Message(string key, string problem) => $"Invalid configuration '{MediaOptions.Section}:{key}': {problem}";
}
