using System.Threading.Channels;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Client;

/// <summary>
/// Server-pushed updates waiting for the updates engine. Writing never blocks: the writer is a connection's receive
/// loop, which also carries the answers to the engine's own getDifference calls, so waiting for room there could
/// deadlock. When the queue is full the update is dropped and the overflow is <em>marked</em>; the engine takes the
/// mark (<see cref="TakeOverflow"/>) and fetches the difference, which brings back whatever was dropped.
/// </summary>
internal sealed class UpdateQueue
{
    public const int DefaultCapacity = 10_000;

    private readonly Channel<UpdatesBase> _channel;
    private int _overflowed;
    private long _dropped;

    public UpdateQueue(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _channel = System.Threading.Channels.Channel.CreateBounded<UpdatesBase>(new BoundedChannelOptions(capacity)
        {
            // Wait, not DropWrite: with Wait a full channel makes TryWrite return false (it never blocks), whereas
            // DropWrite reports success for the item it throws away, so the loss could not be seen.
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = true,
        });
    }

    public ChannelReader<UpdatesBase> Reader => _channel.Reader;

    /// <summary>Updates dropped since the queue was made (for tests and metrics).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Queues <paramref name="update"/>; returns false when it was dropped (the queue is full: the overflow is
    /// marked) or the queue is completed.
    /// </summary>
    public bool TryWrite(UpdatesBase update)
    {
        if (!_channel.Writer.TryWrite(update))
        {
            Interlocked.Increment(ref _dropped);
            Volatile.Write(ref _overflowed, 1);
            return false;
        }

        return true;
    }

    /// <summary>Whether updates were dropped since the last call (the caller then fetches the difference).</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) != 0;

    public void Complete() => _channel.Writer.TryComplete();
}
