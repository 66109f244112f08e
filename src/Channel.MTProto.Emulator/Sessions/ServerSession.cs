using System.Buffers;
using Channel.MTProto.Crypto;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>A message waiting to be sent to the client.</summary>
/// <param name="IsUpdate">An update push: kept until acknowledged and resent after a reconnect.</param>
/// <param name="ChannelId">The channel of a channel push (0 otherwise).</param>
internal readonly record struct OutgoingMessage(byte[] Body, bool ContentRelated, bool IsResponse, bool IsUpdate = false, long ChannelId = 0);

/// <summary>
/// The server side of one (auth key, session id): incoming msg_id / seq_no bookkeeping and the outbox. Outgoing
/// messages queue here and go to whichever connection last carried this session; when several are ready they
/// leave in one msg_container. Thread-safe: the connection's reader and delayed responses both use it.
/// Pushes (content-related, not responses) stay here after sending until the client acknowledges them (msgs_ack);
/// when the session comes back on another connection they are sent again, as Telegram does.
/// </summary>
internal sealed partial class ServerSession(AuthKeyState authKey, long sessionId, TimeProvider time)
{
    private const int MaxContainerBytes = 512 * 1024;

    private readonly Lock _lock = new();
    private readonly MessageIdGenerator _ids = new(time);
    private readonly SeqNoCounter _seqNo = new();
    private readonly ReceivedMessageWindow _received = new();
    private readonly List<OutgoingMessage> _outbox = [];
    private long _highestMsgId;
    private int _highestSeqNo = -1;

    public AuthKeyState AuthKey { get; } = authKey;

    public long SessionId { get; } = sessionId;

    /// <summary>False until new_session_created has been queued for this session.</summary>
    public bool Announced { get; set; }

    /// <summary>The connection that last carried a message of this session (where pushes go).</summary>
    public Connections.ClientConnection? Connection { get; set; }

    /// <summary>When a message of this session last arrived (Stopwatch ticks): which idle session to forget first.</summary>
    public long LastUsed { get; set; }

    /// <summary>The layer from the last invokeWithLayer on this session.</summary>
    public int? Layer { get; set; }

    /// <summary>The highest client msg_id seen (new_session_created's first_msg_id when announced later).</summary>
    public long HighestMsgId
    {
        get
        {
            lock (_lock)
            {
                return _highestMsgId;
            }
        }
    }

    /// <summary>The −300 s / +30 s window and replay check of an incoming msg_id (remembers accepted ids).</summary>
    public ReceivedMessageCheck CheckReceived(long msgId)
    {
        lock (_lock)
        {
            return _received.Check(msgId, time.GetUtcNow());
        }
    }

    /// <summary>
    /// seq_no rules: content-related messages odd (else 35), others even (else 34); a later msg_id must not carry a
    /// lower seq_no (32) and an earlier msg_id not a higher one (33). Returns the error code or null.
    /// </summary>
    public int? CheckSeqNo(long msgId, int seqNo, bool contentRelated)
    {
        if (contentRelated != ((seqNo & 1) == 1))
        {
            return contentRelated ? BadMsgCodes.OddSeqNoExpected : BadMsgCodes.EvenSeqNoExpected;
        }

        lock (_lock)
        {
            if (msgId > _highestMsgId)
            {
                if (seqNo < _highestSeqNo || (seqNo == _highestSeqNo && (seqNo & 1) == 1))
                {
                    return BadMsgCodes.SeqNoTooLow;
                }

                _highestMsgId = msgId;
                _highestSeqNo = seqNo;
            }
            else if (seqNo > _highestSeqNo)
            {
                return BadMsgCodes.SeqNoTooHigh;
            }

            return null;
        }
    }

    public void Enqueue(OutgoingMessage message)
    {
        lock (_lock)
        {
            _outbox.Add(message);
            CountChannelPushLocked(message, 1);
        }
    }

    /// <summary>
    /// Takes what is queued and returns it encrypted as transport payloads: one message alone, several in
    /// containers. Called by the connection under its write lock, so msg_ids leave in increasing order.
    /// </summary>
    /// <param name="losePush">Asked for each update push: true loses it in transit (a fault; kept until acknowledged).</param>
    public List<byte[]> DrainEncrypted(Func<bool>? losePush = null)
    {
        var packets = new List<byte[]>();
        lock (_lock)
        {
            if (losePush is not null)
            {
                LosePushesLocked(losePush);
            }

            var index = 0;
            while (index < _outbox.Count)
            {
                var count = 0;
                var bytes = 0;
                while (index + count < _outbox.Count && count < TlServiceMessages.MaxContainerMessages
                       && (count == 0 || bytes + _outbox[index + count].Body.Length + TlServiceMessages.MessageHeaderSize <= MaxContainerBytes))
                {
                    bytes += _outbox[index + count].Body.Length + TlServiceMessages.MessageHeaderSize;
                    count++;
                }

                packets.Add(count == 1 ? EncryptSingle(_outbox[index]) : EncryptContainer(_outbox.GetRange(index, count)));
                for (var i = 0; i < count; i++)
                {
                    KeepUntilAckedLocked(_lastIds[i], _outbox[index + i]);
                }

                index += count;
            }

            _outbox.Clear();
        }

        return packets;
    }

    private byte[] EncryptSingle(OutgoingMessage message)
    {
        var msgId = NextId(message.IsResponse);
        _lastIds.Clear();
        _lastIds.Add(msgId);
        return Encrypt(msgId, _seqNo.Next(message.ContentRelated), message.Body);
    }

    private byte[] EncryptContainer(List<OutgoingMessage> messages)
    {
        var items = new TlMessage[messages.Count];
        _lastIds.Clear();
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new TlMessage(NextId(messages[i].IsResponse), _seqNo.Next(messages[i].ContentRelated), messages[i].Body);
            _lastIds.Add(items[i].MessageId);
        }

        var output = new ArrayBufferWriter<byte>(4096);
        var writer = new TlWriter(output);
        TlServiceMessages.WriteContainer(ref writer, items);
        writer.Flush();

        // The container's own id comes after its contents' ids; containers are not content-related.
        return Encrypt(NextId(isResponse: false), _seqNo.Next(contentRelated: false), output.WrittenSpan);
    }

    private long NextId(bool isResponse) => _ids.Next(isResponse ? MessageIdKind.ServerResponse : MessageIdKind.ServerInitiated);

    private byte[] Encrypt(long msgId, int seqNo, ReadOnlySpan<byte> body)
    {
        var header = new EncryptedMessageHeader(AuthKey.Salts.Current, SessionId, msgId, seqNo, body.Length);
        return EncryptedMessage.Encrypt(AuthKey.Key, MessageDirection.ServerToClient, header, body, SystemRandomSource.Instance);
    }
}
