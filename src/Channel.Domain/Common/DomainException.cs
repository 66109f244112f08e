namespace Channel.Domain.Common;

/// <summary>
/// A domain rule was broken (for instance an illegal status transition). The single exception type the
/// domain throws for rule violations; <see cref="Reason"/> is a stable UPPER_SNAKE_CASE code for clients.
/// Messages never carry secrets or full phone numbers.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(string reason, string message, IReadOnlyDictionary<string, string>? metadata = null)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Reason = reason;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    public string Reason { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }
}
