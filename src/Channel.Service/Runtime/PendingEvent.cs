using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Outbox;

namespace Channel.Service.Runtime;

/// <summary>One event derived from a batch, waiting for its place in the account's sequence.</summary>
internal sealed class PendingEvent
{
    private readonly Action<OutboxWriter, ChannelDbContext, TelegramAccountId, long> _add;

    private PendingEvent(Guid eventId, string eventType, Action<OutboxWriter, ChannelDbContext, TelegramAccountId, long> add)
    {
        EventId = eventId;
        EventType = eventType;
        _add = add;
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
        new(eventId, typeof(T).Name, (outbox, db, account, sequence) => outbox.Add(db, eventId, account, build(sequence)));

    /// <summary>Stages the contract in the outbox with <paramref name="sequence"/>, in the caller's transaction.</summary>
    public void AddTo(OutboxWriter outbox, ChannelDbContext db, TelegramAccountId accountId, long sequence) => _add(outbox, db, accountId, sequence);
}

/// <summary>An outgoing message as the runtime saw it: chat, id and the SHA-256 of its text.</summary>
internal sealed record OwnMessage(long ChatId, int MessageId, string TextHash);
