using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;

namespace Channel.MTProto.Tests.UserApi;

public sealed class InboundEventMapperTests
{
    [Fact]
    public void TryMap_ChannelPostWithDocument_ChannelMessageWithMedia()
    {
        var message = new Message
        {
            Id = 70,
            PeerId = new PeerChannel { ChannelId = 9 },
            Post = true,
            Date = 1_700_000_000,
            MessageValue = "report",
            ReplyTo = new MessageReplyHeader { ReplyToMsgId = 69 },
            Media = new MessageMediaDocument
            {
                Document = new Document { Id = 1, MimeType = "application/pdf", Size = 12345, DcId = 2, Attributes = [new DocumentAttributeFilename { FileName = "q3.pdf" }] },
            },
        };
        ChatBase[] chats = [new TlChannel { Id = 9, Title = "News", Photo = new ChatPhotoEmpty(), Broadcast = true }];

        Assert.True(InboundEventMapper.TryMap(new UpdateNewChannelMessage { Message = message }, [], chats, out var evt));

        var mapped = Assert.IsType<NewMessage>(evt).Message;
        Assert.Equal(new MessageKey(PeerId.Channel(9), 70), mapped.Key);
        Assert.Equal(ChatKind.Channel, mapped.ChatKind);
        Assert.Null(mapped.Sender);
        Assert.Equal("News", mapped.ChatTitle);
        Assert.Equal(69, mapped.ReplyToMessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), mapped.Date);
        Assert.Equal(new MediaDescriptor(MediaKind.Document, 12345, "q3.pdf", "application/pdf"), mapped.Media);
    }

    [Fact]
    public void TryMap_SupergroupMessageFromUser_GroupWithSender()
    {
        var message = new Message { Id = 5, PeerId = new PeerChannel { ChannelId = 9 }, FromId = new PeerUser { UserId = 3 }, MessageValue = "hi" };
        ChatBase[] chats = [new TlChannel { Id = 9, Title = "Support", Photo = new ChatPhotoEmpty(), Megagroup = true }];
        UserBase[] users = [new User { Id = 3, FirstName = "Kim" }];

        Assert.True(InboundEventMapper.TryMap(new UpdateEditChannelMessage { Message = message }, users, chats, out var evt));

        var mapped = Assert.IsType<MessageEdited>(evt).Message;
        Assert.Equal(ChatKind.Group, mapped.ChatKind);
        Assert.Equal(PeerId.User(3), mapped.Sender);
        Assert.Equal("Kim", mapped.SenderName);
    }

    [Theory]
    [InlineData(true, MediaKind.Voice)]
    [InlineData(false, MediaKind.Audio)]
    public void MapMedia_AudioDocument_VoiceOrAudio(bool voice, MediaKind expected)
    {
        var media = new MessageMediaDocument { Document = new Document { MimeType = "audio/ogg", Size = 10, Attributes = [new DocumentAttributeAudio { Voice = voice, Duration = 3 }] } };

        Assert.Equal(expected, InboundEventMapper.MapMedia(media)!.Kind);
    }

    [Fact]
    public void MapMedia_Photo_LargestSize()
    {
        var photo = new Photo { Sizes = [new PhotoSize { Type = "m", Size = 100 }, new PhotoSizeProgressive { Type = "y", Sizes = [10, 500, 900] }, new PhotoStrippedSize { Type = "i" }] };

        Assert.Equal(new MediaDescriptor(MediaKind.Photo, 900, null, "image/jpeg"), InboundEventMapper.MapMedia(new MessageMediaPhoto { Photo = photo }));
    }

    [Fact]
    public void TryMap_DeletionsAndReads_TypedEvents()
    {
        Assert.True(InboundEventMapper.TryMap(new UpdateDeleteMessages { Messages = [1, 2] }, [], [], out var deleted));
        Assert.True(InboundEventMapper.TryMap(new UpdateDeleteChannelMessages { ChannelId = 9, Messages = [3] }, [], [], out var channelDeleted));
        Assert.True(InboundEventMapper.TryMap(new UpdateReadHistoryOutbox { Peer = new PeerUser { UserId = 4 }, MaxId = 8 }, [], [], out var read));

        Assert.Equal([1, 2], Assert.IsType<MessagesDeleted>(deleted).MessageIds);
        Assert.Null(((MessagesDeleted)deleted).Channel);
        Assert.Equal(PeerId.Channel(9), Assert.IsType<MessagesDeleted>(channelDeleted).Channel);
        Assert.Equal(new OutboxRead(PeerId.User(4), 8), read);
    }

    [Fact]
    public void TryMap_OtherUpdates_False()
    {
        Assert.False(InboundEventMapper.TryMap(new UpdateUserTyping { UserId = 1, Action = new SendMessageTypingAction() }, [], [], out var evt));
        Assert.Null(evt);
        Assert.False(InboundEventMapper.TryMap(new UpdateNewMessage { Message = new MessageEmpty { Id = 1 } }, [], [], out _));
    }
}
