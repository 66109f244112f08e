namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Media posted into a supergroup or broadcast channel through the world API: one post with the file (stored on the
/// requested DC or the sender's), delivered like a text post (updateNewChannelMessage with the channel's pts) and
/// fetched with channels.getMessages, its file reference issued fresh each time, as Telegram does.
/// </summary>
public sealed partial class EmulatorWorld
{
    /// <summary>Posts <paramref name="media"/> with <paramref name="caption"/> as <paramref name="from"/> (a member; an
    /// admin in a broadcast channel); see <see cref="SendChannelMessage(string, long, string)"/>.</summary>
    public EmulatorChannelMessage SendChannelMedia(string from, long channelId, string? caption, NewMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        caption ??= string.Empty;
        CheckControlCaption(caption);
        return PostFromControl(from, channelId, caption, media);
    }
}
