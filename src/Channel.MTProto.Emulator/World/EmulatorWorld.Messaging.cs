using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Messaging in private chats and basic groups. Each participant keeps its own copy with its own id (as on Telegram);
/// every new message, edit, deletion and read moves the affected users' pts and is pushed to their live sessions
/// (except the calling session, which gets it as the result). Short forms, as Telegram: a message between users who
/// have exchanged messages before goes as updateShortMessage (updateShortChatMessage when the member has had a message
/// from that sender in the group), otherwise as <c>updates{updateNewMessage, users, chats}</c> carrying the entities.
/// </summary>
public sealed partial class EmulatorWorld
{
    /// <summary>config.message_length_max.</summary>
    internal const int MessageLengthMax = 4096;

    /// <summary>Sends a private message as <paramref name="from"/> (id, phone or username) to <paramref name="to"/>.
    /// When <paramref name="from"/> is an account a client is logged in to, its sessions get the message with out set
    /// (sent "from another device").</summary>
    public SentMessage SendMessage(string from, string to, string text)
    {
        CheckControlText(text);
        var sender = Resolve(from);
        var recipient = Resolve(to);
        var push = new List<ServerSession>();
        SentMessage result;
        using (new UserLocks([sender, recipient]))
        {
            var (sent, received) = SendPrivateLocked(sender, recipient, text, [], replyToId: null, randomId: null, origin: null, push);
            result = new SentMessage(Describe(sender, sent), received is null ? null : Describe(recipient, received));
        }

        Flush(push);
        return result;
    }

    /// <summary>Sends a message as <paramref name="from"/> to basic group <paramref name="chatId"/> (a member).</summary>
    public SentChatMessage SendChatMessage(string from, long chatId, string text)
    {
        CheckControlText(text);
        var sender = Resolve(from);
        var chat = ChatOrThrow(chatId);
        if (!chat.MemberIds.Contains(sender.Id))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "the sender is not a member of this chat.");
        }

        var members = Members(chat);
        var push = new List<ServerSession>();
        SentChatMessage result;
        using (new UserLocks(members))
        {
            var copies = SendChatLocked(sender, chat, members, text, [], replyToId: null, randomId: null, origin: null, push);
            result = new SentChatMessage(Describe(sender, copies[sender.Id]), copies.Where(c => c.Key != sender.Id).Select(c => Describe(_usersById[c.Key], c.Value)).ToArray());
        }

        Flush(push);
        return result;
    }

    /// <summary>Edits message <paramref name="messageId"/> of <paramref name="user"/>'s box (an outgoing one): every copy
    /// changes and each owner gets updateEditMessage.</summary>
    public EmulatorMessage EditMessage(string user, int messageId, string text)
    {
        CheckControlText(text);
        var owner = Resolve(user);
        try
        {
            EditLocked(owner, peerKey: null, messageId, text, [], origin: null, out var edited);
            return edited;
        }
        catch (RpcErrorException ex)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, ex.ErrorMessage);
        }
    }

    /// <summary>Deletes messages of <paramref name="user"/>'s box (with <paramref name="revoke"/> the other copies too).
    /// Returns how many of the ids were found.</summary>
    public int DeleteMessages(string user, IReadOnlyList<int> messageIds, bool revoke = true)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var owner = Resolve(user);
        return DeleteCore(owner, messageIds, revoke, origin: null).Found;
    }

    /// <summary>
    /// <paramref name="reader"/> reads its chat with user <paramref name="peer"/> (or basic group <paramref name="chatId"/>)
    /// up to <paramref name="maxId"/> (its own box ids; 0: everything): it gets updateReadHistoryInbox, the senders of
    /// the read messages updateReadHistoryOutbox. Returns the reader's new pts.
    /// </summary>
    public int MarkRead(string reader, string? peer = null, long? chatId = null, int maxId = 0)
    {
        var owner = Resolve(reader);
        long peerKey = chatId is { } chat ? -ChatOrThrow(chat).Id
            : peer is not null ? Resolve(peer).Id
            : throw new EmulatorWorldException(EmulatorWorldError.Invalid, "peer or chat is required.");
        return ReadCore(owner, peerKey, maxId, origin: null).Pts;
    }

    /// <summary>Every message in the user's box (both directions, private and groups), oldest first.</summary>
    public IReadOnlyList<EmulatorMessage> Messages(string user)
    {
        var owner = Resolve(user);
        lock (owner.Gate)
        {
            return owner.Messages.Select(m => Describe(owner, m)).ToArray();
        }
    }

    /// <summary>The highest of <paramref name="user"/>'s outgoing message ids in the private chat with <paramref name="peer"/> that the peer has read (0: none).</summary>
    public int ReadOutboxMaxId(string user, string peer)
    {
        var owner = Resolve(user);
        var other = Resolve(peer);
        lock (owner.Gate)
        {
            return owner.ReadOutboxMaxId.GetValueOrDefault(other.Id);
        }
    }

    /// <summary>The messages the user received (incoming copies), oldest first.</summary>
    public IReadOnlyList<EmulatorMessage> ReceivedMessages(string user)
    {
        var owner = Resolve(user);
        lock (owner.Gate)
        {
            return owner.Messages.Where(m => !m.Out).Select(m => Describe(owner, m)).ToArray();
        }
    }

    /// <summary>
    /// messages.sendMessage: the same random_id from the same sender returns the first message again. Entities are
    /// kept and delivered (ENTITY_BOUNDS_INVALID outside the text), reply_to must name a message of the chat
    /// (REPLY_MESSAGE_ID_INVALID), and a recipient who blocked the sender refuses it (USER_IS_BLOCKED).
    /// </summary>
    internal UpdateShortSentMessage SendMessage(RpcContext context, long userId, InputPeerBase peer, string text, IReadOnlyList<MessageEntityBase>? entities, int? replyToId, long randomId)
    {
        ValidateText(text);
        var kept = KeepEntities(text, entities);
        var sender = _usersById[userId];
        var push = new List<ServerSession>();
        BoxMessage sent;
        var target = ResolvePeer(sender, peer);
        IEnumerable<WorldUser> involved = target.Chat is { } chat ? Members(chat) : [sender, target.User!];
        using (new UserLocks(involved))
        {
            if (sender.SentRandomIds.TryGetValue(randomId, out var firstId))
            {
                sent = FindMessage(sender, firstId) ?? throw new RpcErrorException(400, "RANDOM_ID_DUPLICATE");
            }
            else if (target.Chat is { } group)
            {
                CheckReplyLocked(sender, -group.Id, replyToId);
                sent = SendChatLocked(sender, group, Members(group), text, kept, replyToId, randomId, context.Session, push)[sender.Id];
            }
            else
            {
                if (target.User!.BlockedIds.Contains(sender.Id))
                {
                    throw new RpcErrorException(400, "USER_IS_BLOCKED");
                }

                CheckReplyLocked(sender, target.User.Id, replyToId);
                (sent, _) = SendPrivateLocked(sender, target.User, text, kept, replyToId, randomId, context.Session, push);
            }
        }

        Flush(push);
        return new UpdateShortSentMessage { Out = true, Id = sent.Id, Pts = sent.Pts, PtsCount = 1, Date = sent.Date };
    }

    internal UpdatesConstructor EditMessage(RpcContext context, long userId, InputPeerBase peer, int id, string? text, IReadOnlyList<MessageEntityBase>? entities)
    {
        ValidateText(text);
        var kept = KeepEntities(text!, entities);
        var user = _usersById[userId];
        var target = ResolvePeer(user, peer);
        return EditLocked(user, target.Key, id, text!, kept, context.Session, out _);
    }

    /// <summary>messages.setTyping: the other side (every other member, in a group) gets updateUserTyping / updateChatUserTyping.</summary>
    internal bool SetTyping(long userId, InputPeerBase peer, SendMessageActionBase action)
    {
        var user = _usersById[userId];
        var target = ResolvePeer(user, peer);
        var push = new List<ServerSession>();
        var date = UnixNow;
        IEnumerable<WorldUser> recipients = target.Chat is { } chat ? Members(chat).Where(m => m != user) : target.User == user ? [] : [target.User!];
        foreach (var recipient in recipients)
        {
            UpdateBase update = target.Chat is { } group
                ? new UpdateChatUserTyping { ChatId = group.Id, FromId = new PeerUser { UserId = user.Id }, Action = action }
                : new UpdateUserTyping { UserId = user.Id, Action = action };
            lock (recipient.Gate)
            {
                PushLocked(recipient, new UpdateShort { Update = update, Date = date }, origin: null, push);
            }
        }

        Flush(push);
        return true;
    }

    /// <summary><paramref name="blocker"/> blocks (or unblocks) <paramref name="blocked"/>: messages from that user are refused with USER_IS_BLOCKED.</summary>
    public void Block(string blocker, string blocked, bool block = true)
    {
        var owner = Resolve(blocker);
        var other = Resolve(blocked);
        lock (owner.Gate)
        {
            if (block)
            {
                owner.BlockedIds.Add(other.Id);
            }
            else
            {
                owner.BlockedIds.Remove(other.Id);
            }
        }

        MarkDirty();
    }

    /// <summary>messages.deleteMessages: removes the caller's copies (and with revoke the other copies too).</summary>
    internal Tl.Api.Messages.AffectedMessages DeleteMessages(RpcContext context, long userId, IReadOnlyList<int> ids, bool revoke)
    {
        var (pts, count, _) = DeleteCore(_usersById[userId], ids, revoke, context.Session);
        return new Tl.Api.Messages.AffectedMessages { Pts = pts, PtsCount = count };
    }

    /// <summary>messages.readHistory: the reader's inbox read up to max_id (0: everything), the senders' outboxes read.</summary>
    internal Tl.Api.Messages.AffectedMessages ReadHistory(RpcContext context, long userId, InputPeerBase peer, int maxId)
    {
        var user = _usersById[userId];
        var (pts, count) = ReadCore(user, ResolvePeer(user, peer).Key, maxId, context.Session);
        return new Tl.Api.Messages.AffectedMessages { Pts = pts, PtsCount = count };
    }

    private (BoxMessage Sent, BoxMessage? Received) SendPrivateLocked(WorldUser sender, WorldUser recipient, string text, List<WorldEntity> entities, int? replyToId, long? randomId, ServerSession? origin, List<ServerSession> push, WorldMedia? media = null)
    {
        var date = UnixNow;
        var senderKnew = sender.KnownPeers.Contains(recipient.Id);
        var sent = AddMessageLocked(sender, recipient.Id, 0, sender.Id, isOut: true, text, date);
        sent.Entities = entities;
        sent.ReplyToId = replyToId;
        sent.Media = media;
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
            var recipientKnew = recipient.KnownPeers.Contains(sender.Id);
            received = AddMessageLocked(recipient, sender.Id, 0, sender.Id, isOut: false, text, date);
            received.Entities = entities;
            received.Media = media;

            // The recipient's copy answers the recipient's own copy of the replied-to message.
            received.ReplyToId = replyToId is { } replied && FindMessage(sender, replied) is { TwinId: not 0 } original ? original.TwinId : null;
            (sent.TwinId, received.TwinId) = (received.Id, sent.Id);
            PushNewPrivateLocked(recipient, sender, received, recipientKnew, origin: null, push);
            recipient.KnownPeers.Add(sender.Id);
        }

        PushNewPrivateLocked(sender, recipient, sent, senderKnew, origin, push);
        sender.KnownPeers.Add(recipient.Id);
        MarkDirty();
        return (sent, received);
    }

    private void PushNewPrivateLocked(WorldUser owner, WorldUser other, BoxMessage message, bool known, ServerSession? origin, List<ServerSession> push)
    {
        // Telegram never sends media in a short update (updateShortMessage has no media field).
        UpdatesBase updates = known && message.Media is null
            ? new UpdateShortMessage
            {
                Out = message.Out, Id = message.Id, UserId = other.Id, Message = message.Text, Pts = message.Pts, PtsCount = 1, Date = message.Date,
                Entities = message.Entities.Count == 0 ? null : WorldTl.Entities(message.Entities), ReplyTo = WorldTl.ReplyTo(message.ReplyToId),
            }
            : EnvelopeLocked(owner, new UpdateNewMessage { Message = WorldTl.Message(message), Pts = message.Pts, PtsCount = 1 }, UsersFor(owner, other), [], message.Date, withSeq: origin is null);
        PushLocked(owner, updates, origin, push);
    }

    /// <summary>One copy per member (all Gates held); returns the copies by member id.</summary>
    private Dictionary<long, BoxMessage> SendChatLocked(WorldUser sender, WorldChat chat, WorldUser[] members, string text, List<WorldEntity> entities, int? replyToId, long? randomId, ServerSession? origin, List<ServerSession> push, WorldMedia? media = null)
    {
        var date = UnixNow;
        var chatSeq = ++chat.LastSeq;
        var repliedSeq = replyToId is { } replied && FindMessage(sender, replied) is { } original ? original.ChatSeq : 0;
        var copies = new Dictionary<long, BoxMessage>(members.Length);
        foreach (var member in members)
        {
            var seen = member.ChatSenders.TryGetValue(chat.Id, out var senders) ? senders : member.ChatSenders[chat.Id] = [];
            var known = seen.Contains(sender.Id) || (member == sender && seen.Count > 0);
            var isOut = member == sender;
            var copy = AddMessageLocked(member, 0, chat.Id, sender.Id, isOut, text, date);
            copy.ChatSeq = chatSeq;
            copy.Entities = entities;
            copy.Media = media;
            copy.ReplyToId = repliedSeq == 0 ? null : member.Messages.FindLast(m => m.ChatId == chat.Id && m.ChatSeq == repliedSeq)?.Id;
            copies[member.Id] = copy;
            if (isOut && randomId is { } id)
            {
                member.SentRandomIds[id] = copy.Id;
            }

            var memberOrigin = isOut ? origin : null;
            UpdatesBase updates = known && media is null
                ? new UpdateShortChatMessage
                {
                    Out = isOut, Id = copy.Id, FromId = sender.Id, ChatId = chat.Id, Message = text, Pts = copy.Pts, PtsCount = 1, Date = date,
                    Entities = entities.Count == 0 ? null : WorldTl.Entities(entities), ReplyTo = WorldTl.ReplyTo(copy.ReplyToId),
                }
                : EnvelopeLocked(member, new UpdateNewMessage { Message = WorldTl.Message(copy), Pts = copy.Pts, PtsCount = 1 },
                    UsersFor(member, sender), [WorldTl.Chat(chat, member.Id)], date, withSeq: memberOrigin is null);
            PushLocked(member, updates, memberOrigin, push);
            seen.Add(sender.Id);
        }

        MarkDirty();
        return copies;
    }

    /// <summary>Edits an outgoing message and every copy of it, each under its owner's Gate in turn.</summary>
    private UpdatesConstructor EditLocked(WorldUser user, long? peerKey, int id, string text, List<WorldEntity> entities, ServerSession? origin, out EmulatorMessage edited)
    {
        var push = new List<ServerSession>();
        UpdatesConstructor result;
        BoxMessage message;
        var date = UnixNow;
        lock (user.Gate)
        {
            message = FindMessage(user, id) is { } found && (peerKey is null || found.PeerKey == peerKey) ? found : throw new RpcErrorException(400, "MESSAGE_ID_INVALID");
            if (!message.Out)
            {
                throw new RpcErrorException(403, "MESSAGE_AUTHOR_REQUIRED");
            }

            if (message.Text == text && SameEntities(message.Entities, entities))
            {
                throw new RpcErrorException(400, "MESSAGE_NOT_MODIFIED");
            }

            result = EditCopyLocked(user, message, text, entities, date, withSeq: true);
            PushLocked(user, result, origin, push);
            edited = Describe(user, message);
        }

        foreach (var (other, copyId) in OtherCopies(user, message))
        {
            lock (other.Gate)
            {
                if (FindMessage(other, copyId) is { } twin)
                {
                    PushLocked(other, EditCopyLocked(other, twin, text, entities, date, withSeq: true), origin: null, push);
                }
            }
        }

        MarkDirty();
        Flush(push);
        return result;
    }

    private (int Pts, int PtsCount, int Found) DeleteCore(WorldUser user, IReadOnlyList<int> ids, bool revoke, ServerSession? origin)
    {
        var push = new List<ServerSession>();
        List<BoxMessage> found;
        PtsEvent own;
        lock (user.Gate)
        {
            found = ids.Distinct().Select(id => FindMessage(user, id)).OfType<BoxMessage>().ToList();
            if (found.Count == 0)
            {
                return (user.Pts, 0, 0);
            }

            own = DeleteCopiesLocked(user, found, origin, push);
        }

        if (revoke)
        {
            foreach (var group in found.SelectMany(m => OtherCopies(user, m)).GroupBy(c => c.Owner))
            {
                lock (group.Key.Gate)
                {
                    var copies = group.Select(c => FindMessage(group.Key, c.Id)).OfType<BoxMessage>().ToList();
                    if (copies.Count > 0)
                    {
                        DeleteCopiesLocked(group.Key, copies, origin: null, push);
                    }
                }
            }
        }

        MarkDirty();
        Flush(push);
        return (own.Pts, own.PtsCount, found.Count);
    }

    /// <summary>Reads the reader's dialog <paramref name="peerKey"/> up to max_id; then the senders' outboxes, each in turn.</summary>
    private (int Pts, int PtsCount) ReadCore(WorldUser user, long peerKey, int maxId, ServerSession? origin)
    {
        var push = new List<ServerSession>();
        var date = UnixNow;
        int readChatSeq;
        int readTwinMax;
        PtsEvent read;
        lock (user.Gate)
        {
            var incoming = DialogMessagesLocked(user, peerKey).Where(m => !m.Out && (maxId <= 0 || m.Id <= maxId)).ToList();
            var readUpTo = incoming.Count == 0 ? 0 : incoming[^1].Id;
            if (readUpTo <= user.ReadInboxMaxId.GetValueOrDefault(peerKey))
            {
                return (user.Pts, 0);
            }

            user.ReadInboxMaxId[peerKey] = readUpTo;
            read = AppendEventLocked(user, new PtsEvent { Kind = PtsEventKind.ReadInbox, PtsCount = 1, Date = date, PeerId = peerKey, MaxId = readUpTo });
            var users = peerKey > 0 && _usersById.TryGetValue(peerKey, out var peerUser) ? [WorldTl.User(peerUser, user.Id)] : Array.Empty<UserBase>();
            var chats = peerKey < 0 && _chats.TryGetValue(-peerKey, out var readChat) ? [WorldTl.Chat(readChat, user.Id)] : Array.Empty<ChatBase>();
            PushLocked(user, EnvelopeLocked(user, ReadInboxUpdate(user, read), users, chats, date, withSeq: origin is null), origin, push);
            readChatSeq = incoming.Max(m => m.ChatSeq);
            readTwinMax = incoming.Max(m => m.TwinId);
        }

        if (peerKey > 0 && peerKey != user.Id && _usersById.TryGetValue(peerKey, out var other))
        {
            ReadOutboxLocked(other, user.Id, user, m => m.Id <= readTwinMax, date, push);
        }
        else if (peerKey < 0 && _chats.TryGetValue(-peerKey, out var chat))
        {
            foreach (var member in Members(chat).Where(m => m != user))
            {
                ReadOutboxLocked(member, peerKey, user, m => m.ChatSeq <= readChatSeq, date, push);
            }
        }

        MarkDirty();
        Flush(push);
        return (read.Pts, 1);
    }

    /// <summary>The owner's outgoing messages in dialog <paramref name="peerKey"/> matching <paramref name="read"/> are now read.</summary>
    private void ReadOutboxLocked(WorldUser owner, long peerKey, WorldUser reader, Func<BoxMessage, bool> read, int date, List<ServerSession> push)
    {
        lock (owner.Gate)
        {
            var upTo = DialogMessagesLocked(owner, peerKey).Where(m => m.Out && read(m)).Select(m => m.Id).DefaultIfEmpty(0).Max();
            if (upTo <= owner.ReadOutboxMaxId.GetValueOrDefault(peerKey))
            {
                return;
            }

            owner.ReadOutboxMaxId[peerKey] = upTo;
            var outbox = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.ReadOutbox, PtsCount = 1, Date = date, PeerId = peerKey, MaxId = upTo });
            var chats = peerKey < 0 && _chats.TryGetValue(-peerKey, out var chat) ? [WorldTl.Chat(chat, owner.Id)] : Array.Empty<ChatBase>();
            PushLocked(owner, EnvelopeLocked(owner, ReadOutboxUpdate(outbox), [WorldTl.User(reader, owner.Id)], chats, date, withSeq: true), origin: null, push);
        }
    }

    /// <summary>The other copies of a message: the twin in a private chat, every member's copy in a group.</summary>
    private List<(WorldUser Owner, int Id)> OtherCopies(WorldUser owner, BoxMessage message)
    {
        var result = new List<(WorldUser, int)>();
        if (message.ChatId == 0)
        {
            if (message.PeerId != owner.Id && _usersById.TryGetValue(message.PeerId, out var other) && message.TwinId != 0)
            {
                result.Add((other, message.TwinId));
            }

            return result;
        }

        if (!_chats.TryGetValue(message.ChatId, out var chat))
        {
            return result;
        }

        foreach (var member in Members(chat).Where(m => m != owner))
        {
            lock (member.Gate)
            {
                if (member.Dialogs.TryGetValue(-chat.Id, out var dialog) && dialog.FindByChatSeq(message.ChatSeq) is { } copy)
                {
                    result.Add((member, copy.Id));
                }
            }
        }

        return result;
    }

    private UpdatesConstructor EditCopyLocked(WorldUser owner, BoxMessage message, string text, List<WorldEntity> entities, int date, bool withSeq)
    {
        message.Text = text;
        message.Entities = entities;
        message.EditDate = date;
        var edit = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.EditMessage, PtsCount = 1, Date = date, MessageIds = [message.Id] });
        return EnvelopeLocked(owner, new UpdateEditMessage { Message = WorldTl.Message(message), Pts = edit.Pts, PtsCount = 1 }, MessageUsers(owner, message), MessageChats(owner, message), date, withSeq);
    }

    private PtsEvent DeleteCopiesLocked(WorldUser owner, List<BoxMessage> copies, ServerSession? origin, List<ServerSession> push)
    {
        var date = UnixNow;
        var removed = copies.ToHashSet();
        owner.Messages.RemoveAll(removed.Contains);
        foreach (var peerKey in copies.Select(m => m.PeerKey).Distinct())
        {
            DialogLocked(owner, peerKey).Remove(removed);
        }

        var ids = copies.Select(m => m.Id).ToArray();
        var deleted = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.DeleteMessages, PtsCount = ids.Length, Date = date, MessageIds = ids });
        PushLocked(owner, EnvelopeLocked(owner, new UpdateDeleteMessages { Messages = ids, Pts = deleted.Pts, PtsCount = ids.Length }, [], [], date, withSeq: origin is null), origin, push);
        return deleted;
    }

    private static UpdateReadHistoryInbox ReadInboxUpdate(WorldUser owner, PtsEvent read) => new()
    {
        Peer = WorldTl.Peer(read.PeerId),
        MaxId = read.MaxId,
        StillUnreadCount = owner.Dialogs.TryGetValue(read.PeerId, out var dialog) ? dialog.UnreadAfter(read.MaxId) : 0,
        Pts = read.Pts,
        PtsCount = read.PtsCount,
    };

    private static UpdateReadHistoryOutbox ReadOutboxUpdate(PtsEvent read)
        => new() { Peer = WorldTl.Peer(read.PeerId), MaxId = read.MaxId, Pts = read.Pts, PtsCount = read.PtsCount };

    private static User[] UsersFor(WorldUser viewer, WorldUser other)
        => viewer == other ? [WorldTl.User(viewer, viewer.Id)] : [WorldTl.User(other, viewer.Id), WorldTl.User(viewer, viewer.Id)];

    private User[] MessageUsers(WorldUser viewer, BoxMessage message)
        => UsersLocked([message.PeerId, message.FromId, viewer.Id], viewer.Id);

    private ChatBase[] MessageChats(WorldUser viewer, BoxMessage message)
        => message.ChatId != 0 && _chats.TryGetValue(message.ChatId, out var chat) ? [WorldTl.Chat(chat, viewer.Id)] : [];

    private BoxMessage AddMessageLocked(WorldUser owner, long peerId, long chatId, long fromId, bool isOut, string text, int date)
    {
        var message = new BoxMessage { Id = owner.NextMessageId++, PeerId = peerId, ChatId = chatId, FromId = fromId, Out = isOut, Text = text, Date = date, StoredAt = Time.GetUtcNow() };
        message.Pts = AppendEventLocked(owner, new PtsEvent { Kind = PtsEventKind.NewMessage, PtsCount = 1, Date = date, MessageIds = [message.Id] }).Pts;
        owner.Messages.Add(message);
        DialogLocked(owner, message.PeerKey).Add(message);
        return message;
    }

    /// <summary>The owner's dialog <paramref name="peerKey"/>, created empty if new (the owner's Gate held).</summary>
    private static DialogBox DialogLocked(WorldUser owner, long peerKey)
    {
        if (!owner.Dialogs.TryGetValue(peerKey, out var dialog))
        {
            dialog = new DialogBox();
            owner.Dialogs[peerKey] = dialog;
        }

        return dialog;
    }

    /// <summary>The messages of the owner's dialog <paramref name="peerKey"/>, ascending id (empty if none).</summary>
    private static List<BoxMessage> DialogMessagesLocked(WorldUser owner, long peerKey)
        => owner.Dialogs.TryGetValue(peerKey, out var dialog) ? dialog.Messages : [];

    /// <summary>Moves the owner's pts by the event's pts_count and records the event at the new pts.</summary>
    private static PtsEvent AppendEventLocked(WorldUser owner, PtsEvent ptsEvent)
    {
        owner.Pts += ptsEvent.PtsCount;
        ptsEvent.Pts = owner.Pts;
        owner.Events.Add(ptsEvent);
        return ptsEvent;
    }

    /// <summary>A message of the box by id (ids are ascending, so a binary search).</summary>
    private static BoxMessage? FindMessage(WorldUser owner, int id) => DialogBox.Search(owner.Messages, id, static m => m.Id);

    /// <summary>inputPeerSelf, inputPeerUser with the right access_hash, or inputPeerChat of a group the user is in.</summary>
    private PeerTarget ResolvePeer(WorldUser self, InputPeerBase peer) => peer switch
    {
        InputPeerSelf => new PeerTarget(self, null),
        InputPeerUser user when _usersById.TryGetValue(user.UserId, out var found) && found.AccessHash == user.AccessHash => new PeerTarget(found, null),
        InputPeerChat chat when _chats.TryGetValue(chat.ChatId, out var group) && group.MemberIds.Contains(self.Id) => new PeerTarget(null, group),
        InputPeerChat => throw new RpcErrorException(400, "CHAT_ID_INVALID"),
        InputPeerUserFromMessage fromMessage when TryUserFromMessage(self.Id, fromMessage.Peer, fromMessage.MsgId, fromMessage.UserId) is { } author => new PeerTarget(author, null),
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

    /// <summary>The entities the world keeps; ENTITY_BOUNDS_INVALID for one outside the text.</summary>
    private static List<WorldEntity> KeepEntities(string text, IReadOnlyList<MessageEntityBase>? entities)
    {
        var kept = new List<WorldEntity>();
        foreach (var entity in entities ?? [])
        {
            if (WorldEntity.From(entity) is not { } world)
            {
                continue;
            }

            if (world.Offset < 0 || world.Length <= 0 || world.Offset + world.Length > text.Length)
            {
                throw new RpcErrorException(400, "ENTITY_BOUNDS_INVALID");
            }

            kept.Add(world);
        }

        return kept;
    }

    private static bool SameEntities(List<WorldEntity> a, List<WorldEntity> b)
        => a.Count == b.Count && a.Zip(b).All(p => p.First.Kind == p.Second.Kind && p.First.Offset == p.Second.Offset && p.First.Length == p.Second.Length
            && p.First.Url == p.Second.Url && p.First.Language == p.Second.Language && p.First.UserId == p.Second.UserId);

    /// <summary>reply_to must name a message of the same dialog in the sender's box.</summary>
    private static void CheckReplyLocked(WorldUser sender, long peerKey, int? replyToId)
    {
        if (replyToId is { } id && (FindMessage(sender, id) is not { } replied || replied.PeerKey != peerKey))
        {
            throw new RpcErrorException(400, "REPLY_MESSAGE_ID_INVALID");
        }
    }

    private static void CheckControlText(string text)
    {
        try
        {
            ValidateText(text);
        }
        catch (RpcErrorException ex)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"text: {ex.ErrorMessage} (1 to {MessageLengthMax} characters).");
        }
    }

    private EmulatorMessage Describe(WorldUser owner, BoxMessage message) => new(
        message.Id,
        owner.Id,
        message.PeerId,
        message.FromId,
        message.Out,
        message.Text,
        DateTimeOffset.FromUnixTimeSeconds(message.Date),
        message.EditDate is { } edited ? DateTimeOffset.FromUnixTimeSeconds(edited) : null,
        message.Pts,
        message.ChatId == 0 ? null : message.ChatId,
        message.Entities.Select(e => new EmulatorEntity(e.Kind, e.Offset, e.Length, e.Url, e.Language, e.UserId)).ToArray(),
        message.ReplyToId,
        message.StoredAt == default ? null : message.StoredAt,
        DescribeMedia(message.Media));

    /// <summary>A resolved input peer: a user (private chat) or a basic group.</summary>
    private readonly record struct PeerTarget(WorldUser? User, WorldChat? Chat)
    {
        public long Key => Chat is { } chat ? -chat.Id : User!.Id;
    }
}
