namespace Channel.Service.Sandbox;

/// <summary>The <c>--sandbox</c> switch: configuration has no bare flags, so it becomes <c>--Telegram:Sandbox=true</c>.</summary>
internal static class SandboxArguments
{
    public const string Switch = "--sandbox";

    public static string[] Normalize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [.. args.Select(arg => string.Equals(arg, Switch, StringComparison.OrdinalIgnoreCase) ? "--Telegram:Sandbox=true" : arg)];
    }
}
