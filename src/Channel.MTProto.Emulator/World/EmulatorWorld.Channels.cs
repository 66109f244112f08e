using System.Collections.Concurrent;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Supergroups and broadcast channels (<c>peerChannel</c>): one copy of each message with the channel's own ids and
/// pts. A new message reaches every connected member as <c>updates{updateNewChannelMessage}</c> (seq 0: channel updates
/// are outside the account's seq); a session with too many unacknowledged pushes of a channel gets one
/// <c>updateChannelTooLong</c> instead and must call updates.getChannelDifference. Each channel has its own lock
/// (<see cref="WorldChannel.Gate"/>); it is never held while a user's Gate is taken, so the two cannot deadlock.
/// </summary>
public sealed partial class EmulatorWorld
{
    private const int MaxChannelMembers = 10_000;

    /// <summary>Ids one channels.getMessages / getChannels call may name (Telegram caps such lists too).</summary>
    private const int MaxIdsPerCall = 200;

    /// <summary>The <c>timeout</c> of a final channel difference: poll again after this many seconds.</summary>
    private const int ChannelDifferenceTimeout = 30;

    private readonly ConcurrentDictionary<long, WorldChannel> _channels = new();

    /// <summary>user id → the channels they are a member of (getDialogs).</summary>
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<long, byte>> _channelsByUser = new();

    /// <summary>
    /// Creates a supergroup (<paramref name="megagroup"/>) or broadcast channel of <paramref name="members"/> (ids,
    /// phones or usernames; the first is the creator and only admin). Its first message is the channelCreate service
    /// message (id 1, pts 1); connected members get updateChannel.
    /// </summary>
    public EmulatorChat CreateChannel(string title, IReadOnlyList<string> members, bool megagroup, string? creator = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        CheckTitle(title);
        var users = members.Select(Resolve).ToList();
        if (creator is not null)
        {
            users.Insert(0, Resolve(creator));
        }

        users = users.DistinctBy(u => u.Id).ToList();
        if (users.Count is < 1 or > MaxChannelMembers)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"a supergroup or channel has 1 to {MaxChannelMembers} members.");
        }

        var push = new List<ServerSession>();
        var channel = NewChannel(title.Trim(), megagroup, users[0].Id);
        lock (channel.Gate)
        {
            foreach (var user in users)
            {
                AddMemberLocked(channel, user.Id);
            }

            AddPostLocked(channel, channel.CreatorId, string.Empty, [], null, "channelCreate");
            foreach (var user in users)
            {
                PushToUserLocked(user.Id, _ => ChannelUpdates(channel, user.Id, new UpdateChannel { ChannelId = channel.Id }, []), origin: null, push);
            }
        }

        Flush(push);
        MarkDirty();
        return DescribeChannel(channel);
    }

    /// <summary>Adds <paramref name="users"/> to the channel as <paramref name="inviter"/> (a member; an admin in a
    /// broadcast channel). In a supergroup a chatAddUser service message is posted.</summary>
    public EmulatorChat InviteToChannel(long channelId, string inviter, IReadOnlyList<string> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var channel = ChannelOrThrow(channelId);
        var by = Resolve(inviter);
        var added = users.Select(Resolve).ToList();
        try
        {
            InviteCore(channel, by.Id, added, origin: null);
        }
        catch (RpcErrorException ex)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, ex.ErrorMessage);
        }

        return DescribeChannel(channel);
    }

    /// <summary>Posts <paramref name="text"/> as <paramref name="from"/> (a member; an admin in a broadcast channel).</summary>
    public EmulatorChannelMessage SendChannelMessage(string from, long channelId, string text)
    {
        CheckControlText(text);
        return PostFromControl(from, channelId, text, media: null);
    }

    /// <summary>
    /// A world-API post: the sender must be a member (an admin in a broadcast channel). <paramref name="media"/>'s
    /// file is stored only once the post is allowed, so a refused post leaves nothing behind.
    /// </summary>
    private EmulatorChannelMessage PostFromControl(string from, long channelId, string text, NewMedia? media)
    {
        var sender = Resolve(from);
        var channel = ChannelOrThrow(channelId);
        var push = new List<ServerSession>();
        EmulatorChannelMessage result;
        lock (channel.Gate)
        {
            if (!channel.MemberIds.Contains(sender.Id))
            {
                throw new EmulatorWorldException(EmulatorWorldError.Invalid, "the sender is not a member of this chat.");
            }

            if (!channel.Megagroup && !channel.IsAdmin(sender.Id))
            {
                throw new EmulatorWorldException(EmulatorWorldError.Invalid, "only admins post in a broadcast channel.");
            }

            // Takes no user's Gate (files are stored per DC).
            var attached = media is null ? null : MediaFromApi(sender, media);
            var post = AddPostLocked(channel, sender.Id, text, [], null, null);
            post.Media = attached;
            DeliverPostLocked(channel, post, origin: null, push);
            result = DescribePost(channel, post);
        }

        Flush(push);
        MarkDirty();
        return result;
    }

    /// <summary>The channel's messages, oldest first.</summary>
    public IReadOnlyList<EmulatorChannelMessage> ChannelMessages(long channelId)
    {
        var channel = ChannelOrThrow(channelId);
        lock (channel.Gate)
        {
            return channel.Messages.Select(p => DescribePost(channel, p)).ToArray();
        }
    }

    /// <summary>The next updates.getChannelDifference of <paramref name="user"/> (every member when null) for this
    /// channel answers channelDifferenceTooLong, whatever its pts.</summary>
    public void ForceChannelDifferenceTooLong(long channelId, string? user = null)
    {
        var channel = ChannelOrThrow(channelId);
        var only = user is null ? null : Resolve(user);
        lock (channel.Gate)
        {
            foreach (var member in channel.MemberIds.Where(id => only is null || id == only.Id))
            {
                channel.DifferenceTooLongPending.Add(member);
            }
        }
    }

    /// <summary>Pushes updateChannelTooLong{pts} of this channel to every live session of <paramref name="user"/>:
    /// <paramref name="pts"/> (1 to the channel's) is where the client should fetch from, the channel's pts by default.</summary>
    public int ForceChannelTooLong(long channelId, string user, int? pts = null)
    {
        var channel = ChannelOrThrow(channelId);
        var owner = Resolve(user);
        var push = new List<ServerSession>();
        lock (channel.Gate)
        {
            if (pts is < 1 || pts > channel.Pts)
            {
                throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"pts must be 1 to the channel's pts ({channel.Pts}).");
            }

            PushToUserLocked(owner.Id, _ => ChannelUpdates(channel, owner.Id, new UpdateChannelTooLong { ChannelId = channel.Id, Pts = pts ?? channel.Pts }, []), origin: null, push);
        }

        Flush(push);
        return push.Count;
    }

    /// <summary>channels.createChannel: the caller creates and is the only member.</summary>
    internal UpdatesBase CreateChannel(RpcContext context, long userId, string title, bool broadcast, bool megagroup)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            throw new RpcErrorException(400, "CHAT_TITLE_EMPTY");
        }

        if (title.Length > 128)
        {
            throw new RpcErrorException(400, "CHAT_TITLE_TOO_LONG");
        }

        var channel = NewChannel(title.Trim(), megagroup || !broadcast, userId);
        var push = new List<ServerSession>();
        UpdatesBase result;
        lock (channel.Gate)
        {
            AddMemberLocked(channel, userId);
            var post = AddPostLocked(channel, userId, string.Empty, [], null, "channelCreate");
            var created = new UpdateNewChannelMessage { Message = ChannelTl.Message(channel, post, userId), Pts = post.Pts, PtsCount = 1 };
            result = ChannelUpdates(channel, userId, new UpdateChannel { ChannelId = channel.Id }, [userId], created);
            PushToUserLocked(userId, _ => ChannelUpdates(channel, userId, new UpdateChannel { ChannelId = channel.Id }, [userId], created), context.Session, push);
        }

        Flush(push);
        MarkDirty();
        return result;
    }

    internal Tl.Api.Messages.InvitedUsers InviteToChannel(RpcContext context, long userId, InputChannelBase input, IReadOnlyList<InputUserBase> users)
    {
        var channel = ChannelFor(input);
        var self = _usersById[userId];
        var added = users.Select(u => TryResolveInputUserLocked(self, u) ?? throw new RpcErrorException(400, "USER_ID_INVALID")).ToList();
        if (added.Count == 0)
        {
            throw new RpcErrorException(400, "USERS_TOO_FEW");
        }

        return new Tl.Api.Messages.InvitedUsers { Updates = InviteCore(channel, userId, added, context.Session), MissingInvitees = [] };
    }

    internal Tl.Api.Messages.Chats GetChannels(long userId, IReadOnlyList<InputChannelBase> ids)
    {
        if (ids.Count > MaxIdsPerCall)
        {
            throw new RpcErrorException(400, "LIMIT_INVALID");
        }

        var result = new List<ChatBase>();
        foreach (var input in ids)
        {
            // Telegram answers for every channel the caller may see; a wrong access hash fails the whole call.
            var channel = ChannelFor(input);
            lock (channel.Gate)
            {
                result.Add(channel.MemberIds.Contains(userId) ? ChannelTl.Channel(channel, userId)
                    : new ChannelForbidden { Broadcast = !channel.Megagroup, Megagroup = channel.Megagroup, Id = channel.Id, AccessHash = channel.AccessHash, Title = channel.Title });
            }
        }

        return new Tl.Api.Messages.Chats { ChatsValue = result };
    }

    internal Tl.Api.Messages.ChatFull GetFullChannel(long userId, InputChannelBase input)
    {
        var channel = ChannelFor(input);
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            var dialog = ChannelTl.Dialog(channel, userId);
            return new Tl.Api.Messages.ChatFull
            {
                FullChat = new ChannelFull
                {
                    CanViewParticipants = channel.Megagroup,
                    Id = channel.Id,
                    About = string.Empty,
                    ParticipantsCount = channel.MemberIds.Count,
                    AdminsCount = channel.AdminIds.Count + 1,
                    ReadInboxMaxId = dialog.ReadInboxMaxId,
                    ReadOutboxMaxId = dialog.ReadOutboxMaxId,
                    UnreadCount = dialog.UnreadCount,
                    ChatPhoto = new PhotoEmpty { Id = 0 },
                    NotifySettings = new PeerNotifySettings(),
                    BotInfo = [],
                    MigratedFromChatId = channel.MigratedFromChatId == 0 ? null : channel.MigratedFromChatId,
                    MigratedFromMaxId = channel.MigratedFromChatId == 0 ? null : channel.MigratedFromMaxId,
                    Pts = channel.Pts,
                },
                Chats = [ChannelTl.Channel(channel, userId)],
                Users = UsersLocked([userId, channel.CreatorId], userId),
            };
        }
    }

    /// <summary>channels.getMessages: messageEmpty for ids that do not exist (or were deleted).</summary>
    internal Tl.Api.Messages.ChannelMessages GetChannelMessages(long userId, InputChannelBase input, IReadOnlyList<InputMessageBase> ids)
    {
        if (ids.Count > MaxIdsPerCall)
        {
            throw new RpcErrorException(400, "LIMIT_INVALID");
        }

        var channel = ChannelFor(input);
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            var messages = new List<MessageBase>();
            var senders = new HashSet<long>();
            foreach (var id in ids)
            {
                var wanted = id switch
                {
                    InputMessageID m => m.Id,
                    InputMessageReplyTo r => FindPost(channel, r.Id)?.ReplyToId ?? 0,
                    _ => 0,
                };
                if (FindPost(channel, wanted) is { } post)
                {
                    messages.Add(ChannelTl.Message(channel, post, userId));
                    NoteSenders(post, senders);
                }
                else
                {
                    messages.Add(new MessageEmpty { Id = wanted, PeerId = ChannelTl.Peer(channel) });
                }
            }

            return ChannelMessagesLocked(channel, userId, messages, senders, messages.Count);
        }
    }

    /// <summary>messages.getHistory of a channel, paged as for other chats (newest first).</summary>
    internal Tl.Api.Messages.MessagesBase GetChannelHistory(long userId, InputPeerChannel peer, int offsetId, int offsetDate, int addOffset, int limit, int maxId, int minId)
    {
        var channel = ChannelFor(new InputChannel { ChannelId = peer.ChannelId, AccessHash = peer.AccessHash });
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            var posts = channel.Messages;
            var count = posts.Count;
            var start = offsetId > 0 ? count - FirstPostAtOrAbove(posts, offsetId)
                : offsetDate > 0 ? NewestPostBefore(posts, offsetDate)
                : 0;
            start = Math.Max(0, start + addOffset);
            var messages = new List<MessageBase>();
            var senders = new HashSet<long>();
            for (var position = start; position < count && position < start + PageSize(limit); position++)
            {
                var post = posts[count - 1 - position];
                if ((maxId <= 0 || post.Id < maxId) && (minId <= 0 || post.Id > minId))
                {
                    messages.Add(ChannelTl.Message(channel, post, userId));
                    NoteSenders(post, senders);
                }
            }

            return ChannelMessagesLocked(channel, userId, messages, senders, count);
        }
    }

    internal UpdatesBase SendChannelMessage(RpcContext context, long userId, InputPeerChannel peer, string text, IReadOnlyList<MessageEntityBase>? entities, int? replyToId, long randomId)
    {
        ValidateText(text);
        var kept = KeepEntities(text, entities);
        var channel = ChannelFor(new InputChannel { ChannelId = peer.ChannelId, AccessHash = peer.AccessHash });
        var push = new List<ServerSession>();
        UpdatesBase result;
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            if (!channel.Megagroup && !channel.IsAdmin(userId))
            {
                throw new RpcErrorException(403, "CHAT_WRITE_FORBIDDEN");
            }

            ChannelPost post;
            if (channel.SentRandomIds.TryGetValue(userId, out var sent) && sent.TryGetValue(randomId, out var firstId))
            {
                post = FindPost(channel, firstId) ?? throw new RpcErrorException(400, "RANDOM_ID_DUPLICATE");
            }
            else
            {
                if (replyToId is { } reply && FindPost(channel, reply) is null)
                {
                    throw new RpcErrorException(400, "REPLY_MESSAGE_ID_INVALID");
                }

                post = AddPostLocked(channel, userId, text, kept, replyToId, null);
                if (!channel.SentRandomIds.TryGetValue(userId, out sent))
                {
                    channel.SentRandomIds[userId] = sent = [];
                }

                sent[randomId] = post.Id;
                DeliverPostLocked(channel, post, context.Session, push);
            }

            result = ChannelUpdates(channel, userId, new UpdateMessageID { Id = post.Id, RandomId = randomId }, [userId],
                new UpdateNewChannelMessage { Message = ChannelTl.Message(channel, post, userId), Pts = post.Pts, PtsCount = 1 });
        }

        Flush(push);
        MarkDirty();
        return result;
    }

    internal UpdatesBase EditChannelMessage(RpcContext context, long userId, InputPeerChannel peer, int id, string? text, IReadOnlyList<MessageEntityBase>? entities)
    {
        ValidateText(text);
        var kept = KeepEntities(text!, entities);
        var channel = ChannelFor(new InputChannel { ChannelId = peer.ChannelId, AccessHash = peer.AccessHash });
        var push = new List<ServerSession>();
        UpdatesBase result;
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            var post = FindPost(channel, id) is { Action: null } found ? found : throw new RpcErrorException(400, "MESSAGE_ID_INVALID");
            if (post.FromId != userId)
            {
                throw new RpcErrorException(403, "MESSAGE_AUTHOR_REQUIRED");
            }

            if (post.Text == text && SameEntities(post.Entities, kept))
            {
                throw new RpcErrorException(400, "MESSAGE_NOT_MODIFIED");
            }

            var date = UnixNow;
            post.Text = text!;
            post.Entities = kept;
            post.EditDate = date;
            var edit = AppendChannelEventLocked(channel, new ChannelEvent { Kind = ChannelEventKind.EditMessage, PtsCount = 1, Date = date, MessageIds = [post.Id] });
            DeliverLocked(channel, viewer => new UpdateEditChannelMessage { Message = ChannelTl.Message(channel, post, viewer), Pts = edit.Pts, PtsCount = 1 },
                SendersOf(post), ViewKey(channel, post), edit, context.Session, push);
            result = ChannelUpdates(channel, userId, new UpdateEditChannelMessage { Message = ChannelTl.Message(channel, post, userId), Pts = edit.Pts, PtsCount = 1 }, SendersOf(post));
        }

        Flush(push);
        MarkDirty();
        return result;
    }

    /// <summary>channels.deleteMessages: own messages, or any as an admin (MESSAGE_DELETE_FORBIDDEN otherwise).</summary>
    internal Tl.Api.Messages.AffectedMessages DeleteChannelMessages(RpcContext context, long userId, InputChannelBase input, IReadOnlyList<int> ids)
    {
        var channel = ChannelFor(input);
        var push = new List<ServerSession>();
        Tl.Api.Messages.AffectedMessages result;
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            var found = ids.Distinct().Select(id => FindPost(channel, id)).OfType<ChannelPost>().ToList();
            if (found.Any(p => p.FromId != userId) && !channel.IsAdmin(userId))
            {
                throw new RpcErrorException(403, "MESSAGE_DELETE_FORBIDDEN");
            }

            if (found.Count == 0)
            {
                return new Tl.Api.Messages.AffectedMessages { Pts = channel.Pts, PtsCount = 0 };
            }

            var removed = found.ToHashSet();
            channel.Messages.RemoveAll(removed.Contains);
            var deletedIds = found.Select(p => p.Id).Order().ToArray();
            var deleted = AppendChannelEventLocked(channel, new ChannelEvent { Kind = ChannelEventKind.DeleteMessages, PtsCount = deletedIds.Length, Date = UnixNow, MessageIds = deletedIds });
            DeliverLocked(channel, _ => new UpdateDeleteChannelMessages { ChannelId = channel.Id, Messages = deletedIds, Pts = deleted.Pts, PtsCount = deleted.PtsCount },
                [], static _ => 0, deleted, context.Session, push);
            result = new Tl.Api.Messages.AffectedMessages { Pts = deleted.Pts, PtsCount = deleted.PtsCount };
        }

        Flush(push);
        MarkDirty();
        return result;
    }

    /// <summary>channels.readHistory: the reader's other sessions get updateReadChannelInbox, the authors of the
    /// messages read updateReadChannelOutbox.</summary>
    internal bool ReadChannelHistory(RpcContext context, long userId, InputChannelBase input, int maxId)
    {
        var channel = ChannelFor(input);
        var push = new List<ServerSession>();
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            var top = channel.Messages.Count == 0 ? 0 : channel.Messages[^1].Id;
            var readUpTo = maxId <= 0 ? top : Math.Min(maxId, top);
            var previous = channel.ReadInboxMaxId.GetValueOrDefault(userId);
            if (readUpTo <= previous)
            {
                return true;
            }

            channel.ReadInboxMaxId[userId] = readUpTo;
            var stillUnread = channel.Messages.Count(m => m.Id > readUpTo && m.FromId != userId);
            PushToUserLocked(userId, _ => ChannelUpdates(channel, userId, new UpdateReadChannelInbox { ChannelId = channel.Id, MaxId = readUpTo, StillUnreadCount = stillUnread, Pts = channel.Pts }, []), context.Session, push);
            var authors = channel.Messages.Where(m => m.Id > previous && m.Id <= readUpTo && m.FromId != userId && m.Action is null).Select(m => m.FromId).ToHashSet();
            foreach (var author in authors.Where(channel.MemberIds.Contains))
            {
                PushToUserLocked(author, _ => ChannelUpdates(channel, author, new UpdateReadChannelOutbox { ChannelId = channel.Id, MaxId = readUpTo }, []), origin: null, push);
            }
        }

        Flush(push);
        MarkDirty();
        return true;
    }

    /// <summary>
    /// updates.getChannelDifference from the client's pts: channelDifferenceTooLong when forced or further behind
    /// than <see cref="WorldOptions.ChannelDifferenceTooLongAfter"/>; channelDifferenceEmpty when up to date; otherwise
    /// at most <paramref name="limit"/> (1–100) events, final only at the end. A pts of 0 or less is
    /// PERSISTENT_TIMESTAMP_EMPTY, one beyond the channel's PERSISTENT_TIMESTAMP_INVALID. The call also lets this
    /// session's pushes of the channel flow again after an updateChannelTooLong.
    /// </summary>
    internal Tl.Api.Updates.ChannelDifferenceBase GetChannelDifference(RpcContext context, long userId, InputChannelBase input, int pts, int limit, bool force)
    {
        var channel = ChannelFor(input);
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, userId);
            if (pts <= 0)
            {
                throw new RpcErrorException(400, "PERSISTENT_TIMESTAMP_EMPTY");
            }

            if (pts > channel.Pts)
            {
                throw new RpcErrorException(400, "PERSISTENT_TIMESTAMP_INVALID");
            }

            context.Session.ResumeChannel(channel.Id);
            var size = Math.Clamp(limit, 1, 100);
            if (channel.DifferenceTooLongPending.Remove(userId) || channel.Pts - pts > Math.Max(1, _options.ChannelDifferenceTooLongAfter))
            {
                return ChannelTooLongLocked(channel, userId, size);
            }

            if (pts == channel.Pts)
            {
                return new Tl.Api.Updates.ChannelDifferenceEmpty { Final = true, Pts = channel.Pts, Timeout = ChannelDifferenceTimeout };
            }

            var first = FirstEventAfter(channel.Events, static e => e.Pts, pts);
            var events = channel.Events.GetRange(first, Math.Min(size, channel.Events.Count - first));
            var messages = new List<MessageBase>();
            var updates = new List<UpdateBase>();
            var senders = new HashSet<long>();
            foreach (var channelEvent in events)
            {
                switch (channelEvent.Kind)
                {
                    case ChannelEventKind.NewMessage when FindPost(channel, channelEvent.MessageIds[0]) is { } post:
                        messages.Add(ChannelTl.Message(channel, post, userId));
                        NoteSenders(post, senders);
                        break;
                    case ChannelEventKind.EditMessage when FindPost(channel, channelEvent.MessageIds[0]) is { } edited:
                        updates.Add(new UpdateEditChannelMessage { Message = ChannelTl.Message(channel, edited, userId), Pts = channelEvent.Pts, PtsCount = channelEvent.PtsCount });
                        NoteSenders(edited, senders);
                        break;
                    case ChannelEventKind.DeleteMessages:
                        updates.Add(new UpdateDeleteChannelMessages { ChannelId = channel.Id, Messages = channelEvent.MessageIds, Pts = channelEvent.Pts, PtsCount = channelEvent.PtsCount });
                        break;
                    default:
                        break; // created and since deleted: its deletion follows
                }
            }

            var reached = events[^1].Pts;
            var final = reached == channel.Pts;
            return new Tl.Api.Updates.ChannelDifference
            {
                Final = final,
                Pts = reached,
                Timeout = final ? ChannelDifferenceTimeout : null,
                NewMessages = messages,
                OtherUpdates = updates,
                Chats = [ChannelTl.Channel(channel, userId)],
                Users = UsersLocked(senders.Append(userId), userId),
            };
        }
    }

    /// <summary>getDialogs: the dialogs of the channels the user is in (with pts), their top messages, chats and senders.</summary>
    internal void AddChannelDialogs(long userId, List<DialogBase> dialogs, List<MessageBase> messages, List<ChatBase> chats, HashSet<long> users)
    {
        if (!_channelsByUser.TryGetValue(userId, out var mine))
        {
            return;
        }

        foreach (var channelId in mine.Keys)
        {
            if (!_channels.TryGetValue(channelId, out var channel))
            {
                continue;
            }

            lock (channel.Gate)
            {
                if (!channel.MemberIds.Contains(userId) || channel.Messages.Count == 0)
                {
                    continue;
                }

                var top = channel.Messages[^1];
                dialogs.Add(ChannelTl.Dialog(channel, userId));
                messages.Add(ChannelTl.Message(channel, top, userId));
                chats.Add(ChannelTl.Channel(channel, userId));
                NoteSenders(top, users);
            }
        }
    }

    /// <summary>A channel as <paramref name="viewerId"/> sees it, or null (for chat lists built under a user's Gate).</summary>
    private ChatBase? ChannelView(long channelId, long viewerId)
    {
        if (!_channels.TryGetValue(channelId, out var channel))
        {
            return null;
        }

        lock (channel.Gate)
        {
            return ChannelTl.Channel(channel, viewerId);
        }
    }

    /// <summary>inputPeerChannel of a channel the user is in (for peers inside other calls), or null.</summary>
    private WorldChannel? TryChannelOfMember(long userId, long channelId, long accessHash)
    {
        if (!_channels.TryGetValue(channelId, out var channel) || channel.AccessHash != accessHash)
        {
            return null;
        }

        lock (channel.Gate)
        {
            return channel.MemberIds.Contains(userId) ? channel : null;
        }
    }

    /// <summary>inputPeerUserFromMessage: the author of a message of a channel the caller is in.</summary>
    private WorldUser? TryUserFromMessage(long selfId, InputPeerBase peer, int messageId, long userId)
    {
        if (peer is not InputPeerChannel inputChannel || TryChannelOfMember(selfId, inputChannel.ChannelId, inputChannel.AccessHash) is not { } channel)
        {
            return null;
        }

        lock (channel.Gate)
        {
            return FindPost(channel, messageId) is { } post && (post.FromId == userId || post.ActionUserIds.Contains(userId)) && _usersById.TryGetValue(userId, out var user) ? user : null;
        }
    }

    private UpdatesConstructor InviteCore(WorldChannel channel, long inviterId, List<WorldUser> users, ServerSession? origin)
    {
        var push = new List<ServerSession>();
        UpdatesConstructor result;
        lock (channel.Gate)
        {
            RequireMemberLocked(channel, inviterId);
            if (!channel.Megagroup && !channel.IsAdmin(inviterId))
            {
                throw new RpcErrorException(400, "CHAT_ADMIN_REQUIRED");
            }

            var added = users.Where(u => !channel.MemberIds.Contains(u.Id)).DistinctBy(u => u.Id).ToList();
            if (channel.MemberIds.Count + added.Count > MaxChannelMembers)
            {
                throw new RpcErrorException(400, "USERS_TOO_MUCH");
            }

            foreach (var user in added)
            {
                AddMemberLocked(channel, user.Id);
                PushToUserLocked(user.Id, _ => ChannelUpdates(channel, user.Id, new UpdateChannel { ChannelId = channel.Id }, []), origin: null, push);
            }

            UpdateBase? service = null;
            if (channel.Megagroup && added.Count > 0)
            {
                var post = AddPostLocked(channel, inviterId, string.Empty, [], null, "chatAddUser");
                post.ActionUserIds = added.Select(u => u.Id).ToList();
                DeliverPostLocked(channel, post, origin, push);
                service = new UpdateNewChannelMessage { Message = ChannelTl.Message(channel, post, inviterId), Pts = post.Pts, PtsCount = 1 };
            }

            result = ChannelUpdates(channel, inviterId, new UpdateChannel { ChannelId = channel.Id }, [inviterId, .. added.Select(u => u.Id)], service);
        }

        Flush(push);
        MarkDirty();
        return result;
    }

    private WorldChannel NewChannel(string title, bool megagroup, long creatorId)
    {
        var channel = new WorldChannel { Title = title, Megagroup = megagroup, CreatorId = creatorId, Date = UnixNow, AccessHash = RandomLong() };
        do
        {
            // Positive, in the range of today's channel ids (GramJS shows them as -100…), below 2^53.
            channel.Id = 1_000_000_000L + RandomNumberGenerator.GetInt32(1, int.MaxValue);
        }
        while (_chats.ContainsKey(channel.Id) || !_channels.TryAdd(channel.Id, channel));

        return channel;
    }

    private void AddMemberLocked(WorldChannel channel, long userId)
    {
        channel.MemberIds.Add(userId);
        _channelsByUser.GetOrAdd(userId, static _ => new ConcurrentDictionary<long, byte>()).TryAdd(channel.Id, 0);
    }

    private ChannelPost AddPostLocked(WorldChannel channel, long fromId, string text, List<WorldEntity> entities, int? replyToId, string? action)
    {
        var date = UnixNow;
        var post = new ChannelPost { Id = channel.NextMessageId++, FromId = fromId, Text = text, Entities = entities, ReplyToId = replyToId, Date = date, Action = action, StoredAt = Time.GetUtcNow() };
        post.Pts = AppendChannelEventLocked(channel, new ChannelEvent { Kind = ChannelEventKind.NewMessage, PtsCount = 1, Date = date, MessageIds = [post.Id] }).Pts;
        channel.Messages.Add(post);
        return post;
    }

    private static ChannelEvent AppendChannelEventLocked(WorldChannel channel, ChannelEvent channelEvent)
    {
        channel.Pts += channelEvent.PtsCount;
        channelEvent.Pts = channel.Pts;
        channel.Events.Add(channelEvent);
        return channelEvent;
    }

    private void DeliverPostLocked(WorldChannel channel, ChannelPost post, ServerSession? origin, List<ServerSession> push)
    {
        var newEvent = channel.Events[^1];
        DeliverLocked(channel, viewer => new UpdateNewChannelMessage { Message = ChannelTl.Message(channel, post, viewer), Pts = post.Pts, PtsCount = 1 },
            SendersOf(post), ViewKey(channel, post), newEvent, origin, push);
    }

    /// <summary>
    /// Queues a pts update of the channel for every live session of every member (but <paramref name="origin"/>),
    /// each through <see cref="ServerSession.EnqueueChannelPush"/>: a session too far behind gets one
    /// updateChannelTooLong{pts before this event} instead. Members who see the update alike share one serialization
    /// (<paramref name="viewKey"/>: 0 for an ordinary member).
    /// </summary>
    private void DeliverLocked(WorldChannel channel, Func<long, UpdateBase> updateFor, IReadOnlyList<long> userIds, Func<long, long> viewKey, ChannelEvent channelEvent, ServerSession? origin, List<ServerSession> push)
    {
        var bodies = new Dictionary<long, byte[]>();
        byte[]? tooLong = null;
        var limit = Math.Max(1, _options.ChannelPendingUpdatesLimit);
        foreach (var member in channel.MemberIds)
        {
            if (!_keysByUser.TryGetValue(member, out var keys))
            {
                continue;
            }

            foreach (var key in keys.Keys)
            {
                foreach (var session in key.Sessions.Values)
                {
                    if (session == origin || session.Connection is null)
                    {
                        continue;
                    }

                    var view = viewKey(member);
                    if (!bodies.TryGetValue(view, out var body))
                    {
                        bodies[view] = body = TlSerializer.ToArray(ChannelUpdates(channel, member, updateFor(member), userIds));
                    }

                    var before = channelEvent.Pts - channelEvent.PtsCount;
                    if (session.EnqueueChannelPush(channel.Id, body, limit, () => tooLong ??= TlSerializer.ToArray(ChannelUpdates(channel, 0, new UpdateChannelTooLong { ChannelId = channel.Id, Pts = before }, []))))
                    {
                        push.Add(session);
                    }
                }
            }
        }
    }

    /// <summary>Queues a non-pts update (updateChannel, reads) for every live session of the user but <paramref name="origin"/>.</summary>
    private void PushToUserLocked(long userId, Func<long, UpdatesBase> updatesFor, ServerSession? origin, List<ServerSession> push)
    {
        if (!_keysByUser.TryGetValue(userId, out var keys))
        {
            return;
        }

        byte[]? body = null;
        foreach (var key in keys.Keys)
        {
            foreach (var session in key.Sessions.Values)
            {
                if (session == origin || session.Connection is null)
                {
                    continue;
                }

                body ??= TlSerializer.ToArray(updatesFor(userId));
                session.Enqueue(new OutgoingMessage(body, ContentRelated: true, IsResponse: false, IsUpdate: true));
                push.Add(session);
            }
        }
    }

    /// <summary>An <c>updates</c> envelope (seq 0: channel updates are outside the account's seq) with the channel and users.</summary>
    private UpdatesConstructor ChannelUpdates(WorldChannel channel, long viewerId, UpdateBase update, IEnumerable<long> userIds, UpdateBase? second = null)
        => new()
        {
            Updates = second is null ? [update] : [update, second],
            Users = UsersLocked(userIds, viewerId),
            Chats = [ChannelTl.Channel(channel, viewerId)],
            Date = UnixNow,
            Seq = 0,
        };

    private Tl.Api.Messages.ChannelMessages ChannelMessagesLocked(WorldChannel channel, long userId, List<MessageBase> messages, HashSet<long> senders, int count)
        => new()
        {
            Pts = channel.Pts,
            Count = count,
            Messages = messages,
            Topics = [],
            Chats = [ChannelTl.Channel(channel, userId)],
            Users = UsersLocked(senders.Append(userId), userId),
        };

    private Tl.Api.Updates.ChannelDifferenceTooLong ChannelTooLongLocked(WorldChannel channel, long userId, int size)
    {
        var latest = channel.Messages.Skip(Math.Max(0, channel.Messages.Count - size)).Reverse().ToList();
        var senders = new HashSet<long>();
        foreach (var post in latest)
        {
            NoteSenders(post, senders);
        }

        return new Tl.Api.Updates.ChannelDifferenceTooLong
        {
            Final = true,
            Timeout = ChannelDifferenceTimeout,
            Dialog = ChannelTl.Dialog(channel, userId),
            Messages = latest.Select(p => ChannelTl.Message(channel, p, userId)).ToArray(),
            Chats = [ChannelTl.Channel(channel, userId)],
            Users = UsersLocked(senders.Append(userId), userId),
        };
    }

    /// <summary>inputChannel with the right access hash (CHANNEL_INVALID otherwise); membership is checked under the Gate.</summary>
    private WorldChannel ChannelFor(InputChannelBase input) => input switch
    {
        InputChannel c when _channels.TryGetValue(c.ChannelId, out var channel) && channel.AccessHash == c.AccessHash => channel,
        _ => throw new RpcErrorException(400, "CHANNEL_INVALID"),
    };

    private static void RequireMemberLocked(WorldChannel channel, long userId)
    {
        if (!channel.MemberIds.Contains(userId))
        {
            throw new RpcErrorException(400, "CHANNEL_PRIVATE");
        }
    }

    private WorldChannel ChannelOrThrow(long channelId)
        => _channels.TryGetValue(channelId, out var channel) ? channel : throw new EmulatorWorldException(EmulatorWorldError.NotFound, $"no supergroup or channel {channelId}.");

    private static ChannelPost? FindPost(WorldChannel channel, int id)
    {
        int low = 0, high = channel.Messages.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var current = channel.Messages[middle].Id;
            if (current == id)
            {
                return channel.Messages[middle];
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

    private static int FirstPostAtOrAbove(List<ChannelPost> posts, int id)
    {
        int low = 0, high = posts.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (posts[middle].Id < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static int NewestPostBefore(List<ChannelPost> posts, int date)
    {
        for (var position = 0; position < posts.Count; position++)
        {
            if (posts[posts.Count - 1 - position].Date < date)
            {
                return position;
            }
        }

        return posts.Count;
    }

    private static void NoteSenders(ChannelPost post, HashSet<long> senders)
    {
        senders.Add(post.FromId);
        senders.UnionWith(post.ActionUserIds);
    }

    private static long[] SendersOf(ChannelPost post) => [post.FromId, .. post.ActionUserIds];

    /// <summary>Viewers who see a post differently (its author: out, self; admins: admin rights) get their own serialization.</summary>
    private static Func<long, long> ViewKey(WorldChannel channel, ChannelPost post)
        => viewer => viewer == post.FromId || post.ActionUserIds.Contains(viewer) || channel.IsAdmin(viewer) ? viewer : 0;

    private static void CheckTitle(string title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > 128)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "title is required (at most 128 characters).");
        }
    }

    private static EmulatorChat DescribeChannel(WorldChannel channel)
    {
        lock (channel.Gate)
        {
            return new EmulatorChat(channel.Id, channel.Megagroup ? "supergroup" : "channel", channel.Title, channel.CreatorId, channel.MemberIds.ToArray(),
                DateTimeOffset.FromUnixTimeSeconds(channel.Date), channel.AccessHash, channel.Pts, [channel.CreatorId, .. channel.AdminIds]);
        }
    }

    private static EmulatorChannelMessage DescribePost(WorldChannel channel, ChannelPost post) => new(
        channel.Id,
        post.Id,
        post.FromId,
        post.Text,
        DateTimeOffset.FromUnixTimeSeconds(post.Date),
        post.EditDate is { } edited ? DateTimeOffset.FromUnixTimeSeconds(edited) : null,
        post.Pts,
        post.Action,
        post.ReplyToId,
        post.StoredAt == default ? null : post.StoredAt);
}
