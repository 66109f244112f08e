using System.Collections.Concurrent;
using System.Globalization;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Bulk sends for load tests: N messages from M users (round robin) to one account or one group, at a given rate.
/// Pacing uses the real clock, not the emulator's TimeProvider: a fake test clock must not stall a load run.
/// </summary>
public sealed partial class EmulatorWorld
{
    // Finished jobs kept for their status; a load run starts one per account (up to 1,000).
    private const int MaxBulkJobs = 1_024;

    private readonly ConcurrentDictionary<string, BulkSendJob> _bulkJobs = new(StringComparer.Ordinal);
    private long _nextBulkJob;

    /// <summary>Sends the messages and completes when the last one is delivered to the world (and queued to the sessions).</summary>
    public Task<BulkSendProgress> BulkSendAsync(BulkSendRequest request, CancellationToken cancellationToken = default)
        => StartJob(request, cancellationToken).Task;

    /// <summary>Starts a bulk send in the background and returns its handle for <see cref="BulkSendStatus"/>.</summary>
    public string StartBulkSend(BulkSendRequest request) => StartJob(request, CancellationToken.None).Id;

    /// <summary>The progress of a bulk send started with <see cref="StartBulkSend"/> (or null for an unknown handle).</summary>
    public BulkSendProgress? BulkSendStatus(string id) => _bulkJobs.TryGetValue(id, out var job) ? job.Progress() : null;

    private BulkSendJob StartJob(BulkSendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.From is not { Count: > 0 } || request.Count is <= 0 or > 10_000_000 || request.RatePerSecond < 0 || (request.To is null) == (request.ChatId is null))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "from (one or more users), count (1–10,000,000), ratePerSecond ≥ 0 and exactly one of to / chat are required.");
        }

        var senders = request.From.Select(Resolve).Select(u => u.Id.ToString(CultureInfo.InvariantCulture)).ToArray();
        var recipient = request.To is { } to ? Resolve(to).Id.ToString(CultureInfo.InvariantCulture) : null;
        if (request.ChatId is { } channelId && IsChannel(channelId))
        {
            // Supergroups and channels: membership (and posting rights) are checked by each send.
            ChannelOrThrow(channelId);
        }
        else if (request.ChatId is { } chatId)
        {
            var chat = ChatOrThrow(chatId);
            if (senders.Any(s => !chat.MemberIds.Contains(long.Parse(s, CultureInfo.InvariantCulture))))
            {
                throw new EmulatorWorldException(EmulatorWorldError.Invalid, "every sender must be a member of the chat.");
            }
        }

        var text = string.IsNullOrWhiteSpace(request.Text) ? "bulk" : request.Text;
        CheckControlText(text + " " + request.Count.ToString(CultureInfo.InvariantCulture));
        var id = "bulk-" + Interlocked.Increment(ref _nextBulkJob).ToString(CultureInfo.InvariantCulture);
        var job = new BulkSendJob(id, request.Count);
        foreach (var old in _bulkJobs.Values.Where(j => j.Done).OrderBy(j => j.Id, StringComparer.Ordinal).Take(Math.Max(0, _bulkJobs.Count - MaxBulkJobs)))
        {
            _bulkJobs.TryRemove(old.Id, out _);
        }

        _bulkJobs[id] = job;
        job.Task = Task.Run(() => RunJobAsync(job, senders, recipient, request.ChatId, text, request.RatePerSecond, request.StampSentAt, cancellationToken), CancellationToken.None);
        return job;
    }

    private async Task<BulkSendProgress> RunJobAsync(BulkSendJob job, string[] senders, string? recipient, long? chatId, string text, double rate, bool stamp, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < job.Requested; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (rate > 0)
                {
                    var due = TimeSpan.FromSeconds(i / rate) - job.Clock.Elapsed;
                    if (due > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(due, cancellationToken);
                    }
                }

                var body = text + " " + i.ToString(CultureInfo.InvariantCulture);
                if (stamp)
                {
                    // Wall clock, not the emulator's TimeProvider: another process compares it with its own clock.
                    body += " @" + ((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10).ToString(CultureInfo.InvariantCulture);
                }

                var from = senders[i % senders.Length];
                if (chatId is { } channel && IsChannel(channel))
                {
                    SendChannelMessage(from, channel, body);
                }
                else if (chatId is { } chat)
                {
                    SendChatMessage(from, chat, body);
                }
                else
                {
                    SendMessage(from, recipient!, body);
                }

                job.CountSent();
            }
        }
        catch (Exception ex) when (ex is EmulatorWorldException or OperationCanceledException)
        {
            job.Error = ex.Message;
        }

        job.Finish();
        return job.Progress();
    }
}
