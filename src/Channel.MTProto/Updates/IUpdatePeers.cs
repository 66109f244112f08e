using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// What the updates engine needs from the peer cache: to learn every user and chat an update carries, to know
/// whether a short update names someone we can address (else the spec says fetch the difference), and the access
/// hash of a channel for getChannelDifference.
/// </summary>
internal interface IUpdatePeers
{
    void Apply(IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats);

    bool HasUser(long userId);

    bool HasChat(long chatId);

    bool TryGetChannelAccessHash(long channelId, out long accessHash);

    /// <summary>A channel message about to be delivered: its author may be a "min" peer reachable only through it.</summary>
    void NoteChannelMessage(MessageBase message)
    {
    }
}
