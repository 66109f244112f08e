using System.Buffers;
using System.Collections.Concurrent;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>
/// Handles one API method. <paramref name="request"/> is the whole serialized method object, constructor id first,
/// with every invoke* / initConnection wrapper already removed.
/// </summary>
internal delegate ValueTask<RpcAnswer> RpcHandler(RpcContext context, ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

/// <summary>
/// Method handlers keyed by the method's TL constructor id. The emulator registers help.getConfig and
/// help.getNearestDc; the next issue adds auth.*, messages.*, updates.*, users.*, contacts.* the same way, usually
/// through the typed <see cref="Register{TMethod, TResult}"/>. Handlers may be added while the emulator runs.
/// </summary>
internal sealed class RpcHandlerRegistry
{
    private readonly ConcurrentDictionary<uint, RpcHandler> _handlers = new();

    /// <summary>A raw handler: gets the serialized request and returns serialized TL.</summary>
    public void Register(uint methodId, RpcHandler handler) => _handlers[methodId] = handler;

    /// <summary>
    /// A typed handler for a generated method class (pass its <c>TlConstructorId</c>): the request is deserialized
    /// (failures answer 400 INPUT_REQUEST_INVALID) and the result written the way the method's result type requires.
    /// Throw <see cref="RpcErrorException"/> to answer with an rpc_error.
    /// </summary>
    public void Register<TMethod, TResult>(uint methodId, Func<RpcContext, TMethod, CancellationToken, ValueTask<TResult>> handler)
        where TMethod : class, ITlMethod<TResult>
    {
        Register(methodId, async (context, request, cancellationToken) =>
        {
            var method = TlSerializer.Deserialize<TMethod>(request.Span);
            var result = await handler(context, method, cancellationToken);
            var output = new ArrayBufferWriter<byte>(256);
            var writer = new TlWriter(output);
            method.WriteResult(ref writer, result);
            writer.Flush();
            return RpcAnswer.Ok(output.WrittenSpan.ToArray());
        });
    }

    public bool TryGet(uint methodId, out RpcHandler handler) => _handlers.TryGetValue(methodId, out handler!);

    public bool IsRegistered(uint methodId) => _handlers.ContainsKey(methodId);
}
