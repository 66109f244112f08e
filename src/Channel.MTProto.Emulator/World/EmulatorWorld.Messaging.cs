using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Private-chat messaging. Each side of a chat keeps its own copy with its own id; every new message, edit, deletion
/// and read moves the affected users' pts, is recorded for updates.getDifference, and is pushed to every live
/// authorized session of those users (except the session that made the call, which gets it as the result).
/// </summary>
public sealed partial class EmulatorWorld
{
    /// <summary>config.message_length_max.</summary>
    internal const int MessageLengthMax = 4096;

    /// <summary>Sends a private message as <paramref name="from"/> (id, phone or username) to <paramref name="to"/>.</summary>
    public SentMessage SendMessage(string from, string to, string text)
    {
        try
        {
            ValidateText(text);
        }
        catch (RpcErrorException ex)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"text: {ex.ErrorMessage} (1 to {MessageLengthMax} characters).");
        }

        var push = new List<ServerSession>();
        SentMessage result;
        lock (_lock)
        {
            var sender = ResolveLocked(from);
            var recipient = ResolveLocked(to);
            var (sent, received) = SendLocked(sender, recipient, text, randomId: null, origin: null, push);
            result = new SentMessage(Describe(sender, sent), received is null ? null : Describe(recipient, received));
        }

        Flush(push);
        return result;
    }

    /// <summary>Every message in the user's box (both directions), oldest first.</summary>
    public IReadOnlyList<EmulatorMessage> Messages(string user)
    {
        lock (_lock)
        {
            var owner = ResolveLocked(user);
            return owner.Messages.Select(m => Describe(owner, m)).ToArray();
        }
    }

    /// <summary>The messages the user received (incoming copies), oldest first.</summary>
    public IReadOnlyList<EmulatorMessage> ReceivedMessages(string user)
    {
        lock (_lock)
        {
            var owner = ResolveLocked(user);
            return owner.Messages.Where(m => !m.Out).Select(m => Describe(owner, m)).ToArray();
        }
    }

    /// <summary>messages.sendMessage: the same random_id from the same sender returns the first message again.</summary>
    internal UpdateShortSentMessage SendMessage(RpcContext context, long userId, InputPeerBase peer, string text, long randomId)
    {
        ValidateText(text);
        var push = new List<ServerSession>();
        BoxMessage sent;
        lock (_lock)
        {
            var sender = _usersById[userId];
            var recipient = ResolvePeerLocked(sender, peer);
            if (sender.SentRandomIds.TryGetValue(randomId, out var firstId))
            {
                sent = FindMessage(sender, firstId) ?? throw new RpcErrorException(400, "RANDOM_ID_DUPLICATE");
            }
            else
            {
                (sent, _) = SendLocked(sender, recipient, text, randomId, context.Session, push);
            }
        }

        Flush(push);
        return new UpdateShortSentMessage { Out = true, Id = sent.Id, Pts = sent.Pts, PtsCount = 1, Date = sent.Date };
    }

    internal UpdatesConstructor EditMessage(RpcContext context, long userId, InputPeerBase peer, int id, string? text)
    {
        ValidateText(text);
        var push = new List<ServerSession>();
        UpdatesConstructor result;
        lock (_lock)
        {
            var user = _usersById[userId];
            var other = ResolvePeerLocked(user, peer);
            var message = FindMessage(user, id) is { } found && found.PeerId == other.Id ? found : throw new RpcErrorException(400, "MESSAGE_ID_INVALID");
            if (!message.Out)
            {
                throw new RpcErrorException(403, "MESSAGE_AUTHOR_REQUIRED");
            }

            if (message.Text == text)
            {
                throw new RpcErrorException(400, "MESSAGE_NOT_MODIFIED");
            }

            var date = UnixNow;
            result = EditCopyLocked(user, other, message, text!, date);
            PushLocked(user, result, context.Session, push);
            if (other != user && FindMessage(other, message.TwinId) is { } twin)
            {
                PushLocked(other, EditCopyLocked(other, user, twin, text!, date), origin: null, push);
            }

            MarkDirtyLocked();
        }

        Flush(push);
        return result;
    }

    /// <summary>messages.deleteMessages: removes the caller's copies (and with revoke the peers' copies too).</summary>
    internal Tl.Api.Messages.AffectedMessages DeleteMessages(RpcContext context, long userId, IReadOnlyList<int> ids, bool revoke)
    {
        var push = new List<ServerSession>();
        Tl.Api.Messages.AffectedMessages result;
        lock (_lock)
        {
            var user = _usersById[userId];
            var found = ids.Distinct().Select(id => FindMessage(user, id)).OfType<BoxMessage>().ToList();
            if (found.Count == 0)
            {
                return new Tl.Api.Messages.AffectedMessages { Pts = user.Pts, PtsCount = 0 };
            }

            var own = DeleteCopiesLocked(user, found, context.Session, push);
            result = new Tl.Api.Messages.AffectedMessages { Pts = own.Pts, PtsCount = own.PtsCount };
            if (revoke)
            {
                foreach (var chat in found.Where(m => m.PeerId != user.Id).GroupBy(m => m.PeerId))
                {
                    if (_usersById.TryGetValue(chat.Key, out var other))
                    {
                        var twins = chat.Select(m => FindMessage(other, m.TwinId)).OfType<BoxMessage>().ToList();
                        if (twins.Count > 0)
                        {
                            DeleteCopiesLocked(other, twins, origin: null, push);
                        }
                    }
                }
            }

            MarkDirtyLocked();
        }

        Flush(push);
        return result;
    }

    /// <summary>messages.readHistory: the reader's inbox read up to max_id (0: everything), the sender's outbox read.</summary>
    internal Tl.Api.Messages.AffectedMessages ReadHistory(RpcContext context, long userId, InputPeerBase peer, int maxId)
    {
        var push = new List<ServerSession>();
        Tl.Api.Messages.AffectedMessages result;
        lock (_lock)
        {
            var user = _usersById[userId];
            var other = ResolvePeerLocked(user, peer);
            var incoming = user.Messages.Where(m => m.PeerId == other.Id && !m.Out && (maxId <= 0 || m.Id <= maxId)).ToList();
            var readUpTo = incoming.Count == 0 ? 0 : incoming[^1].Id;
            if (readUpTo <= user.ReadInboxMaxId.GetValueOrDefault(other.Id))
            {
                return new Tl.Api.Messages.AffectedMessages { Pts = user.Pts, PtsCount = 0 };
            }

            var date = UnixNow;
            user.ReadInboxMaxId[other.Id] = readUpTo;
            var read = AppendEventLocked(user, new PtsEvent { Kind = PtsEventKind.ReadInbox, PtsCount = 1, Date = date, PeerId = other.Id, MaxId = readUpTo });
            PushLocked(user, WorldTl.Updates(ReadInboxUpdate(user, read), [WorldTl.User(other, user.Id)], date), context.Session, push);
            result = new Tl.Api.Messages.AffectedMessages { Pts = read.Pts, PtsCount = 1 };

            var outboxUpTo = incoming.Max(m => m.TwinId);
            if (other != user && outboxUpTo > other.ReadOutboxMaxId.GetValueOrDefault(user.Id))
            {
                other.ReadOutboxMaxId[user.Id] = outboxUpTo;
                var outbox = AppendEventLocked(other, new PtsEvent { Kind = PtsEventKind.ReadOutbox, PtsCount = 1, Date = date, PeerId = user.Id, MaxId = outboxUpTo });
                PushLocked(other, WorldTl.Updates(ReadOutboxUpdate(outbox), [WorldTl.User(user, other.Id)], date), origin: null, push);
            }

            MarkDirtyLocked();
        }

        Flush(push);
        return result;
    }

    private (BoxMessage Sent, BoxMessage? Received) SendLocked(WorldUser sender, WorldUser recipient, string text, long? randomId, ServerSession? origin, List<ServerSession> push)
    {
        var date = UnixNow;
        var sent = AddMessageLocked(sender, recipient.Id, sender.Id, isOut: true, text, date);
        if (randomId is { } id)
        {
            sender.SentRandomIds[id] = sent.Id;
        }

        BoxMessage? received = null;
        if (recipient == sender)
        {
            sent.TwinId = sent.Id; // Saved Messages: one copy
        }
        else
        {
            received = AddMessageLocked(recipient, sender.Id, sender.Id, isOut: false, text, date);
            (sent.TwinId, received.TwinId) = (received.Id, sent.Id);
            PushLocked(recipient, NewMessageUpdates(recipient, sender, received), origin: null, push);
        }

        PushLocked(sender, NewMessageUpdates(sender, recipient, sent), origin, push);
        MarkDirtyLocked();
        return (sent, received);
    }

    private UpdatesConstructor NewMessageUpdates(WorldUser owner, WorldUser other, BoxMessage message)
        => WorldTl.Updates(
            new UpdateNewMessage { Message = WorldTl.Message(message), Pts = message.Pts, PtsCount = 1 },
            UsersFor(owner, other),
            message.Date);

    private UpdatesConstructor EditCopyLocked(WorldUser owner, WorldUser other, BoxMessage message, string text, int date)
    {
        message.Text = text;
        message.EditDate = date;
        var edit = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.EditMessage, PtsCount = 1, Date = date, MessageIds = [message.Id] });
        return WorldTl.Updates(new UpdateEditMessage { Message = WorldTl.Message(message), Pts = edit.Pts, PtsCount = 1 }, UsersFor(owner, other), date);
    }

    private PtsEvent DeleteCopiesLocked(WorldUser owner, List<BoxMessage> copies, ServerSession? origin, List<ServerSession> push)
    {
        var date = UnixNow;
        foreach (var copy in copies)
        {
            owner.Messages.Remove(copy);
        }

        var ids = copies.Select(m => m.Id).ToArray();
        var deleted = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.DeleteMessages, PtsCount = ids.Length, Date = date, MessageIds = ids });
        PushLocked(owner, WorldTl.Updates(new UpdateDeleteMessages { Messages = ids, Pts = deleted.Pts, PtsCount = ids.Length }, [], date), origin, push);
        return deleted;
    }

    private static UpdateReadHistoryInbox ReadInboxUpdate(WorldUser owner, PtsEvent read) => new()
    {
        Peer = WorldTl.Peer(read.PeerId),
        MaxId = read.MaxId,
        StillUnreadCount = owner.Messages.Count(m => m.PeerId == read.PeerId && !m.Out && m.Id > read.MaxId),
        Pts = read.Pts,
        PtsCount = read.PtsCount,
    };

    private static UpdateReadHistoryOutbox ReadOutboxUpdate(PtsEvent read)
        => new() { Peer = WorldTl.Peer(read.PeerId), MaxId = read.MaxId, Pts = read.Pts, PtsCount = read.PtsCount };

    private static User[] UsersFor(WorldUser viewer, WorldUser other)
        => viewer == other ? [WorldTl.User(viewer, viewer.Id)] : [WorldTl.User(other, viewer.Id), WorldTl.User(viewer, viewer.Id)];

    private BoxMessage AddMessageLocked(WorldUser owner, long peerId, long fromId, bool isOut, string text, int date)
    {
        var message = new BoxMessage { Id = owner.NextMessageId++, PeerId = peerId, FromId = fromId, Out = isOut, Text = text, Date = date };
        message.Pts = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.NewMessage, PtsCount = 1, Date = date, MessageIds = [message.Id] }).Pts;
        owner.Messages.Add(message);
        return message;
    }

    /// <summary>Moves the owner's pts by the event's pts_count and records the event at the new pts.</summary>
    private static PtsEvent AppendEventLocked(WorldUser owner, PtsEvent ptsEvent)
    {
        owner.Pts += ptsEvent.PtsCount;
        ptsEvent.Pts = owner.Pts;
        owner.Events.Add(ptsEvent);
        return ptsEvent;
    }

    /// <summary>A message of the box by id (ids are ascending, so a binary search).</summary>
    private static BoxMessage? FindMessage(WorldUser owner, int id)
    {
        var messages = owner.Messages;
        int low = 0, high = messages.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var current = messages[middle].Id;
            if (current == id)
            {
                return messages[middle];
            }

            if (current < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>inputPeerSelf or inputPeerUser with the right access_hash; chats and channels are not emulated.</summary>
    private WorldUser ResolvePeerLocked(WorldUser self, InputPeerBase peer) => peer switch
    {
        InputPeerSelf => self,
        InputPeerUser user when _usersById.TryGetValue(user.UserId, out var found) && found.AccessHash == user.AccessHash => found,
        _ => throw new RpcErrorException(400, "PEER_ID_INVALID"),
    };

    private static void ValidateText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RpcErrorException(400, "MESSAGE_EMPTY");
        }

        if (text.Length > MessageLengthMax)
        {
            throw new RpcErrorException(400, "MESSAGE_TOO_LONG");
        }
    }

    /// <summary>
    /// Queues the updates for every live session of the user's authorized auth keys, on every DC, except the calling
    /// session; <see cref="Flush"/> sends them once the lock is released. Queuing under the lock keeps each session's
    /// updates in pts order.
    /// </summary>
    private void PushLocked(WorldUser user, UpdatesBase updates, ServerSession? origin, List<ServerSession> push)
    {
        byte[]? body = null;
        foreach (var key in AuthorizedKeysLocked(user.Id))
        {
            foreach (var session in key.Sessions.Values)
            {
                if (session == origin || session.Connection is null)
                {
                    continue;
                }

                body ??= TlSerializer.ToArray(updates);
                session.Enqueue(new OutgoingMessage(body, ContentRelated: true, IsResponse: false));
                push.Add(session);
            }
        }
    }

    private static void Flush(List<ServerSession> sessions)
    {
        foreach (var session in sessions.Distinct())
        {
            _ = session.Connection?.SendQueuedAsync(session);
        }
    }

    private static EmulatorMessage Describe(WorldUser owner, BoxMessage message) => new(
        message.Id,
        owner.Id,
        message.PeerId,
        message.FromId,
        message.Out,
        message.Text,
        DateTimeOffset.FromUnixTimeSeconds(message.Date),
        message.EditDate is { } edited ? DateTimeOffset.FromUnixTimeSeconds(edited) : null,
        message.Pts);
}
