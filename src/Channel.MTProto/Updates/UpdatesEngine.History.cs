using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;
using TlMessages = Channel.MTProto.Tl.Api.Messages;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// Recovery after updates.differenceTooLong: private-chat and basic-group message ids are per account and
/// increasing, so every message the update stream lost has an id above <see cref="UpdateState.MaxMessageId"/>. The
/// dialogs whose top message is above it are found with messages.getDialogs, their history above it is read with
/// messages.getHistory (min_id), and the messages are delivered oldest first as <see cref="UpdateBatchSource.History"/>.
/// </summary>
internal sealed partial class UpdatesEngine
{
    private const int HistoryPageSize = 100;

    /// <summary>Bounds on a recovery, so a misbehaving server cannot keep it paging forever.</summary>
    private const int MaxDialogPages = 100;

    private const int MaxHistoryPagesPerDialog = 1_000;

    /// <summary>Messages per History batch.</summary>
    private const int HistoryBatchSize = 100;

    /// <summary>
    /// Delivers (queues) every private-chat / basic-group message above <paramref name="sinceId"/>, oldest first, in
    /// batches that keep the current state (a crash in the middle repeats the recovery); returns the highest id found.
    /// </summary>
    private async Task<int> RecoverHistoryAsync(int sinceId, SequencerOutput output, CancellationToken cancellationToken)
    {
        var users = new Dictionary<long, UserBase>();
        var chats = new Dictionary<long, ChatBase>();
        var dialogs = await FindDialogsAboveAsync(sinceId, users, chats, cancellationToken).ConfigureAwait(false);
        var messages = new Dictionary<int, MessageBase>();
        foreach (var peer in dialogs)
        {
            await ReadHistoryAboveAsync(peer, sinceId, static m => PtsInfo.PeerOf(m) is PeerUser or PeerChat, messages, users, chats, cancellationToken).ConfigureAwait(false);
        }

        Log.HistoryRecovered(_logger, sinceId, dialogs.Count, messages.Count);

        // Ids are per account and increasing: id order is each chat's order (and the account's).
        return await DeliverRecoveredAsync(messages, static m => new UpdateNewMessage { Message = m, Pts = 0, PtsCount = 0 }, users, chats, sinceId, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues recovered messages oldest first as History batches of <see cref="HistoryBatchSize"/>, each wrapped as
    /// the box's new-message update; returns the highest id delivered (<paramref name="sinceId"/> when none).
    /// </summary>
    private async Task<int> DeliverRecoveredAsync(
        Dictionary<int, MessageBase> messages, Func<MessageBase, UpdateBase> wrap, Dictionary<long, UserBase> users, Dictionary<long, ChatBase> chats, int sinceId, SequencerOutput output, CancellationToken cancellationToken)
    {
        UserBase[] allUsers = [.. users.Values];
        ChatBase[] allChats = [.. chats.Values];
        _peers.Apply(allUsers, allChats);
        var ordered = messages.OrderBy(p => p.Key).Select(p => p.Value).ToList();
        for (var i = 0; i < ordered.Count; i += HistoryBatchSize)
        {
            foreach (var message in ordered.Skip(i).Take(HistoryBatchSize))
            {
                output.Add(wrap(message), allUsers, allChats);
            }

            await FlushAsync(output, UpdateBatchSource.History, cancellationToken).ConfigureAwait(false);
        }

        return ordered.Count == 0 ? sinceId : Math.Max(sinceId, messages.Keys.Max());
    }

    /// <summary>
    /// Pages messages.getDialogs (main list and archive) until a dialog whose top message is not above
    /// <paramref name="sinceId"/> shows the rest is older (pinned dialogs come first whatever their date).
    /// </summary>
    private async Task<List<InputPeerBase>> FindDialogsAboveAsync(int sinceId, Dictionary<long, UserBase> users, Dictionary<long, ChatBase> chats, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(Type, long), InputPeerBase>();
        await ForEachDialogsPageAsync(page =>
        {
            Remember(page.Users, page.Chats, users, chats);
            var reachedOlder = false;
            foreach (var dialog in page.Dialogs.OfType<Dialog>())
            {
                if (dialog.Peer is PeerChannel)
                {
                    continue; // channels have their own pts and ids: getChannelDifference covers them
                }

                if (dialog.TopMessage > sinceId)
                {
                    if (InputPeerOf(dialog.Peer, users, chats) is { } input)
                    {
                        found.TryAdd((dialog.Peer.GetType(), PeerKey(dialog.Peer)), input);
                    }
                }
                else if (!dialog.Pinned)
                {
                    reachedOlder = true;
                }
            }

            return !reachedOlder;
        }, cancellationToken).ConfigureAwait(false);
        return [.. found.Values];
    }

    /// <summary>One page of messages.getDialogs.</summary>
    private sealed record DialogsPage(IReadOnlyList<DialogBase> Dialogs, IReadOnlyList<MessageBase> Messages, IReadOnlyList<UserBase> Users, IReadOnlyList<ChatBase> Chats);

    /// <summary>
    /// Pages messages.getDialogs, the main list then the archive (folder 1), handing each page to
    /// <paramref name="handle"/>; it returns false to stop paging that folder.
    /// </summary>
    private async Task ForEachDialogsPageAsync(Func<DialogsPage, bool> handle, CancellationToken cancellationToken)
    {
        foreach (int? folder in (int?[])[null, 1])
        {
            int offsetDate = 0, offsetId = 0;
            InputPeerBase offsetPeer = new InputPeerEmpty();
            for (var page = 0; page < MaxDialogPages; page++)
            {
                var answer = await CallAsync(
                    new TlMessages.GetDialogs { FolderId = folder, OffsetDate = offsetDate, OffsetId = offsetId, OffsetPeer = offsetPeer, Limit = HistoryPageSize, Hash = 0 },
                    cancellationToken).ConfigureAwait(false);
                var (list, messages, users, chats, complete) = answer switch
                {
                    TlMessages.Dialogs d => (d.DialogsValue, d.Messages, d.Users, d.Chats, true),
                    TlMessages.DialogsSlice d => (d.Dialogs, d.Messages, d.Users, d.Chats, false),
                    _ => ((IReadOnlyList<DialogBase>)[], (IReadOnlyList<MessageBase>)[], (IReadOnlyList<UserBase>)[], (IReadOnlyList<ChatBase>)[], true),
                };
                if (!handle(new DialogsPage(list, messages, users, chats)) || complete || list.Count < HistoryPageSize || list[^1] is not Dialog last || messages.Count == 0)
                {
                    break;
                }

                // Telegram pages dialogs by the last one's top message: its date, id and peer.
                var top = messages.FirstOrDefault(m => UpdateSequencer.MessageId(m) == last.TopMessage && PtsInfo.PeerOf(m) is { } p && SamePeer(p, last.Peer));
                offsetDate = top switch
                {
                    Message m => m.Date,
                    MessageService m => m.Date,
                    _ => 0,
                };
                offsetId = last.TopMessage;
                offsetPeer = InputPeerOf(last.Peer, users.DistinctBy(KeyOfUser).ToDictionary(KeyOfUser), chats.DistinctBy(KeyOfChat).ToDictionary(KeyOfChat)) ?? new InputPeerEmpty();
            }
        }
    }

    /// <summary>
    /// messages.getHistory with min_id = <paramref name="sinceId"/>, newest first, paged down by offset_id; keeps the
    /// messages above it that <paramref name="belongs"/> to the box being recovered.
    /// </summary>
    private async Task ReadHistoryAboveAsync(
        InputPeerBase peer, int sinceId, Func<MessageBase, bool> belongs, Dictionary<int, MessageBase> messages, Dictionary<long, UserBase> users, Dictionary<long, ChatBase> chats, CancellationToken cancellationToken)
    {
        var offsetId = 0;
        for (var page = 0; page < MaxHistoryPagesPerDialog; page++)
        {
            var answer = await CallAsync(
                new TlMessages.GetHistory { Peer = peer, OffsetId = offsetId, OffsetDate = 0, AddOffset = 0, Limit = HistoryPageSize, MaxId = 0, MinId = sinceId, Hash = 0 },
                cancellationToken).ConfigureAwait(false);
            var (pageMessages, pageUsers, pageChats) = answer switch
            {
                TlMessages.MessagesConstructor m => (m.Messages, m.Users, m.Chats),
                TlMessages.MessagesSlice m => (m.Messages, m.Users, m.Chats),
                TlMessages.ChannelMessages m => (m.Messages, m.Users, m.Chats),
                _ => ((IReadOnlyList<MessageBase>)[], (IReadOnlyList<UserBase>)[], (IReadOnlyList<ChatBase>)[]),
            };
            Remember(pageUsers, pageChats, users, chats);
            var lowest = int.MaxValue;
            foreach (var message in pageMessages)
            {
                var id = UpdateSequencer.MessageId(message);
                if (id > sinceId && message is not MessageEmpty && belongs(message))
                {
                    messages.TryAdd(id, message);
                    lowest = Math.Min(lowest, id);
                }
            }

            // An empty page, or one that did not get below where it started, ends the chat.
            if (lowest == int.MaxValue || lowest <= sinceId + 1 || (offsetId != 0 && lowest >= offsetId))
            {
                return;
            }

            offsetId = lowest;
        }
    }

    private static void Remember(IReadOnlyList<UserBase> pageUsers, IReadOnlyList<ChatBase> pageChats, Dictionary<long, UserBase> users, Dictionary<long, ChatBase> chats)
    {
        foreach (var user in pageUsers.OfType<User>())
        {
            // A "min" copy must not hide a full one seen earlier.
            if (!user.Min || !users.ContainsKey(user.Id))
            {
                users[user.Id] = user;
            }
        }

        foreach (var chat in pageChats)
        {
            var id = chat switch
            {
                Chat c => c.Id,
                ChatForbidden c => c.Id,
                TlChannel c => c.Id,
                ChannelForbidden c => c.Id,
                _ => 0,
            };
            if (id != 0)
            {
                chats[id] = chat;
            }
        }
    }

    private static InputPeerBase? InputPeerOf(PeerBase peer, Dictionary<long, UserBase> users, Dictionary<long, ChatBase> chats) => peer switch
    {
        PeerUser u when users.GetValueOrDefault(u.UserId) is User { Min: false, AccessHash: { } hash } => new InputPeerUser { UserId = u.UserId, AccessHash = hash },
        PeerChat c => new InputPeerChat { ChatId = c.ChatId },
        PeerChannel c when chats.GetValueOrDefault(c.ChannelId) is TlChannel { Min: false, AccessHash: { } hash } => new InputPeerChannel { ChannelId = c.ChannelId, AccessHash = hash },
        _ => null,
    };

    private static long PeerKey(PeerBase peer) => peer switch
    {
        PeerUser u => u.UserId,
        PeerChat c => c.ChatId,
        PeerChannel c => c.ChannelId,
        _ => 0,
    };

    private static bool SamePeer(PeerBase? a, PeerBase b) => a is not null && a.GetType() == b.GetType() && PeerKey(a) == PeerKey(b);
}
