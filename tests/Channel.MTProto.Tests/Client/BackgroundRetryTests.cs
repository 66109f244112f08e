using Channel.MTProto.Client;
using Channel.MTProto.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.Client;

/// <summary>The background retry policy: what is retried, the flood-sleep threshold, the attempt limit.</summary>
public sealed class BackgroundRetryTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task TransientFailures_RetriedWithBackoffThenSucceeds()
    {
        var retry = New(new RpcRetryPolicy { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4) });
        var failures = new Queue<Exception>([
            new TelegramRpcException(500, "INTERNAL"),
            new TelegramRpcException(-503, "Timeout"),
            new TimeoutException(),
            new TransportException(TransportFailure.ConnectionBroken, "lost"),
        ]);
        var calls = 0;

        var call = retry.InvokeAsync(_ => { calls++; return failures.TryDequeue(out var e) ? Task.FromException<int>(e) : Task.FromResult(7); }, "test", TestContext.Current.CancellationToken);
        while (!call.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.Equal(7, await call);
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task FloodWait_BelowThresholdSlept_AboveRaised()
    {
        var retry = New(new RpcRetryPolicy { FloodSleepThreshold = TimeSpan.FromSeconds(60) });
        var first = true;
        var call = retry.InvokeAsync(_ =>
        {
            var fail = first;
            first = false;
            return fail ? Task.FromException<int>(new TelegramRpcException(420, "FLOOD_WAIT_30")) : Task.FromResult(1);
        }, "test", TestContext.Current.CancellationToken);
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await call);

        var flood = await Assert.ThrowsAsync<FloodWaitException>(() =>
            retry.InvokeAsync<int>(_ => throw new FloodWaitException("FLOOD_WAIT", TimeSpan.FromSeconds(120), null), "test", TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromSeconds(120), flood.Wait);
    }

    [Fact]
    public async Task NonTransientOrOutOfAttempts_Raised()
    {
        var retry = New(new RpcRetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1) });
        var calls = 0;

        await Assert.ThrowsAsync<TelegramRpcException>(() => retry.InvokeAsync<int>(_ => { calls++; throw new TelegramRpcException(400, "PEER_ID_INVALID"); }, "test", TestContext.Current.CancellationToken));
        Assert.Equal(1, calls);

        var call = retry.InvokeAsync<int>(_ => throw new TelegramRpcException(500, "INTERNAL"), "test", TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<TelegramRpcException>(() => call);
    }

    private BackgroundRetry New(RpcRetryPolicy policy) => new(policy, NullLogger.Instance, _time);
}
