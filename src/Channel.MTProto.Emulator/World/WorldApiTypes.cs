namespace Channel.MTProto.Emulator.World;

/// <summary>A user to create in the emulated world (in-process or through POST /users).</summary>
/// <param name="Phone">International digits, '+' and separators allowed (stored as digits).</param>
/// <param name="FirstName">Required, as on Telegram.</param>
/// <param name="Password">A 2FA password: stored as an SRP verifier only.</param>
/// <param name="DcId">Home DC; default: the DC in a test number (99966XYYYY), else the emulator's main DC.</param>
public sealed record NewUser(
    string Phone,
    string FirstName,
    string? LastName = null,
    string? Username = null,
    string? Password = null,
    string? PasswordHint = null,
    int? DcId = null);

/// <summary>A user as tests and the control API see it.</summary>
public sealed record EmulatorUser(
    long Id,
    long AccessHash,
    string Phone,
    string FirstName,
    string? LastName,
    string? Username,
    int DcId,
    bool HasPassword,
    int Pts);

/// <summary>One copy of a private message, in the box of <paramref name="OwnerId"/>.</summary>
/// <param name="Id">The message id in the owner's box (private-chat ids are per user).</param>
/// <param name="PeerId">The other user of a private chat (0 in a group).</param>
/// <param name="ChatId">The basic group, null for a private chat.</param>
/// <param name="Out">True for the sender's copy.</param>
/// <param name="StoredAt">When the copy arrived in the owner's box, to the tick (latency measurements); null after a restart.</param>
/// <param name="Media">The photo, document, geo point or contact, if any.</param>
public sealed record EmulatorMessage(
    int Id,
    long OwnerId,
    long PeerId,
    long FromId,
    bool Out,
    string Text,
    DateTimeOffset Date,
    DateTimeOffset? EditDate,
    int Pts,
    long? ChatId = null,
    IReadOnlyList<EmulatorEntity>? Entities = null,
    int? ReplyToId = null,
    DateTimeOffset? StoredAt = null,
    EmulatorMedia? Media = null);

/// <summary>One entity of a message as the world keeps it: <paramref name="Kind"/> is Telegram's constructor name
/// without <c>messageEntity</c> (bold, italic, textUrl, pre, mentionName, …); offsets in UTF-16 code units.</summary>
public sealed record EmulatorEntity(string Kind, int Offset, int Length, string? Url = null, string? Language = null, long? UserId = null);

/// <summary>A message sent to a basic group: the sender's copy and every other member's.</summary>
public sealed record SentChatMessage(EmulatorMessage Sent, IReadOnlyList<EmulatorMessage> Received);

/// <summary>A chat: <paramref name="Kind"/> "group" (basic group), "supergroup" or "channel" (broadcast).</summary>
/// <param name="AccessHash">Supergroups and channels: the access hash (null for a basic group).</param>
/// <param name="Pts">Supergroups and channels: the channel's pts.</param>
/// <param name="AdminIds">Supergroups and channels: the admins (the creator first).</param>
/// <param name="MigratedToId">A basic group migrated to a supergroup: that supergroup's id.</param>
public sealed record EmulatorChat(long Id, string Kind, string Title, long CreatorId, IReadOnlyList<long> MemberIds, DateTimeOffset Date,
    long? AccessHash = null, int? Pts = null, IReadOnlyList<long>? AdminIds = null, long? MigratedToId = null);

/// <summary>One live authorized connection of a user and the sessions it carries.</summary>
public sealed record EmulatorConnection(long ConnectionId, int DcId, long AuthKeyId, IReadOnlyList<long> SessionIds, int? Layer, string? DeviceModel, string? AppVersion);

/// <summary>Both copies of a message sent through the world API.</summary>
public sealed record SentMessage(EmulatorMessage Sent, EmulatorMessage? Received);

/// <summary>A user's update state, as updates.getState would answer it.</summary>
public sealed record EmulatorUpdateState(int Pts, int Qts, int Seq, int UnreadCount);

/// <summary>A failure of the world API (unknown user, invalid input, conflict), with a message safe to show.</summary>
public sealed class EmulatorWorldException(EmulatorWorldError error, string message) : Exception(message)
{
    public EmulatorWorldError Error { get; } = error;
}

public enum EmulatorWorldError
{
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>A bulk send: <paramref name="Count"/> messages from <paramref name="From"/> (round robin) to account
/// <paramref name="To"/> or to group <paramref name="ChatId"/> (exactly one), texts "<paramref name="Text"/> 0", "… 1", …;
/// <paramref name="RatePerSecond"/> 0 sends as fast as possible.</summary>
/// <param name="StampSentAt">Appends " @" and the send time in Unix microseconds to each text, so a load tool can measure
/// latency from the moment the emulator sent the message.</param>
public sealed record BulkSendRequest(IReadOnlyList<string> From, string? To, long? ChatId, int Count, double RatePerSecond = 0, string Text = "bulk", bool StampSentAt = false);

/// <summary>Where a bulk send stands.</summary>
public sealed record BulkSendProgress(string Id, int Requested, int Sent, bool Completed, string? Error, TimeSpan Elapsed, double MessagesPerSecond);
