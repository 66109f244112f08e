using System.Text.Json.Serialization;

namespace Channel.MTProto.Emulator.World;

// The world's mutable records. A user's box is guarded by that user's Gate (per-user locking: no global lock on the
// message path); the records are serialized as-is to the state file, hence plain get/set properties.

/// <summary>One account: identity, optional 2FA verifier, and its private message box with pts bookkeeping.</summary>
internal sealed class WorldUser
{
    public long Id { get; set; }

    public long AccessHash { get; set; }

    /// <summary>Digits only, no '+'.</summary>
    public string Phone { get; set; } = string.Empty;

    public string FirstName { get; set; } = string.Empty;

    public string? LastName { get; set; }

    public string? Username { get; set; }

    /// <summary>The DC the account lives on: signing in elsewhere gives PHONE_MIGRATE_X / USER_MIGRATE_X.</summary>
    public int DcId { get; set; }

    public WorldPassword? Password { get; set; }

    /// <summary>The user's common-box pts: the pts of the last event in <see cref="Events"/>.</summary>
    public int Pts { get; set; }

    /// <summary>The account's seq: each <c>updates</c> envelope every session of the account receives takes the next
    /// value (short updates carry none).</summary>
    public int Seq { get; set; }

    /// <summary>Guards this user's box, pts, seq and pushes (per-user locking).</summary>
    [JsonIgnore]
    public Lock Gate { get; } = new();

    /// <summary>Set by <c>ForceDifferenceTooLong</c>: the next updates.getDifference answers differenceTooLong.</summary>
    [JsonIgnore]
    public bool DifferenceTooLongPending { get; set; }

    /// <summary>Users this account has exchanged private messages with: their messages come as updateShortMessage.</summary>
    public HashSet<long> KnownPeers { get; set; } = [];

    /// <summary>Per basic group: the senders whose messages this account has had there (updateShortChatMessage).</summary>
    public Dictionary<long, HashSet<long>> ChatSenders { get; set; } = [];

    /// <summary>Private-chat message ids are per user, as in Telegram: each side of a chat has its own copy.</summary>
    public int NextMessageId { get; set; } = 1;

    /// <summary>The box, ordered by id (deleted messages are removed).</summary>
    public List<BoxMessage> Messages { get; set; } = [];

    /// <summary>The box by dialog (peer key: user id, or −chat id), kept next to <see cref="Messages"/>; not saved.</summary>
    [JsonIgnore]
    public Dictionary<long, DialogBox> Dialogs { get; } = [];

    /// <summary>Every pts-changing event, in pts order, for updates.getDifference.</summary>
    public List<PtsEvent> Events { get; set; } = [];

    /// <summary>random_id of each message this user sent → its id in this box (sendMessage idempotency).</summary>
    public Dictionary<long, int> SentRandomIds { get; set; } = [];

    /// <summary>Users this user has blocked: their messages are refused with USER_IS_BLOCKED.</summary>
    public HashSet<long> BlockedIds { get; set; } = [];

    /// <summary>Per peer key (user id, or −chat id): the highest incoming message id this user has read.</summary>
    public Dictionary<long, int> ReadInboxMaxId { get; set; } = [];

    /// <summary>Per peer key: the highest outgoing message id the peer (some member, in a group) has read.</summary>
    public Dictionary<long, int> ReadOutboxMaxId { get; set; } = [];
}

/// <summary>A 2FA password as a server keeps it: the SRP salts and verifier v = g^x, never the password.</summary>
internal sealed class WorldPassword
{
    public byte[] Salt1 { get; set; } = [];

    public byte[] Salt2 { get; set; } = [];

    public byte[] Verifier { get; set; } = [];

    public string? Hint { get; set; }
}

/// <summary>One copy of a message (private or basic group) in its owner's box.</summary>
internal sealed class BoxMessage
{
    public int Id { get; set; }

    /// <summary>Private chats: the other user (the owner for Saved Messages); 0 in a basic group.</summary>
    public long PeerId { get; set; }

    /// <summary>The basic group the message is in, 0 for a private chat.</summary>
    public long ChatId { get; set; }

    /// <summary>Basic groups: the message's number in the chat, the same in every member's copy (links the copies).</summary>
    public int ChatSeq { get; set; }

    /// <summary>The dialog this message belongs to: the peer user id, or −chat id for a basic group.</summary>
    [JsonIgnore]
    public long PeerKey => ChatId != 0 ? -ChatId : PeerId;

    public long FromId { get; set; }

    public bool Out { get; set; }

    public string Text { get; set; } = string.Empty;

    /// <summary>The text's formatting, as the sender gave it (edits replace it).</summary>
    public List<WorldEntity> Entities { get; set; } = [];

    /// <summary>The message this one answers, as an id in this owner's box.</summary>
    public int? ReplyToId { get; set; }

    public int Date { get; set; }

    /// <summary>When this copy was stored, to the tick (Telegram's dates are whole seconds); not kept across restarts.</summary>
    [JsonIgnore]
    public DateTimeOffset StoredAt { get; set; }

    public int? EditDate { get; set; }

    /// <summary>The id of the same message in the peer's box (equal to <see cref="Id"/> for Saved Messages).</summary>
    public int TwinId { get; set; }

    /// <summary>The pts at which this copy arrived in its box.</summary>
    public int Pts { get; set; }

    /// <summary>The photo, document, geo point or contact; files live in memory only, so not saved.</summary>
    [JsonIgnore]
    public WorldMedia? Media { get; set; }

    /// <summary>A messageActionChatMigrateTo service message: the supergroup the group became (0: a text message).</summary>
    public long MigratedToChannelId { get; set; }
}

internal enum PtsEventKind
{
    NewMessage,
    EditMessage,
    DeleteMessages,
    ReadInbox,
    ReadOutbox,
}

/// <summary>One pts step (or several, for deletions) in a user's box, replayed by updates.getDifference.</summary>
internal sealed class PtsEvent
{
    public int Pts { get; set; }

    public int PtsCount { get; set; }

    public PtsEventKind Kind { get; set; }

    public int Date { get; set; }

    /// <summary>The message (new/edit) or messages (delete) concerned, as ids in the owner's box.</summary>
    public int[] MessageIds { get; set; } = [];

    /// <summary>The chat's peer key (read events): user id, or −chat id.</summary>
    public long PeerId { get; set; }

    /// <summary>read events: max_id in the owner's box.</summary>
    public int MaxId { get; set; }
}

/// <summary>What the state file holds.</summary>
internal sealed class WorldSnapshot
{
    public int Version { get; set; } = 1;

    public List<WorldUser> Users { get; set; } = [];

    public List<WorldChat> Chats { get; set; } = [];

    /// <summary>Supergroups and broadcast channels (see WorldChannel.cs).</summary>
    public List<WorldChannel> Channels { get; set; } = [];
}

/// <summary>A basic group: members are fixed at creation (the emulator has no add/kick yet).</summary>
internal sealed class WorldChat
{
    public long Id { get; set; }

    public string Title { get; set; } = string.Empty;

    public long CreatorId { get; set; }

    public List<long> MemberIds { get; set; } = [];

    public int Date { get; set; }

    /// <summary>The last ChatSeq given to a message; moved while every member's Gate is held.</summary>
    public int LastSeq { get; set; }

    /// <summary>messages.migrateChat: the supergroup this group became (0: not migrated) and its access hash.</summary>
    public long MigratedToChannelId { get; set; }

    public long MigratedToAccessHash { get; set; }
}
