namespace Channel.MTProto.Tl;

/// <summary>
/// The MTProto service constructors that are not in mtproto.tl and are framed by hand by the session layer:
/// <c>rpc_result#f35c6d01 req_msg_id:long result:Object</c>,
/// <c>msg_container#73f1f8dc messages:vector&lt;%Message&gt;</c>,
/// <c>message msg_id:long seqno:int bytes:int body:Object</c>,
/// <c>gzip_packed#3072cfa1 packed_data:bytes</c>; plus the ids the runtime treats as primitives.
/// </summary>
/// <remarks>
/// rpc_result's <c>result</c> can only be read with the pending method (<see cref="ITlMethod{TResult}.ReadResult"/>)
/// and a container's messages are framed by byte length, so these are helpers over the reader and writer rather
/// than generated classes.
/// </remarks>
public static class TlServiceMessages
{
    public const uint RpcResultId = 0xf35c6d01;
    public const uint MsgContainerId = 0x73f1f8dc;
    public const uint GzipPackedId = 0x3072cfa1;
    public const uint VectorId = 0x1cb5c415;
    public const uint BoolTrueId = 0x997275b5;
    public const uint BoolFalseId = 0xbc799737;

    /// <summary>Most messages a container may hold (<c>/mtproto/service_messages</c>).</summary>
    public const int MaxContainerMessages = 1024;

    /// <summary>msg_id + seqno + bytes.</summary>
    public const int MessageHeaderSize = 16;

    /// <summary>Writes <c>rpc_result</c> with a result of any type, using the method to serialise it.</summary>
    public static void WriteRpcResult<TResult>(ref TlWriter writer, long requestMessageId, ITlMethod<TResult> method, TResult result)
    {
        ArgumentNullException.ThrowIfNull(method);
        writer.WriteUInt32(RpcResultId);
        writer.WriteInt64(requestMessageId);
        method.WriteResult(ref writer, result);
    }

    /// <summary>Writes <c>rpc_result</c> whose result is an object (e.g. <c>rpc_error</c>).</summary>
    public static void WriteRpcResult(ref TlWriter writer, long requestMessageId, ITlObject result)
    {
        writer.WriteUInt32(RpcResultId);
        writer.WriteInt64(requestMessageId);
        writer.WriteObject(result);
    }

    /// <summary>Reads <c>req_msg_id</c> after the rpc_result id; the result follows and is read with the pending method.</summary>
    public static long ReadRpcResultHeader(ref TlReader reader) => reader.ReadInt64();

    /// <summary>Writes <c>msg_container</c> with its messages.</summary>
    public static void WriteContainer(ref TlWriter writer, IReadOnlyList<TlMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count > MaxContainerMessages)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Count, $"a container holds at most {MaxContainerMessages} messages");
        }

        writer.WriteUInt32(MsgContainerId);
        writer.WriteInt32(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            WriteMessage(ref writer, messages[i]);
        }
    }

    /// <summary>Reads the message count after the msg_container id (checked against the limit and the input).</summary>
    public static int ReadContainerCount(ref TlReader reader)
    {
        var start = reader.Position;
        var count = reader.ReadCount(MessageHeaderSize);
        if (count > MaxContainerMessages)
        {
            throw new TlDeserializationException($"container with {count} messages", start, MsgContainerId);
        }

        return count;
    }

    /// <summary>Writes one bare <c>message</c>: msg_id, seqno, body length, body.</summary>
    public static void WriteMessage(ref TlWriter writer, in TlMessage message)
    {
        writer.WriteInt64(message.MessageId);
        writer.WriteInt32(message.Seqno);
        writer.WriteInt32(message.Body.Length);
        writer.WriteRaw(message.Body.Span);
    }

    /// <summary>Reads a bare <c>message</c> header; the body is the next <see cref="TlMessageHeader.Length"/> bytes.</summary>
    public static TlMessageHeader ReadMessageHeader(ref TlReader reader)
    {
        var messageId = reader.ReadInt64();
        var seqno = reader.ReadInt32();
        var start = reader.Position;
        var length = reader.ReadInt32();
        if (length < 0 || length > reader.Remaining || (length & 3) != 0)
        {
            throw new TlDeserializationException($"message body length {length} invalid for the remaining {reader.Remaining} bytes", start);
        }

        return new TlMessageHeader(messageId, seqno, length);
    }

    /// <summary>Writes <c>gzip_packed</c> holding <paramref name="body"/> (a serialised boxed object).</summary>
    public static void WriteGzipPacked(ref TlWriter writer, ReadOnlySpan<byte> body)
    {
        writer.WriteUInt32(GzipPackedId);
        writer.WriteBytes(TlGzip.Pack(body));
    }
}

/// <summary>One message of a container (or a plain message) with its body already serialised.</summary>
public readonly record struct TlMessage(long MessageId, int Seqno, ReadOnlyMemory<byte> Body);

/// <summary>The fixed part of a bare <c>message</c>; <see cref="Length"/> bytes of body follow.</summary>
public readonly record struct TlMessageHeader(long MessageId, int Seqno, int Length);
