using Channel.MTProto.Emulator.Sessions;

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

            // Stored only once the sender may post: a refused post leaves no file behind. Takes no user's Gate.
            var attached = MediaFromApi(sender, media);
            var post = AddPostLocked(channel, sender.Id, caption, [], null, null);
            post.Media = attached;
            DeliverPostLocked(channel, post, origin: null, push);
            result = DescribePost(channel, post);
        }

        Flush(push);
        MarkDirty();
        return result;
    }
}
