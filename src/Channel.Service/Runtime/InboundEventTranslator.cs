using Channel.Contracts;
using Channel.Domain.Accounts;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.UpdateHandling;
using TlApi = Channel.MTProto.Tl.Api;

namespace Channel.Service.Runtime;

/// <summary>
/// Turns the client's <see cref="InboundEvent"/>s of one batch into bus contracts: names and phones from the users
/// the batch came with (or the account's peer cache), forwarded-from from the raw message, one EventId per fact.
/// Our own account's messages typed elsewhere become <see cref="MessageSentFromOtherDevice"/>, never inbound.
/// </summary>
internal sealed class InboundEventTranslator(TelegramAccountId accountId, long helpdeskAccountId, Func<PeerId, CachedPeer?> peers, TimeProvider time)
{
    public List<PendingEvent> Translate(UpdateBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var users = new Dictionary<long, TlApi.User>();
        foreach (var user in batch.Users)
        {
            if (user is TlApi.User full)
            {
                users[full.Id] = full;
            }
        }

        var raw = RawMessages(batch);
        var receivedAt = time.GetUtcNow();
        var pending = new List<PendingEvent>(batch.Events.Count);
        foreach (var evt in batch.Events)
        {
            switch (evt)
            {
                case NewMessage { Message: var message }:
                    pending.Add(NewMessageEvent(message, users, raw, receivedAt));
                    break;
                case MessageEdited { Message: var message }:
                    pending.Add(EditEvent(message, users, receivedAt));
                    break;
                case MessagesDeleted deleted:
                    pending.Add(DeletionEvent(deleted, receivedAt));
                    break;
                case OutboxRead read:
                    pending.Add(ReadEvent(read, receivedAt));
                    break;
            }
        }

        return pending;
    }

    private PendingEvent NewMessageEvent(InboundMessage message, Dictionary<long, TlApi.User> users, Dictionary<(PeerId, int), TlApi.Message> raw, DateTimeOffset receivedAt)
    {
        var chat = ChatOf(message);
        var id = EventIds.ForMessage(accountId, chat.Kind, chat.Id, message.MessageId);
        var sender = SenderOf(message, users);
        var entities = Entities(message.Entities);
        var forwarded = raw.TryGetValue((message.Chat, message.MessageId), out var tl) ? ForwardOf(tl.FwdFrom) : null;
        var media = MediaOf(message.Media, chat, message.MessageId);
        if (message.Outgoing)
        {
            var own = new OwnMessage(chat.Id, message.MessageId, Outbound.OutboundIdentities.TextHash(message.Text));
            return PendingEvent.Of(id, sequence => new MessageSentFromOtherDevice
            {
                EventId = id,
                AccountId = accountId.Value,
                HelpdeskAccountId = helpdeskAccountId,
                Sequence = sequence,
                Chat = chat,
                TelegramMessageId = message.MessageId,
                Text = message.Text,
                Entities = entities,
                ReplyToMessageId = message.ReplyToMessageId,
                ForwardedFrom = forwarded,
                Media = media,
                SentAt = message.Date,
                ReceivedAt = receivedAt,
            }).OutgoingAs(own);
        }

        return PendingEvent.Of(id, sequence => new InboundMessageReceived
        {
            EventId = id,
            AccountId = accountId.Value,
            HelpdeskAccountId = helpdeskAccountId,
            Sequence = sequence,
            Chat = chat,
            Sender = sender,
            TelegramMessageId = message.MessageId,
            Text = message.Text,
            Entities = entities,
            ReplyToMessageId = message.ReplyToMessageId,
            ForwardedFrom = forwarded,
            Media = media,
            SentAt = message.Date,
            ReceivedAt = receivedAt,
        });
    }

    private PendingEvent EditEvent(InboundMessage message, Dictionary<long, TlApi.User> users, DateTimeOffset receivedAt)
    {
        var chat = ChatOf(message);
        var editedAt = message.EditDate ?? message.Date;
        var id = EventIds.ForEdit(accountId, chat.Kind, chat.Id, message.MessageId, editedAt.ToUnixTimeSeconds());
        var entities = Entities(message.Entities);
        var sender = SenderOf(message, users);
        var media = MediaOf(message.Media, chat, message.MessageId);
        return PendingEvent.Of(id, sequence => new InboundMessageEdited
        {
            EventId = id,
            AccountId = accountId.Value,
            HelpdeskAccountId = helpdeskAccountId,
            Sequence = sequence,
            Chat = chat,
            Sender = sender,
            TelegramMessageId = message.MessageId,
            Text = message.Text,
            Entities = entities,
            Media = media,
            EditedAt = editedAt,
            ReceivedAt = receivedAt,
        });
    }

    private PendingEvent DeletionEvent(MessagesDeleted deleted, DateTimeOffset receivedAt)
    {
        var id = EventIds.ForDeletion(accountId, deleted.Channel?.Id, deleted.MessageIds);
        ChatRef? chat = deleted.Channel is { } channel ? ChatRefOf(channel, ChatKind.Group) : null;
        var ids = deleted.MessageIds.ToArray();
        return PendingEvent.Of(id, sequence => new InboundMessagesDeleted
        {
            EventId = id,
            AccountId = accountId.Value,
            HelpdeskAccountId = helpdeskAccountId,
            Sequence = sequence,
            Chat = chat,
            TelegramMessageIds = ids,
            ReceivedAt = receivedAt,
        });
    }

    private PendingEvent ReadEvent(OutboxRead read, DateTimeOffset receivedAt)
    {
        var chat = ChatRefOf(read.Chat, read.Chat.Kind == PeerKind.User ? ChatKind.Private : ChatKind.Group);
        var id = EventIds.ForRead(accountId, chat.Kind, chat.Id, read.MaxId);
        return PendingEvent.Of(id, sequence => new OutboundMessagesRead
        {
            EventId = id,
            AccountId = accountId.Value,
            HelpdeskAccountId = helpdeskAccountId,
            Sequence = sequence,
            Chat = chat,
            MaxMessageId = read.MaxId,
            ReadAt = receivedAt,
        });
    }

    private ChatRef ChatOf(InboundMessage message) => ChatRefOf(message.Chat, message.ChatKind, message.ChatTitle);

    private ChatRef ChatRefOf(PeerId peer, ChatKind kind, string? title = null) => new()
    {
        Kind = Outbound.PeerResolver.ChatKindOf(peer, kind == ChatKind.Channel || peers(peer)?.IsBroadcast == true),
        Id = peer.Id,
        Title = title ?? peers(peer)?.DisplayName,
    };

    private SenderRef? SenderOf(InboundMessage message, Dictionary<long, TlApi.User> users)
    {
        // A channel post, or an anonymous group admin: the chat speaks, there is no user to name.
        if (message.Sender is not { Kind: PeerKind.User } sender)
        {
            return null;
        }

        if (users.TryGetValue(sender.Id, out var user))
        {
            return new SenderRef
            {
                UserId = user.Id,
                Username = user.Username,
                FirstName = user.FirstName,
                LastName = user.LastName,
                Phone = string.IsNullOrEmpty(user.Phone) ? null : user.Phone,
            };
        }

        // Short updates carry no users: what the account already knows of the sender.
        var cached = peers(sender);
        return new SenderRef
        {
            UserId = sender.Id,
            Username = message.SenderUsername ?? cached?.Username,
            FirstName = message.SenderName ?? cached?.DisplayName,
            Phone = cached?.Phone,
        };
    }

    private static ForwardRef? ForwardOf(TlApi.MessageFwdHeaderBase? header) => header switch
    {
        TlApi.MessageFwdHeader fwd => new ForwardRef
        {
            UserId = fwd.FromId is TlApi.PeerUser user ? user.UserId : null,
            ChatId = fwd.FromId switch
            {
                TlApi.PeerChat chat => chat.ChatId,
                TlApi.PeerChannel channel => channel.ChannelId,
                _ => null,
            },
            Name = fwd.FromName,
            Date = DateTimeOffset.FromUnixTimeSeconds(fwd.Date),
        },
        _ => null,
    };

    private static MediaRef? MediaOf(MediaDescriptor? media, ChatRef chat, int messageId) => media is null ? null : new MediaRef
    {
        Kind = Media.MediaKinds.Of(media.Kind),
        MediaId = Media.MediaKinds.HasFile(media.Kind) ? Media.MediaIds.For(chat.Kind, chat.Id, messageId) : null,
        FileName = media.FileName,
        MimeType = media.MimeType,
        Size = media.Size,
    };

    private static Dictionary<(PeerId, int), TlApi.Message> RawMessages(UpdateBatch batch)
    {
        var raw = new Dictionary<(PeerId, int), TlApi.Message>();
        foreach (var update in batch.Updates)
        {
            var message = update switch
            {
                TlApi.UpdateNewMessage { Message: TlApi.Message m } => m,
                TlApi.UpdateNewChannelMessage { Message: TlApi.Message m } => m,
                _ => null,
            };
            if (message is not null)
            {
                raw[(PeerId.From(message.PeerId), message.Id)] = message;
            }
        }

        return raw;
    }

    private static IReadOnlyList<Contracts.MessageEntity> Entities(IReadOnlyList<TlApi.MessageEntityBase> entities) =>
        entities.Count == 0 ? [] : [.. entities.Select(MessageEntities.ToContract).OfType<Contracts.MessageEntity>()];
}
