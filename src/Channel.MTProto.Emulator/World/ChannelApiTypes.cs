namespace Channel.MTProto.Emulator.World;

/// <summary>One message of a supergroup or broadcast channel (one copy, ids and pts of the channel).</summary>
/// <param name="ChannelId">The channel.</param>
/// <param name="Id">The message id in the channel (the same for every member).</param>
/// <param name="FromId">The author (the poster, in a broadcast channel).</param>
/// <param name="Pts">The channel pts at which it arrived.</param>
/// <param name="Action">A service message's action (channelCreate, chatAddUser, channelMigrateFrom), null for text.</param>
public sealed record EmulatorChannelMessage(
    long ChannelId,
    int Id,
    long FromId,
    string Text,
    DateTimeOffset Date,
    DateTimeOffset? EditDate,
    int Pts,
    string? Action = null,
    int? ReplyToId = null,
    DateTimeOffset? StoredAt = null);
