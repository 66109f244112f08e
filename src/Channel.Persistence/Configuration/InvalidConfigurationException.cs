namespace Channel.Persistence.Configuration;

/// <summary>A configuration value is missing or wrong. The message names the key and says what is expected.</summary>
public sealed class InvalidConfigurationException(string key, string problem)
    : Exception($"Invalid configuration '{key}': {problem}")
{
    public string Key { get; } = key;
}
