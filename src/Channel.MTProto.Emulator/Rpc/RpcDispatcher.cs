using Channel.MTProto.Emulator.Interim;
using Channel.MTProto.Emulator.Sessions;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>
/// Turns a client RPC message into an answer: removes invokeAfterMsg(s) / invokeWithLayer / initConnection /
/// invokeWithoutUpdates (recording the layer and client info on the connection), unpacks gzip_packed, and calls the
/// registered handler. Anything unknown is answered with rpc_error 400 INPUT_METHOD_INVALID, anything
/// unparseable with 400 INPUT_REQUEST_INVALID: the client always gets an answer.
/// </summary>
internal sealed class RpcDispatcher(RpcHandlerRegistry handlers, int maxUnpackedBytes)
{
    private const int MaxJsonDepth = 32;

    public async ValueTask<RpcAnswer> DispatchAsync(RpcContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> request;
        try
        {
            request = Unwrap(context, body);
        }
        catch (TlDecodeException)
        {
            return RpcAnswer.RequestInvalid;
        }

        if (request.Length < 4)
        {
            return RpcAnswer.RequestInvalid;
        }

        var methodId = BitConverter.ToUInt32(request.Span);
        if (!handlers.TryGet(methodId, out var handler))
        {
            return RpcAnswer.MethodInvalid;
        }

        try
        {
            return await handler(context, request, cancellationToken);
        }
        catch (TlDecodeException)
        {
            return RpcAnswer.RequestInvalid;
        }
    }

    private ReadOnlyMemory<byte> Unwrap(RpcContext context, ReadOnlyMemory<byte> body)
    {
        while (true)
        {
            var reader = new TlReader(body.Span);
            if (reader.Remaining < 4)
            {
                return body;
            }

            switch (reader.ReadUInt32())
            {
                case ApiIds.InvokeAfterMsg:
                    reader.ReadInt64();
                    break;
                case ApiIds.InvokeAfterMsgs:
                    reader.ReadInt64Vector(8192);
                    break;
                case ApiIds.InvokeWithLayer:
                    var layer = reader.ReadInt32();
                    context.Connection.Layer = layer;
                    context.Session.Layer = layer;
                    break;
                case ApiIds.InvokeWithoutUpdates:
                    context.WithoutUpdates = true;
                    break;
                case ApiIds.InitConnection:
                    context.Connection.Client = ReadInitConnection(ref reader);
                    break;
                case ServiceIds.GzipPacked:
                    body = Gzip.Unpack(reader.ReadBytes(), maxUnpackedBytes);
                    continue;
                default:
                    return body;
            }

            body = body[reader.Position..];
        }
    }

    private static InitConnectionInfo ReadInitConnection(ref TlReader reader)
    {
        var flags = reader.ReadInt32();
        var info = new InitConnectionInfo(
            reader.ReadInt32(), reader.ReadString(), reader.ReadString(), reader.ReadString(),
            reader.ReadString(), reader.ReadString(), reader.ReadString());
        if ((flags & 1) != 0)
        {
            reader.ExpectConstructor(ApiIds.InputClientProxy);
            reader.ReadBytes();
            reader.ReadInt32();
        }

        if ((flags & 2) != 0)
        {
            SkipJsonValue(ref reader, 0);
        }

        return info;
    }

    /// <summary>initConnection's params is a JSONValue tree; the emulator only needs to step over it.</summary>
    private static void SkipJsonValue(ref TlReader reader, int depth)
    {
        if (depth > MaxJsonDepth)
        {
            throw new TlDecodeException("JSONValue nested too deeply.");
        }

        switch (reader.ReadUInt32())
        {
            case ApiIds.JsonNull:
                break;
            case ApiIds.JsonBool:
                reader.ReadBool();
                break;
            case ApiIds.JsonNumber:
                reader.ReadInt64();
                break;
            case ApiIds.JsonString:
                reader.ReadBytes();
                break;
            case ApiIds.JsonArray:
                for (var i = ReadCount(ref reader); i > 0; i--)
                {
                    SkipJsonValue(ref reader, depth + 1);
                }

                break;
            case ApiIds.JsonObject:
                for (var i = ReadCount(ref reader); i > 0; i--)
                {
                    reader.ExpectConstructor(ApiIds.JsonObjectValue);
                    reader.ReadBytes();
                    SkipJsonValue(ref reader, depth + 1);
                }

                break;
            case var other:
                throw new TlDecodeException($"Unknown JSONValue constructor 0x{other:x8}.");
        }
    }

    private static int ReadCount(ref TlReader reader)
    {
        reader.ExpectConstructor(TlWriter.VectorId);
        var count = reader.ReadInt32();
        // Every element takes at least 4 bytes, so a larger count cannot be honest.
        if (count < 0 || count > reader.Remaining / 4)
        {
            throw new TlDecodeException($"Vector of {count} items does not fit the input.");
        }

        return count;
    }
}
