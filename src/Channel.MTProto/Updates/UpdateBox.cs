using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// One of Telegram's update sequences ("message boxes"): the common pts, the qts, or one channel's pts. The common
/// pts and the qts are both filled by updates.getDifference; a channel by updates.getChannelDifference.
/// </summary>
internal readonly record struct UpdateBox(long ChannelId)
{
    /// <summary>Private chats and basic groups.</summary>
    public static readonly UpdateBox Common = new(0);

    /// <summary>Secret chats and bot-only updates.</summary>
    public static readonly UpdateBox Secret = new(-1);

    public bool IsChannel => ChannelId > 0;

    public static UpdateBox Channel(long channelId) => new(channelId);

    public override string ToString() => ChannelId switch
    {
        0 => "common",
        -1 => "qts",
        _ => $"channel {ChannelId}",
    };
}

/// <summary>The sequence position an update claims: after it, <paramref name="Box"/> stands at <paramref name="Pts"/>.</summary>
internal readonly record struct PtsInfo(UpdateBox Box, int Pts, int Count)
{
    /// <summary>
    /// The sequence an update belongs to, or null for updates outside any sequence (typing, status, …). Updates
    /// with a pts but no pts_count (updateReadChannelInbox) count 0; qts updates count 1.
    /// </summary>
    public static PtsInfo? Of(UpdateBase update) => update switch
    {
        UpdateNewMessage u => Common(u.Pts, u.PtsCount),
        UpdateDeleteMessages u => Common(u.Pts, u.PtsCount),
        UpdateReadHistoryInbox u => Common(u.Pts, u.PtsCount),
        UpdateReadHistoryOutbox u => Common(u.Pts, u.PtsCount),
        UpdateWebPage u => Common(u.Pts, u.PtsCount),
        UpdateReadMessagesContents u => Common(u.Pts, u.PtsCount),
        UpdateEditMessage u => Common(u.Pts, u.PtsCount),
        UpdateFolderPeers u => Common(u.Pts, u.PtsCount),
        UpdatePinnedMessages u => Common(u.Pts, u.PtsCount),
        UpdateNewChannelMessage u => OfChannelMessage(u.Message, u.Pts, u.PtsCount),
        UpdateEditChannelMessage u => OfChannelMessage(u.Message, u.Pts, u.PtsCount),
        UpdateDeleteChannelMessages u => new PtsInfo(UpdateBox.Channel(u.ChannelId), u.Pts, u.PtsCount),
        UpdateChannelWebPage u => new PtsInfo(UpdateBox.Channel(u.ChannelId), u.Pts, u.PtsCount),
        UpdatePinnedChannelMessages u => new PtsInfo(UpdateBox.Channel(u.ChannelId), u.Pts, u.PtsCount),
        UpdateReadChannelInbox u => new PtsInfo(UpdateBox.Channel(u.ChannelId), u.Pts, 0),
        UpdateNewEncryptedMessage u => Secret(u.Qts),
        UpdateMessagePollVote u => Secret(u.Qts),
        UpdateChatParticipant u => Secret(u.Qts),
        UpdateChannelParticipant u => Secret(u.Qts),
        UpdateBotStopped u => Secret(u.Qts),
        UpdateBotChatInviteRequester u => Secret(u.Qts),
        UpdateBotChatBoost u => Secret(u.Qts),
        UpdateBotMessageReaction u => Secret(u.Qts),
        UpdateBotMessageReactions u => Secret(u.Qts),
        UpdateBotBusinessConnect u => Secret(u.Qts),
        UpdateBotNewBusinessMessage u => Secret(u.Qts),
        UpdateBotEditBusinessMessage u => Secret(u.Qts),
        UpdateBotDeleteBusinessMessage u => Secret(u.Qts),
        UpdateBotPurchasedPaidMedia u => Secret(u.Qts),
        _ => null,
    };

    private static PtsInfo Common(int pts, int count) => new(UpdateBox.Common, pts, count);

    private static PtsInfo Secret(int qts) => new(UpdateBox.Secret, qts, 1);

    /// <summary>A channel message names its channel in peer_id; anything else there is a server bug we do not sequence.</summary>
    private static PtsInfo? OfChannelMessage(MessageBase message, int pts, int count) => PeerOf(message) is PeerChannel channel
        ? new PtsInfo(UpdateBox.Channel(channel.ChannelId), pts, count)
        : null;

    internal static PeerBase? PeerOf(MessageBase message) => message switch
    {
        Message m => m.PeerId,
        MessageService m => m.PeerId,
        MessageEmpty m => m.PeerId,
        _ => null,
    };
}
