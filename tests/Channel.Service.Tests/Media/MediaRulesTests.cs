extern alias service;

using Channel.MTProto.Peers;
using MediaIds = service::Channel.Service.Media.MediaIds;
using MediaOptions = service::Channel.Service.Media.MediaOptions;
using MediaOptionsValidator = service::Channel.Service.Media.MediaOptionsValidator;

namespace Channel.Service.Tests.Media;

/// <summary>The media rules that need no Telegram: media ids and the Media:* settings.</summary>
public sealed class MediaRulesTests
{
    [Theory]
    [InlineData("user", PeerKind.User)]
    [InlineData("group", PeerKind.Chat)]
    [InlineData("supergroup", PeerKind.Channel)]
    [InlineData("channel", PeerKind.Channel)]
    public void MediaId_RoundTrips_ToTheChatAndMessage(string chatKind, PeerKind peerKind)
    {
        var id = MediaIds.For(chatKind, 1234567890123, 42);

        Assert.True(MediaIds.TryParse(id, out var chat, out var messageId));
        Assert.Equal(peerKind, chat.Kind);
        Assert.Equal(1234567890123, chat.Id);
        Assert.Equal(42, messageId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("user:1")]
    [InlineData("user:1:2:3")]
    [InlineData("bot:1:2")]
    [InlineData("user:-1:2")]
    [InlineData("user:1:0")]
    [InlineData("user:1:99999999999")]
    [InlineData("user: 1:2")]
    [InlineData("user:0x1:2")]
    public void MediaId_Malformed_Refused(string? text) => Assert.False(MediaIds.TryParse(text, out _, out _));

    [Theory]
    [InlineData(0, "1.00:00:00", "Media:MaxUploadBytes")]
    [InlineData(1073741825, "1.00:00:00", "Media:MaxUploadBytes")]
    [InlineData(1000, "00:00:30", "Media:UploadRetention")]
    public void Options_OutOfRange_NameTheKey(long maxBytes, string retention, string key)
    {
        var result = new MediaOptionsValidator().Validate(null, new MediaOptions { MaxUploadBytes = maxBytes, UploadRetention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_Valid() => Assert.True(new MediaOptionsValidator().Validate(null, new MediaOptions()).Succeeded);
}
