using System.Diagnostics;

namespace Channel.MTProto.Emulator.World;

/// <summary>One running or finished bulk send and its counters.</summary>
internal sealed class BulkSendJob(string id, int requested)
{
    private int _sent;
    private long _finishedTicks = -1;

    public string Id { get; } = id;

    public int Requested { get; } = requested;

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public Task<BulkSendProgress> Task { get; set; } = System.Threading.Tasks.Task.FromResult<BulkSendProgress>(null!);

    public string? Error { get; set; }

    public bool Done => Interlocked.Read(ref _finishedTicks) >= 0;

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void Finish() => Interlocked.Exchange(ref _finishedTicks, Clock.Elapsed.Ticks);

    public BulkSendProgress Progress()
    {
        var finished = Interlocked.Read(ref _finishedTicks);
        var elapsed = finished >= 0 ? TimeSpan.FromTicks(finished) : Clock.Elapsed;
        var sent = Volatile.Read(ref _sent);
        return new BulkSendProgress(Id, Requested, sent, finished >= 0, Error, elapsed, elapsed > TimeSpan.Zero ? sent / elapsed.TotalSeconds : 0);
    }
}
