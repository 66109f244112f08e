using System.Text.Json.Serialization;

namespace Channel.MTProto.Emulator.World;

// Supergroups and broadcast channels (peerChannel). Unlike private chats and basic groups, a channel keeps one copy of
// each message with its own ids and its own pts, shared by every member: the channel's Gate guards all of it, so
// posting into one channel never waits on the members' own locks.

/// <summary>A supergroup (<see cref="Megagroup"/>) or a broadcast channel, with its messages and pts events.</summary>
internal sealed class WorldChannel
{
    public long Id { get; set; }

    public long AccessHash { get; set; }

    public string Title { get; set; } = string.Empty;

    /// <summary>True for a supergroup (every member posts), false for a broadcast channel (only admins post).</summary>
    public bool Megagroup { get; set; }

    public long CreatorId { get; set; }

    /// <summary>Admins besides the creator (the creator is always one).</summary>
    public HashSet<long> AdminIds { get; set; } = [];

    public HashSet<long> MemberIds { get; set; } = [];

    public int Date { get; set; }

    /// <summary>The channel's pts: the pts of the last event in <see cref="Events"/>.</summary>
    public int Pts { get; set; }

    /// <summary>Channel message ids are per channel, the same for every member.</summary>
    public int NextMessageId { get; set; } = 1;

    /// <summary>Ascending id; deleted messages are removed.</summary>
    public List<ChannelPost> Messages { get; set; } = [];

    /// <summary>Every pts-changing event of the channel, in pts order, for updates.getChannelDifference.</summary>
    public List<ChannelEvent> Events { get; set; } = [];

    /// <summary>Per member: the highest message id they have read.</summary>
    public Dictionary<long, int> ReadInboxMaxId { get; set; } = [];

    /// <summary>Per sender: random_id → message id (sendMessage idempotency).</summary>
    public Dictionary<long, Dictionary<long, int>> SentRandomIds { get; set; } = [];

    /// <summary>The basic group this supergroup was migrated from (messages.migrateChat), 0 if none.</summary>
    public long MigratedFromChatId { get; set; }

    /// <summary>The last message id of that basic group (per the migrating user's box) at the migration.</summary>
    public int MigratedFromMaxId { get; set; }

    /// <summary>Members whose next getChannelDifference answers channelDifferenceTooLong (a control fault).</summary>
    [JsonIgnore]
    public HashSet<long> DifferenceTooLongPending { get; } = [];

    /// <summary>Guards every field of this channel.</summary>
    [JsonIgnore]
    public Lock Gate { get; } = new();

    public bool IsAdmin(long userId) => userId == CreatorId || AdminIds.Contains(userId);
}

/// <summary>One message of a channel (a single copy, shared by the members).</summary>
internal sealed class ChannelPost
{
    public int Id { get; set; }

    public long FromId { get; set; }

    public string Text { get; set; } = string.Empty;

    public List<WorldEntity> Entities { get; set; } = [];

    public int? ReplyToId { get; set; }

    public int Date { get; set; }

    public int? EditDate { get; set; }

    public int Pts { get; set; }

    /// <summary>A service message's action: "channelCreate", "chatAddUser", "channelMigrateFrom"; null for a text message.</summary>
    public string? Action { get; set; }

    /// <summary>chatAddUser: the users added.</summary>
    public List<long> ActionUserIds { get; set; } = [];

    /// <summary>channelMigrateFrom: the basic group.</summary>
    public long ActionChatId { get; set; }

    /// <summary>The photo, document, geo point or contact (see EmulatorWorld.ChannelMedia.cs); files live in memory only, so not saved.</summary>
    [JsonIgnore]
    public WorldMedia? Media { get; set; }

    /// <summary>When it was stored, to the tick; not kept across restarts.</summary>
    [JsonIgnore]
    public DateTimeOffset StoredAt { get; set; }
}

internal enum ChannelEventKind
{
    NewMessage,
    EditMessage,
    DeleteMessages,
}

/// <summary>One pts step (or several, for deletions) of a channel.</summary>
internal sealed class ChannelEvent
{
    public int Pts { get; set; }

    public int PtsCount { get; set; }

    public ChannelEventKind Kind { get; set; }

    public int Date { get; set; }

    public int[] MessageIds { get; set; } = [];
}
