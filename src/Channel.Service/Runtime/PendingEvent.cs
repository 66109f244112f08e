using Channel.Domain.Accounts;
using Channel.Persistence.Outbox;

namespace Channel.Service.Runtime;

/// <summary>One event derived from a batch, waiting for its place in the account's sequence.</summary>
internal sealed class PendingEvent
{
    private readonly Func<OutboxWriter, TelegramAccountId, long, OutboxMessage> _row;

    private PendingEvent(Guid eventId, string eventType, Func<OutboxWriter, TelegramAccountId, long, OutboxMessage> row)
    {
        EventId = eventId;
        EventType = eventType;
        _row = row;
    }

    /// <summary>The contract's name, for metrics.</summary>
    public string EventType { get; }

    /// <summary>Deterministic (see <see cref="EventIds"/>): a replay of the same fact has the same id.</summary>
    public Guid EventId { get; }

    /// <summary>
    /// For a message the account itself sent: what recognises it as one of our own replies (the OutboundMessages
    /// table), which are reported as OutboundMessageSent and never as MessageSentFromOtherDevice.
    /// </summary>
    public OwnMessage? Outgoing { get; private set; }

    public PendingEvent OutgoingAs(OwnMessage own)
    {
        Outgoing = own;
        return this;
    }

    /// <summary><paramref name="build"/> makes the contract once its <c>Sequence</c> is known.</summary>
    public static PendingEvent Of<T>(Guid eventId, Func<long, T> build)
        where T : class =>
        new(eventId, typeof(T).Name, (outbox, account, sequence) => outbox.Create(eventId, account, build(sequence)));

    /// <summary>The contract's outbox row with <paramref name="sequence"/>, for <see cref="OutboxWriter.InsertAsync"/>.</summary>
    public OutboxMessage ToRow(OutboxWriter outbox, TelegramAccountId accountId, long sequence) => _row(outbox, accountId, sequence);
}

/// <summary>An outgoing message as the runtime saw it: chat, id and the SHA-256 of its text.</summary>
internal sealed record OwnMessage(long ChatId, int MessageId, string TextHash);
