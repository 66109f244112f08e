using Channel.MTProto.Client;
using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;
using TlMessages = Channel.MTProto.Tl.Api.Messages;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// Channels (supergroups and broadcast channels) have their own pts and message ids: each followed channel is filled
/// by updates.getChannelDifference. This part seeds them from messages.getDialogs (dialog.pts) at start-up, polls each
/// again when the server's <c>timeout</c> passes, recovers a channelDifferenceTooLong from the channel's history above
/// the last message delivered (<see cref="UpdateState.ChannelMaxMessageIds"/>), and follows the supergroup a basic
/// group migrated to from its first message.
/// </summary>
internal sealed partial class UpdatesEngine
{
    /// <summary>Channels polled at most this often, whatever timeout the server names.</summary>
    private static readonly TimeSpan MinChannelPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>When each followed channel is due for its next getChannelDifference (the processor's only).</summary>
    private readonly Dictionary<long, DateTimeOffset> _channelPollDue = [];

    /// <summary>Supergroups a basic group migrated to, not followed yet: seeded from their whole history.</summary>
    private readonly HashSet<long> _migratedChannels = [];

    /// <summary>The earliest channel poll, if any channel is due one.</summary>
    private DateTimeOffset? NextChannelPoll => _channelPollDue.Count == 0 ? null : _channelPollDue.Values.Min();

    /// <summary>
    /// Follows every channel of the account's dialogs: a channel not in the state starts at its dialog's pts; with a
    /// saved state, such a channel (joined while we were away, or an older state without channels) is reported as a
    /// history gap, since what came before that pts was never delivered. Every followed channel is then fetched.
    /// </summary>
    private async Task SeedChannelsAsync(SequencerOutput output, bool fromSavedState, CancellationToken cancellationToken)
    {
        try
        {
            await SeedChannelsFromDialogsAsync(output, fromSavedState, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramRpcException e) when (e.Code is 400 or 403 or 406)
        {
            // The dialogs cannot be listed: the channels already followed are still fetched; new ones start with their first update.
            Log.HistoryGap(_logger, "channels", e.ErrorName);
        }

        foreach (var channelId in _sequencer!.State.ChannelPts.Keys)
        {
            output.Fetch.Add(UpdateBox.Channel(channelId));
        }

        await FlushAsync(output, UpdateBatchSource.ChannelDifference, cancellationToken).ConfigureAwait(false);
    }

    private async Task SeedChannelsFromDialogsAsync(SequencerOutput output, bool fromSavedState, CancellationToken cancellationToken)
    {
        var sequencer = _sequencer!;
        await ForEachDialogsPageAsync(page =>
        {
            // The channels' access hashes are what following them needs; users are learnt from the updates.
            _peers.Apply([], page.Chats);
            foreach (var dialog in page.Dialogs.OfType<Dialog>())
            {
                if (dialog is { Peer: PeerChannel channel, Pts: { } pts } && sequencer.State.ChannelPts.Count < UpdateState.MaxChannels
                    && sequencer.TryStartChannel(channel.ChannelId, pts) && fromSavedState)
                {
                    Log.HistoryGap(_logger, UpdateBox.Channel(channel.ChannelId).ToString(), "a channel new to the saved state");
                    output.HistoryGaps.Add(UpdateBox.Channel(channel.ChannelId));
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the channels whose poll is due (or every followed channel, when <paramref name="all"/>) to the fetch list.</summary>
    private void AddDueChannels(SequencerOutput output, DateTimeOffset now, bool all)
    {
        foreach (var channelId in _sequencer!.State.ChannelPts.Keys)
        {
            if (all || (_channelPollDue.TryGetValue(channelId, out var due) && due <= now))
            {
                output.Fetch.Add(UpdateBox.Channel(channelId));
            }
        }
    }

    /// <summary>Migrations the sequencer saw: a supergroup not followed yet is fetched (and seeded from its history).</summary>
    private void TakeMigrations(SequencerOutput output)
    {
        foreach (var channelId in output.MigratedTo)
        {
            if (_sequencer!.State.GetChannelPts(channelId) is null)
            {
                _migratedChannels.Add(channelId);
                output.Fetch.Add(UpdateBox.Channel(channelId));
            }
        }

        output.MigratedTo.Clear();
    }

    /// <summary>
    /// A channel with no pts (updateChannelTooLong without one, or a migration's supergroup): its pts comes from
    /// channels.getFullChannel. A migration's supergroup is new, so its whole history is delivered; any other channel
    /// starts there with a reported gap. Returns false when the channel cannot be reached.
    /// </summary>
    private async Task<bool> SeedUnknownChannelAsync(long channelId, InputChannel channel, SequencerOutput output, CancellationToken cancellationToken)
    {
        var sequencer = _sequencer!;
        var box = UpdateBox.Channel(channelId);
        if (sequencer.State.ChannelPts.Count >= UpdateState.MaxChannels)
        {
            Log.HistoryGap(_logger, box.ToString(), "too many channels followed");
            output.HistoryGaps.Add(box);
            return false;
        }

        TlMessages.ChatFullBase full;
        try
        {
            full = await CallAsync(new Tl.Api.Channels.GetFullChannel { Channel = channel }, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramRpcException e) when (e.Code is 400 or 403 or 406)
        {
            Log.HistoryGap(_logger, box.ToString(), e.ErrorName);
            output.HistoryGaps.Add(box);
            return false;
        }

        if (full is not TlMessages.ChatFull { FullChat: ChannelFull { Pts: var pts } } chatFull)
        {
            return false;
        }

        _peers.Apply(chatFull.Users, chatFull.Chats);
        if (_migratedChannels.Remove(channelId))
        {
            var peer = new InputPeerChannel { ChannelId = channelId, AccessHash = channel.AccessHash };
            var delivered = await RecoverChannelHistoryAsync(channelId, peer, 0, output, cancellationToken).ConfigureAwait(false);
            sequencer.SkipChannelTo(channelId, pts, delivered);
        }
        else
        {
            sequencer.TryStartChannel(channelId, pts);
            Log.HistoryGap(_logger, box.ToString(), "a channel without a known position");
            output.HistoryGaps.Add(box);
        }

        return true;
    }

    /// <summary>
    /// Delivers (queues) the channel's messages above <paramref name="sinceId"/>, oldest first, in batches that keep
    /// the current state (a crash in the middle repeats the recovery); returns the highest id delivered.
    /// </summary>
    private async Task<int> RecoverChannelHistoryAsync(long channelId, InputPeerChannel peer, int sinceId, SequencerOutput output, CancellationToken cancellationToken)
    {
        var users = new Dictionary<long, UserBase>();
        var chats = new Dictionary<long, ChatBase>();
        var messages = new Dictionary<int, MessageBase>();
        await ReadHistoryAboveAsync(
            peer, sinceId, m => PtsInfo.PeerOf(m) is PeerChannel { ChannelId: var owner } && owner == channelId, messages, users, chats, cancellationToken).ConfigureAwait(false);
        Log.ChannelHistoryRecovered(_logger, channelId, sinceId, messages.Count);
        return await DeliverRecoveredAsync(messages, static m => new UpdateNewChannelMessage { Message = m, Pts = 0, PtsCount = 0 }, users, chats, sinceId, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the channel is due again: the final difference's timeout (at least a second), else the idle interval.</summary>
    private void ScheduleChannelPoll(long channelId, TlUpdates.ChannelDifferenceBase? last)
    {
        int? timeout = last switch
        {
            TlUpdates.ChannelDifferenceEmpty e => e.Timeout,
            TlUpdates.ChannelDifference d => d.Timeout,
            TlUpdates.ChannelDifferenceTooLong t => t.Timeout,
            _ => null,
        };
        var wait = timeout is > 0 ? TimeSpan.FromSeconds(timeout.Value) : _options.IdleResyncInterval;
        _channelPollDue[channelId] = _time.GetUtcNow() + (wait < MinChannelPollInterval ? MinChannelPollInterval : wait);
    }

    private static long KeyOfUser(UserBase user) => user switch
    {
        User u => u.Id,
        UserEmpty u => u.Id,
        _ => 0,
    };

    private static long KeyOfChat(ChatBase chat) => chat switch
    {
        Chat c => c.Id,
        ChatForbidden c => c.Id,
        TlChannel c => c.Id,
        ChannelForbidden c => c.Id,
        ChatEmpty c => c.Id,
        _ => 0,
    };
}
