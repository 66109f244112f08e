namespace Channel.Domain.Common;

/// <summary>Something that happened to an aggregate. Recorded on the aggregate, published by the host.</summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
