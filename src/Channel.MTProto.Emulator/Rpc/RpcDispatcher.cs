using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>
/// Turns a client RPC message into an answer: removes invokeAfterMsg(s) / invokeWithLayer / initConnection /
/// invokeWithoutUpdates (recording the layer and client info on the connection), unpacks gzip_packed, and calls the
/// registered handler. Anything unregistered is answered with rpc_error 400 INPUT_METHOD_INVALID, anything
/// unparseable with 400 INPUT_REQUEST_INVALID: the client always gets an answer.
/// </summary>
/// <remarks>
/// The wrappers are stepped over by hand rather than read as generated objects, because reading a generic wrapper
/// reads its inner query too, and a method the emulator does not know must still get INPUT_METHOD_INVALID.
/// </remarks>
internal sealed class RpcDispatcher(RpcHandlerRegistry handlers, int maxUnpackedBytes)
{
    private readonly TlReaderOptions _readerOptions = new() { MaxGzipUnpackedSize = maxUnpackedBytes };

    public async ValueTask<RpcAnswer> DispatchAsync(RpcContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> request;
        try
        {
            request = Unwrap(context, body);
        }
        catch (TlDeserializationException)
        {
            return RpcAnswer.RequestInvalid;
        }

        if (request.Length < 4)
        {
            return RpcAnswer.RequestInvalid;
        }

        if (!handlers.TryGet(BitConverter.ToUInt32(request.Span), out var handler))
        {
            return RpcAnswer.MethodInvalid;
        }

        try
        {
            return await handler(context, request, cancellationToken);
        }
        catch (TlDeserializationException)
        {
            return RpcAnswer.RequestInvalid;
        }
        catch (RpcErrorException ex)
        {
            return RpcAnswer.Error(ex.Code, ex.ErrorMessage);
        }
    }

    private ReadOnlyMemory<byte> Unwrap(RpcContext context, ReadOnlyMemory<byte> body)
    {
        while (body.Length >= 4)
        {
            var reader = new TlReader(body.Span, _readerOptions);
            switch (reader.ReadUInt32())
            {
                case InvokeAfterMsg.TlConstructorId:
                    reader.ReadInt64();
                    break;
                case InvokeAfterMsgs.TlConstructorId:
                    reader.ReadVector(static (ref TlReader r) => r.ReadInt64(), sizeof(long));
                    break;
                case InvokeWithLayer.TlConstructorId:
                    var layer = reader.ReadInt32();
                    context.Connection.Layer = layer;
                    context.Session.Layer = layer;
                    break;
                case InvokeWithoutUpdates.TlConstructorId:
                    context.WithoutUpdates = true;
                    break;
                case InitConnection.TlConstructorId:
                    context.Connection.Client = ReadInitConnection(ref reader);
                    break;
                case ServiceIds.GzipPacked:
                    body = reader.ReadGzipped(static (ref TlReader inner) => inner.ReadRaw(inner.Remaining).ToArray());
                    continue;
                default:
                    return body;
            }

            body = body[reader.Position..];
        }

        return body;
    }

    /// <summary>Reads initConnection's fields up to its query (proxy and params are read and dropped).</summary>
    private static InitConnectionInfo ReadInitConnection(ref TlReader reader)
    {
        var flags = reader.ReadUInt32();
        var info = new InitConnectionInfo(
            reader.ReadInt32(), reader.ReadString(), reader.ReadString(), reader.ReadString(),
            reader.ReadString(), reader.ReadString(), reader.ReadString());
        if ((flags & 1) != 0)
        {
            reader.ReadObject<InputClientProxyBase>();
        }

        if ((flags & 2) != 0)
        {
            reader.ReadObject<JSONValueBase>();
        }

        return info;
    }
}
