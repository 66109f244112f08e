using System.Collections.Concurrent;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>
/// Handles one API method. <paramref name="request"/> is the whole serialized method object, constructor id first,
/// with every invoke* / initConnection wrapper already removed.
/// </summary>
internal delegate ValueTask<RpcAnswer> RpcHandler(RpcContext context, ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

/// <summary>
/// Method handlers keyed by the method's TL constructor id. The emulator registers help.getConfig and
/// help.getNearestDc; the next issue adds auth.*, messages.*, updates.*, users.*, contacts.* the same way.
/// Handlers may be registered while the emulator runs (a test adding a scripted method).
/// </summary>
internal sealed class RpcHandlerRegistry
{
    private readonly ConcurrentDictionary<uint, RpcHandler> _handlers = new();

    public void Register(uint methodId, RpcHandler handler) => _handlers[methodId] = handler;

    public bool TryGet(uint methodId, out RpcHandler handler) => _handlers.TryGetValue(methodId, out handler!);

    public bool IsRegistered(uint methodId) => _handlers.ContainsKey(methodId);
}
