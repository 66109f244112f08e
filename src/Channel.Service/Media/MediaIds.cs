using System.Globalization;
using Channel.MTProto.Peers;
using Channel.Service.Outbound;

namespace Channel.Service.Media;

/// <summary>
/// The MediaId of an inbound attachment: the chat and the Telegram message that carries it ("user:42:17"). Nothing is
/// stored for it: a download fetches that message again, which also brings a fresh file reference (Telegram's
/// references expire). Consumers treat it as opaque.
/// </summary>
internal static class MediaIds
{
    public static string For(string chatKind, long chatId, int messageId) =>
        string.Create(CultureInfo.InvariantCulture, $"{chatKind}:{chatId}:{messageId}");

    public static bool TryParse(string? text, out PeerId chat, out int messageId)
    {
        chat = default;
        messageId = 0;
        var parts = text?.Split(':');
        if (parts is not { Length: 3 }
            || parts[0] is not (Contracts.ChatKinds.User or Contracts.ChatKinds.Group or Contracts.ChatKinds.Supergroup or Contracts.ChatKinds.Channel)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var chatId) || chatId <= 0
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out messageId) || messageId <= 0)
        {
            return false;
        }

        chat = PeerResolver.FromChat(parts[0], chatId);
        return true;
    }
}
