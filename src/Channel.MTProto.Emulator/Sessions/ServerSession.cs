using System.Buffers.Binary;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Interim;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>A message waiting to be sent to the client.</summary>
internal readonly record struct OutgoingMessage(byte[] Body, bool ContentRelated, bool IsResponse);

/// <summary>
/// The server side of one (auth key, session id): incoming msg_id / seq_no bookkeeping and the outbox. Outgoing
/// messages queue here and go to whichever connection last carried this session; when several are ready they
/// leave in one msg_container. Thread-safe: the connection's reader and delayed responses both use it.
/// </summary>
internal sealed class ServerSession(AuthKeyState authKey, long sessionId, TimeProvider time)
{
    private const int RememberedIds = 512;
    private const int MaxContainerMessages = 1024;
    private const int MaxContainerBytes = 512 * 1024;

    private readonly Lock _lock = new();
    private readonly ServerMessageIds _ids = new(time);
    private readonly HashSet<long> _seen = [];
    private readonly Queue<long> _seenOrder = new();
    private readonly List<OutgoingMessage> _outbox = [];
    private int _contentCount;
    private long _highestMsgId;
    private int _highestSeqNo = -1;

    public AuthKeyState AuthKey { get; } = authKey;

    public long SessionId { get; } = sessionId;

    /// <summary>False until new_session_created has been queued for this session.</summary>
    public bool Announced { get; set; }

    /// <summary>The connection that last carried a message of this session (where pushes go).</summary>
    public Connections.ClientConnection? Connection { get; set; }

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

    /// <summary>The layer from the last invokeWithLayer on this session.</summary>
    public int? Layer { get; set; }

    /// <summary>True if the msg_id was seen recently; otherwise remembers it.</summary>
    public bool CheckAndRememberDuplicate(long msgId)
    {
        lock (_lock)
        {
            if (!_seen.Add(msgId))
            {
                return true;
            }

            _seenOrder.Enqueue(msgId);
            if (_seenOrder.Count > RememberedIds)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }

            return false;
        }
    }

    public bool HasSeen(long msgId)
    {
        lock (_lock)
        {
            return _seen.Contains(msgId);
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
        }
    }

    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                return _outbox.Count > 0;
            }
        }
    }

    /// <summary>
    /// Takes what is queued and returns it encrypted as transport payloads: one message alone, several in
    /// containers. Called by the connection under its write lock, so msg_ids leave in increasing order.
    /// </summary>
    public List<byte[]> DrainEncrypted()
    {
        var packets = new List<byte[]>();
        lock (_lock)
        {
            var index = 0;
            while (index < _outbox.Count)
            {
                var count = 0;
                var bytes = 0;
                while (index + count < _outbox.Count && count < MaxContainerMessages
                       && (count == 0 || bytes + _outbox[index + count].Body.Length + 16 <= MaxContainerBytes))
                {
                    bytes += _outbox[index + count].Body.Length + 16;
                    count++;
                }

                packets.Add(count == 1 ? EncryptSingle(_outbox[index]) : EncryptContainer(_outbox.GetRange(index, count)));
                index += count;
            }

            _outbox.Clear();
        }

        return packets;
    }

    private byte[] EncryptSingle(OutgoingMessage message)
    {
        var msgId = _ids.Next(message.IsResponse);
        return Encrypt(msgId, NextSeqNo(message.ContentRelated), message.Body);
    }

    private byte[] EncryptContainer(List<OutgoingMessage> messages)
    {
        var writer = new TlWriter(4096).WriteUInt32(ServiceIds.MsgContainer).WriteInt32(messages.Count);
        foreach (var message in messages)
        {
            writer.WriteInt64(_ids.Next(message.IsResponse))
                .WriteInt32(NextSeqNo(message.ContentRelated))
                .WriteInt32(message.Body.Length)
                .WriteRaw(message.Body);
        }

        // The container's own id comes after its contents' ids; containers are not content-related.
        return Encrypt(_ids.Next(isResponse: false), NextSeqNo(contentRelated: false), writer.WrittenSpan);
    }

    private int NextSeqNo(bool contentRelated) => contentRelated ? (_contentCount++ * 2) + 1 : _contentCount * 2;

    /// <summary>MTProto 2.0 server→client encryption (x = 8): auth_key_id ‖ msg_key ‖ AES-IGE(plaintext).</summary>
    private byte[] Encrypt(long msgId, int seqNo, ReadOnlySpan<byte> body)
    {
        var unpadded = 32 + body.Length;
        var padding = 12 + ((16 - ((unpadded + 12) % 16)) % 16) + (16 * RandomNumberGenerator.GetInt32(4));
        var plaintext = new byte[unpadded + padding];
        BinaryPrimitives.WriteInt64LittleEndian(plaintext, AuthKey.Salts.Current);
        BinaryPrimitives.WriteInt64LittleEndian(plaintext.AsSpan(8), SessionId);
        BinaryPrimitives.WriteInt64LittleEndian(plaintext.AsSpan(16), msgId);
        BinaryPrimitives.WriteInt32LittleEndian(plaintext.AsSpan(24), seqNo);
        BinaryPrimitives.WriteInt32LittleEndian(plaintext.AsSpan(28), body.Length);
        body.CopyTo(plaintext.AsSpan(32));
        RandomNumberGenerator.Fill(plaintext.AsSpan(unpadded));

        var packet = new byte[24 + plaintext.Length];
        BinaryPrimitives.WriteInt64LittleEndian(packet, AuthKey.Id);
        var msgKey = packet.AsSpan(8, 16);
        MessageKeys.Compute(AuthKey.Key, plaintext, 8, msgKey);
        Span<byte> aesKey = stackalloc byte[32];
        Span<byte> aesIv = stackalloc byte[32];
        MessageKeys.Derive(AuthKey.Key, msgKey, 8, aesKey, aesIv);
        AesIge.Encrypt(aesKey, aesIv, plaintext, packet.AsSpan(24));
        return packet;
    }
}
