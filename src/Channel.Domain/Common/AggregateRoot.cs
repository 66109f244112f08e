namespace Channel.Domain.Common;

/// <summary>Base for aggregates: keeps the domain events recorded since the last save.</summary>
public abstract class AggregateRoot
{
    private readonly List<IDomainEvent> _domainEvents = [];

    public IReadOnlyCollection<IDomainEvent> DomainEvents => _domainEvents.AsReadOnly();

    public void ClearDomainEvents() => _domainEvents.Clear();

    protected void Record(IDomainEvent domainEvent) => _domainEvents.Add(domainEvent);
}
