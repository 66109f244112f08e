using Channel.MTProto.Accounts;
using Channel.MTProto.Messaging;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>
/// A host's update handler for tests: keeps every batch and the new messages it carried, in order; can fail a number
/// of deliveries that carry events first (as a host whose store is down would).
/// </summary>
internal sealed class BatchRecorder : IUpdateBatchHandler
{
    private readonly Lock _lock = new();
    private readonly List<InboundMessage> _messages = [];
    private readonly List<UpdateBatch> _batches = [];
    private readonly List<UpdateBatch> _parked = [];

    public int FailuresLeft { get; set; }

    /// <summary>Parking attempts that throw before one succeeds.</summary>
    public int ParkFailuresLeft { get; set; }

    public int ParkFailures { get; private set; }

    /// <summary>The state of the last batch handled or parked: what a host would have persisted.</summary>
    public UpdateState? SavedState { get; private set; }

    public IReadOnlyList<UpdateBatch> Parked { get { lock (_lock) { return [.. _parked]; } } }

    public int Failures { get; private set; }

    public IReadOnlyList<InboundMessage> Messages { get { lock (_lock) { return [.. _messages]; } } }

    public IReadOnlyList<string> Texts => [.. Messages.Select(m => m.Text)];

    public IReadOnlyList<UpdateBatch> Batches { get { lock (_lock) { return [.. _batches]; } } }

    /// <summary>While set and not completed, a batch with events waits for it before it is recorded (a busy host).</summary>
    public Task? Busy { get; set; }

    /// <summary>Batches with events that began waiting on <see cref="Busy"/>.</summary>
    public int BusyWaits => Volatile.Read(ref _busyWaits);

    private int _busyWaits;

    public async ValueTask HandleAsync(UpdateBatch batch, CancellationToken cancellationToken)
    {
        if (Busy is { } busy && batch.Events.Count > 0)
        {
            Interlocked.Increment(ref _busyWaits);
            await busy.WaitAsync(cancellationToken);
        }

        lock (_lock)
        {
            if (FailuresLeft > 0 && batch.Events.Count > 0)
            {
                FailuresLeft--;
                Failures++;
                throw new InvalidOperationException("the host's store is down (test)");
            }

            _batches.Add(batch);
            _messages.AddRange(batch.Events.OfType<NewMessage>().Select(e => e.Message));
            SavedState = batch.State;
        }
    }

    public ValueTask ParkAsync(UpdateBatch batch, Exception lastError, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (ParkFailuresLeft > 0)
            {
                ParkFailuresLeft--;
                ParkFailures++;
                throw new InvalidOperationException("the host's park table is down too (test)");
            }

            _parked.Add(batch);
            SavedState = batch.State;
        }

        return ValueTask.CompletedTask;
    }

    public Task WaitForMessagesAsync(int count) => WaitUntilAsync(() => Messages.Count >= count);

    /// <summary>A hang guard, not a timing assertion: what the test checks is the condition.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }
}
