using Channel.MTProto.Messaging;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>Where a batch of updates came from.</summary>
public enum UpdateBatchSource
{
    /// <summary>Pushed by the server (or returned by one of our own calls) and in sequence.</summary>
    Live,

    /// <summary>updates.getDifference: catching up after a hole, a restart, or silence.</summary>
    Difference,

    /// <summary>updates.getChannelDifference.</summary>
    ChannelDifference,

    /// <summary>
    /// messages.getDialogs / getHistory after differenceTooLong: private-chat and basic-group messages above the
    /// last one delivered, oldest first. The batch's state is the old one until the last batch of the recovery.
    /// </summary>
    History,
}

/// <summary>
/// A chat range whose updates could not be recovered (differenceTooLong, channelDifferenceTooLong, a channel we
/// lost access to): the host should refetch that history (messages.getDialogs / getHistory) if it matters.
/// </summary>
/// <param name="ChannelId">The channel, or null for the common box (private chats and basic groups).</param>
public sealed record UpdateHistoryGap(long? ChannelId);

/// <summary>
/// Updates delivered to the host in order. The engine persists <see cref="State"/> only after the handler that
/// received this batch returns; if it throws, the same batch is delivered again (<see cref="Attempt"/> grows).
/// </summary>
/// <remarks>
/// Short constructors arrive expanded (updateShortMessage → updateNewMessage with a message). Messages from a
/// difference arrive as updateNewMessage / updateNewChannelMessage with pts 0. Users and chats are those the
/// updates came with (already applied to the peer cache). At-least-once: after a crash before the
/// acknowledgement, the same updates come again from getDifference; key your effects by (peer, message id).
/// </remarks>
public sealed class UpdateBatch
{
    internal UpdateBatch(long number, UpdateBatchSource source, IReadOnlyList<InboundEvent> events, IReadOnlyList<UpdateBase> updates, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, IReadOnlyList<UpdateHistoryGap> historyGaps, UpdateState state)
    {
        Number = number;
        Source = source;
        Events = events;
        Updates = updates;
        Users = users;
        Chats = chats;
        HistoryGaps = historyGaps;
        State = state;
    }

    /// <summary>Counts the batches of one engine run, from 1 (not persisted; for logs).</summary>
    public long Number { get; }

    public UpdateBatchSource Source { get; }

    /// <summary>What the host usually wants: new, edited and deleted messages and outbox reads, in order.</summary>
    public IReadOnlyList<InboundEvent> Events { get; }

    /// <summary>Every update of the batch, raw (including those without an event), in order.</summary>
    public IReadOnlyList<UpdateBase> Updates { get; }

    public IReadOnlyList<UserBase> Users { get; }

    public IReadOnlyList<ChatBase> Chats { get; }

    /// <summary>Ranges the engine could not fill; usually empty.</summary>
    public IReadOnlyList<UpdateHistoryGap> HistoryGaps { get; }

    /// <summary>The update state that becomes durable once the handler returns.</summary>
    public UpdateState State { get; }

    /// <summary>1 on first delivery; more when an earlier attempt threw.</summary>
    public int Attempt { get; internal set; }

    /// <summary>
    /// Consecutive batches of one source as one: their contents in order and the last one's state (what handling
    /// all of them would have made durable). Users and chats keep their order, so a later copy of a peer wins.
    /// </summary>
    internal static UpdateBatch Merge(IReadOnlyList<UpdateBatch> batches)
    {
        if (batches.Count == 1)
        {
            return batches[0];
        }

        var last = batches[^1];
        return new UpdateBatch(
            last.Number,
            batches[0].Source,
            [.. batches.SelectMany(b => b.Events)],
            [.. batches.SelectMany(b => b.Updates)],
            [.. batches.SelectMany(b => b.Users)],
            [.. batches.SelectMany(b => b.Chats)],
            [.. batches.SelectMany(b => b.HistoryGaps)],
            last.State);
    }
}
