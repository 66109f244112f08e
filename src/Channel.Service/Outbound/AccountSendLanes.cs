using System.Collections.Concurrent;
using Channel.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace Channel.Service.Outbound;

/// <summary>
/// One lane per account, shared by gRPC sends and the bus queue: one Telegram send at a time per account, at least
/// <see cref="OutboundOptions.SendInterval"/> apart, and none before a flood wait Telegram gave the account is over.
/// </summary>
internal sealed class AccountSendLanes(IOptions<OutboundOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<TelegramAccountId, Lane> _lanes = new();

    /// <summary>Enters the account's lane and waits out the pacing interval; dispose the handle to leave.</summary>
    public async Task<IDisposable> EnterAsync(TelegramAccountId account, CancellationToken cancellationToken)
    {
        var lane = _lanes.GetOrAdd(account, static _ => new Lane());
        await lane.Gate.WaitAsync(cancellationToken);
        try
        {
            var wait = lane.LastSendAt + options.Value.SendInterval - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
        }
        catch
        {
            lane.Gate.Release();
            throw;
        }

        return new Entered(lane, time);
    }

    /// <summary>How long the account must still wait after a flood wait (zero: none).</summary>
    public TimeSpan FloodRemaining(TelegramAccountId account)
    {
        if (!_lanes.TryGetValue(account, out var lane))
        {
            return TimeSpan.Zero;
        }

        var remaining = new DateTimeOffset(Interlocked.Read(ref lane.FloodUntilTicks), TimeSpan.Zero) - time.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>Telegram asked the account to wait: every send of it holds back until then.</summary>
    public void FloodWait(TelegramAccountId account, TimeSpan wait)
    {
        var lane = _lanes.GetOrAdd(account, static _ => new Lane());
        var until = (time.GetUtcNow() + wait).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref lane.FloodUntilTicks);
            if (current >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref lane.FloodUntilTicks, until, current) != current);
    }

    private sealed class Lane
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DateTimeOffset LastSendAt { get; set; } = DateTimeOffset.MinValue;

#pragma warning disable SA1401, CA1051 // Interlocked needs the field.
        public long FloodUntilTicks = DateTimeOffset.MinValue.UtcTicks;
#pragma warning restore SA1401, CA1051
    }

    private sealed class Entered(Lane lane, TimeProvider time) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                lane.LastSendAt = time.GetUtcNow();
                lane.Gate.Release();
            }
        }
    }
}
