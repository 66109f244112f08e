using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>Read-only calls: users, contacts, update state and difference, dialogs, history.</summary>
public sealed partial class EmulatorWorld
{
    internal Tl.Api.Updates.State GetState(long userId)
    {
        var user = _usersById[userId];
        lock (user.Gate)
        {
            return new Tl.Api.Updates.State { Pts = user.Pts, Qts = 0, Date = UnixNow, Seq = user.Seq, UnreadCount = UnreadCountLocked(user) };
        }
    }

    /// <summary>
    /// updates.getDifference from the client's pts: differenceTooLong when forced (<see cref="ForceDifferenceTooLong"/>)
    /// or when the gap exceeds pts_total_limit; differenceEmpty when up to date; otherwise the events after pts (new
    /// messages as messages, the rest as updates), at most <see cref="WorldOptions.DifferenceSliceSize"/> events per
    /// answer (differenceSlice with the state reached). qts is always 0: no secret chats or bots.
    /// </summary>
    internal Tl.Api.Updates.DifferenceBase GetDifference(long userId, int pts, int? ptsTotalLimit)
    {
        var user = _usersById[userId];
        lock (user.Gate)
        {
            if (user.DifferenceTooLongPending)
            {
                user.DifferenceTooLongPending = false;
                return new Tl.Api.Updates.DifferenceTooLong { Pts = user.Pts };
            }

            if (pts >= user.Pts)
            {
                return new Tl.Api.Updates.DifferenceEmpty { Date = UnixNow, Seq = user.Seq };
            }

            if (ptsTotalLimit is { } limit && limit > 0 && user.Pts - pts > limit)
            {
                return new Tl.Api.Updates.DifferenceTooLong { Pts = user.Pts };
            }

            var first = FirstEventAfter(user.Events, static e => e.Pts, pts);
            var count = Math.Min(user.Events.Count - first, Math.Max(1, _options.DifferenceSliceSize));
            var events = user.Events.GetRange(first, count);
            var messages = new List<MessageBase>();
            var updates = new List<UpdateBase>();
            var peers = new HashSet<long> { user.Id };
            var chats = new HashSet<long>();
            foreach (var ptsEvent in events)
            {
                switch (ptsEvent.Kind)
                {
                    case PtsEventKind.NewMessage when FindMessage(user, ptsEvent.MessageIds[0]) is { } message:
                        messages.Add(WorldTl.Message(message));
                        NotePeers(message, peers, chats);
                        break;
                    case PtsEventKind.EditMessage when FindMessage(user, ptsEvent.MessageIds[0]) is { } edited:
                        updates.Add(new UpdateEditMessage { Message = WorldTl.Message(edited), Pts = ptsEvent.Pts, PtsCount = ptsEvent.PtsCount });
                        NotePeers(edited, peers, chats);
                        break;
                    case PtsEventKind.DeleteMessages:
                        updates.Add(new UpdateDeleteMessages { Messages = ptsEvent.MessageIds, Pts = ptsEvent.Pts, PtsCount = ptsEvent.PtsCount });
                        break;
                    case PtsEventKind.ReadInbox:
                        updates.Add(ReadInboxUpdate(user, ptsEvent));
                        NotePeerKey(ptsEvent.PeerId, peers, chats);
                        break;
                    case PtsEventKind.ReadOutbox:
                        updates.Add(ReadOutboxUpdate(ptsEvent));
                        NotePeerKey(ptsEvent.PeerId, peers, chats);
                        break;
                    default:
                        break; // a message created and since deleted: its deletion follows in the difference
                }
            }

            var users = UsersLocked(peers, user.Id);
            var chatList = ChatsFor(chats, user.Id);
            if (first + count < user.Events.Count)
            {
                var reached = events[^1];
                return new Tl.Api.Updates.DifferenceSlice
                {
                    NewMessages = messages,
                    NewEncryptedMessages = [],
                    OtherUpdates = updates,
                    Chats = chatList,
                    Users = users,
                    IntermediateState = new Tl.Api.Updates.State { Pts = reached.Pts, Qts = 0, Date = reached.Date, Seq = user.Seq, UnreadCount = UnreadCountLocked(user) },
                };
            }

            return new Tl.Api.Updates.Difference
            {
                NewMessages = messages,
                NewEncryptedMessages = [],
                OtherUpdates = updates,
                Chats = chatList,
                Users = users,
                State = new Tl.Api.Updates.State { Pts = user.Pts, Qts = 0, Date = UnixNow, Seq = user.Seq, UnreadCount = UnreadCountLocked(user) },
            };
        }
    }

    /// <summary>Events (a user's or a channel's) are in pts order: a binary search for the first one after <paramref name="pts"/>.</summary>
    private static int FirstEventAfter<TEvent>(List<TEvent> events, Func<TEvent, int> ptsOf, int pts)
    {
        int low = 0, high = events.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (ptsOf(events[middle]) > pts)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private static void NotePeers(BoxMessage message, HashSet<long> peers, HashSet<long> chats)
    {
        peers.Add(message.FromId);
        if (message.MigratedToChannelId != 0)
        {
            chats.Add(message.MigratedToChannelId); // messageActionChatMigrateTo comes with its supergroup
        }

        NotePeerKey(message.PeerKey, peers, chats);
    }

    private static void NotePeerKey(long peerKey, HashSet<long> peers, HashSet<long> chats)
    {
        if (peerKey < 0)
        {
            chats.Add(-peerKey);
        }
        else
        {
            peers.Add(peerKey);
        }
    }

    private ChatBase[] ChatsFor(IEnumerable<long> chatIds, long viewerId)
        => chatIds.Distinct().Select(id => _chats.TryGetValue(id, out var chat) ? WorldTl.Chat(chat, viewerId) : ChannelView(id, viewerId)).OfType<ChatBase>().ToArray();

    /// <summary>users.getUsers: unknown users and wrong access hashes are left out, as Telegram does.</summary>
    internal List<UserBase> GetUsers(long userId, IReadOnlyList<InputUserBase> ids)
    {
        {
            var self = _usersById[userId];
            var users = new List<UserBase>(ids.Count);
            foreach (var id in ids)
            {
                if (TryResolveInputUserLocked(self, id) is { } user)
                {
                    users.Add(WorldTl.User(user, self.Id));
                }
            }

            return users;
        }
    }

    internal Tl.Api.Users.UserFull GetFullUser(long userId, InputUserBase id)
    {
        {
            var self = _usersById[userId];
            var user = TryResolveInputUserLocked(self, id) ?? throw new RpcErrorException(400, "USER_ID_INVALID");
            return new Tl.Api.Users.UserFull
            {
                FullUser = new UserFull { Id = user.Id, Settings = new PeerSettings(), NotifySettings = new PeerNotifySettings(), CommonChatsCount = 0 },
                Chats = [],
                Users = [WorldTl.User(user, self.Id)],
            };
        }
    }

    internal Tl.Api.Contacts.ResolvedPeer ResolveUsername(long userId, string username)
    {
        var name = username.TrimStart('@');
        if (!IsValidUsername(name))
        {
            throw new RpcErrorException(400, "USERNAME_INVALID");
        }

        {
            return _usersByUsername.TryGetValue(name, out var user) ? Resolved(user, userId) : throw new RpcErrorException(400, "USERNAME_NOT_OCCUPIED");
        }
    }

    internal Tl.Api.Contacts.ResolvedPeer ResolvePhone(long userId, string phone)
    {
        var digits = NormalizePhone(phone) ?? throw new RpcErrorException(400, "PHONE_NUMBER_INVALID");
        {
            return _usersByPhone.TryGetValue(digits, out var user) ? Resolved(user, userId) : throw new RpcErrorException(400, "PHONE_NOT_OCCUPIED");
        }
    }

    /// <summary>
    /// contacts.importContacts: every phone that has an account comes back in imported (with its client_id) and users
    /// (with the access hash); unknown phones are left out, as Telegram does. The emulator keeps no address book.
    /// </summary>
    internal Tl.Api.Contacts.ImportedContacts ImportContacts(long userId, IReadOnlyList<InputContactBase> contacts)
    {
        var imported = new List<ImportedContact>();
        var users = new List<User>();
        foreach (var contact in contacts.OfType<InputPhoneContact>())
        {
            if (NormalizePhone(contact.Phone) is { } digits && _usersByPhone.TryGetValue(digits, out var user))
            {
                imported.Add(new ImportedContact { UserId = user.Id, ClientId = contact.ClientId });
                users.Add(WorldTl.User(user, userId));
            }
        }

        return new Tl.Api.Contacts.ImportedContacts { Imported = imported, PopularInvites = [], RetryContacts = [], Users = users };
    }

    /// <summary>The emulator keeps no address books: a user's contacts are the users they have a chat with.</summary>
    internal Tl.Api.Contacts.ContactsConstructor GetContacts(long userId)
    {
        var self = _usersById[userId];
        lock (self.Gate)
        {
            var peers = self.Dialogs.Where(d => d.Key > 0 && d.Key != self.Id && d.Value.Messages.Count > 0).Select(d => d.Key).ToList();
            return new Tl.Api.Contacts.ContactsConstructor
            {
                Contacts = peers.Select(id => new Contact { UserId = id, Mutual = true }).ToArray(),
                SavedCount = 0,
                Users = UsersLocked(peers, self.Id),
            };
        }
    }

    /// <summary>
    /// messages.getDialogs: one dialog per private chat or group, ordered by top message (newest first), paged by
    /// offset_id (the top message of the last dialog seen) or, without it, offset_date.
    /// </summary>
    internal Tl.Api.Messages.DialogsBase GetDialogs(long userId, int offsetDate, int offsetId, int limit)
    {
        var self = _usersById[userId];
        lock (self.Gate)
        {
            // One entry per dialog: its top message (ids ascend) and unread count, from the dialog index.
            var unread = new Dictionary<long, int>();
            var all = new List<BoxMessage>(self.Dialogs.Count);
            foreach (var (peerKey, dialog) in self.Dialogs)
            {
                if (dialog.Messages.Count > 0)
                {
                    all.Add(dialog.Messages[^1]);
                    unread[peerKey] = dialog.UnreadAfter(self.ReadInboxMaxId.GetValueOrDefault(peerKey));
                }
            }

            all.Sort((a, b) => b.Id.CompareTo(a.Id));
            var page = all
                .Where(top => (offsetId <= 0 || top.Id < offsetId) && (offsetId > 0 || offsetDate <= 0 || top.Date < offsetDate))
                .Take(PageSize(limit))
                .ToList();
            var dialogs = page.Select(top => (DialogBase)new Dialog
            {
                Peer = WorldTl.Peer(top.PeerKey),
                TopMessage = top.Id,
                ReadInboxMaxId = self.ReadInboxMaxId.GetValueOrDefault(top.PeerKey),
                ReadOutboxMaxId = self.ReadOutboxMaxId.GetValueOrDefault(top.PeerKey),
                UnreadCount = unread.GetValueOrDefault(top.PeerKey),
                NotifySettings = new PeerNotifySettings(),
            }).ToArray();
            var messages = page.Select(m => (MessageBase)WorldTl.Message(m)).ToArray();
            var peers = new HashSet<long> { self.Id };
            var chats = new HashSet<long>();
            foreach (var top in page)
            {
                NotePeers(top, peers, chats);
            }

            // Channels (own ids and pts) all come on the first page, whatever the paging of the common dialogs.
            List<DialogBase> dialogList = [.. dialogs];
            List<MessageBase> messageList = [.. messages];
            List<ChatBase> chatList = [.. ChatsFor(chats, self.Id)];
            var channelCount = 0;
            if (offsetId <= 0 && offsetDate <= 0)
            {
                var before = dialogList.Count;
                AddChannelDialogs(self.Id, dialogList, messageList, chatList, peers);
                channelCount = dialogList.Count - before;
            }

            var users = UsersLocked(peers, self.Id);
            return page.Count == all.Count
                ? new Tl.Api.Messages.Dialogs { DialogsValue = dialogList, Messages = messageList, Chats = chatList, Users = users }
                : new Tl.Api.Messages.DialogsSlice { Count = all.Count + channelCount, Dialogs = dialogList, Messages = messageList, Chats = chatList, Users = users };
        }
    }

    /// <summary>
    /// messages.getHistory, newest first, as Telegram pages it: start below offset_id (or before offset_date), shift
    /// by add_offset (negative: newer messages), take limit, keep ids inside (min_id, max_id). Works for private chats
    /// and basic groups.
    /// </summary>
    internal Tl.Api.Messages.MessagesBase GetHistory(long userId, InputPeerBase peer, int offsetId, int offsetDate, int addOffset, int limit, int maxId, int minId)
    {
        var self = _usersById[userId];
        var target = ResolvePeer(self, peer);
        lock (self.Gate)
        {
            // The dialog ascends by id; "position" counts from the newest message (0) as the pages do.
            var chat = self.Dialogs.TryGetValue(target.Key, out var dialog) ? dialog.Messages : [];
            var count = chat.Count;
            var start = offsetId > 0 ? count - (dialog?.FirstAtOrAbove(offsetId) ?? 0)
                : offsetDate > 0 ? NewestBefore(chat, offsetDate)
                : 0;
            start = Math.Max(0, start + addOffset);
            var selected = new List<BoxMessage>();
            for (var position = start; position < count && position < start + PageSize(limit); position++)
            {
                var message = chat[count - 1 - position];
                if ((maxId <= 0 || message.Id < maxId) && (minId <= 0 || message.Id > minId))
                {
                    selected.Add(message);
                }
            }

            var page = selected.Select(m => (MessageBase)WorldTl.Message(m)).ToArray();
            var peers = new HashSet<long> { self.Id };
            var chats = new HashSet<long>();
            NotePeerKey(target.Key, peers, chats);
            foreach (var message in selected)
            {
                peers.Add(message.FromId);
            }

            var users = UsersLocked(peers, self.Id);
            var chatList = ChatsFor(chats, self.Id);
            return page.Length == count
                ? new Tl.Api.Messages.MessagesConstructor { Messages = page, Chats = chatList, Users = users }
                : new Tl.Api.Messages.MessagesSlice { Count = count, Messages = page, Chats = chatList, Users = users };
        }
    }

    /// <summary>The position (from the newest) of the newest message dated before <paramref name="date"/>, or the count.</summary>
    private static int NewestBefore(List<BoxMessage> chat, int date)
    {
        for (var position = 0; position < chat.Count; position++)
        {
            if (chat[chat.Count - 1 - position].Date < date)
            {
                return position;
            }
        }

        return chat.Count;
    }

    private static Tl.Api.Contacts.ResolvedPeer Resolved(WorldUser user, long viewerId)
        => new() { Peer = new PeerUser { UserId = user.Id }, Chats = [], Users = [WorldTl.User(user, viewerId)] };

    private WorldUser? TryResolveInputUserLocked(WorldUser self, InputUserBase id) => id switch
    {
        InputUserSelf => self,
        InputUser user when _usersById.TryGetValue(user.UserId, out var found) && found.AccessHash == user.AccessHash => found,
        InputUserFromMessage fromMessage => TryUserFromMessage(self.Id, fromMessage.Peer, fromMessage.MsgId, fromMessage.UserId),
        _ => null,
    };

    private User[] UsersLocked(IEnumerable<long> ids, long viewerId)
        => ids.Distinct().Where(_usersById.ContainsKey).Select(id => WorldTl.User(_usersById[id], viewerId)).ToArray();

    /// <summary>limit as Telegram treats it: at most 100, and 0 (or less) means the most.</summary>
    private static int PageSize(int limit) => limit is > 0 and < 100 ? limit : 100;

    private static int UnreadCountLocked(WorldUser user)
        => user.Dialogs.Sum(d => d.Value.UnreadAfter(user.ReadInboxMaxId.GetValueOrDefault(d.Key)));
}
