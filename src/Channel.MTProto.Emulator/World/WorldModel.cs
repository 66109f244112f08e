namespace Channel.MTProto.Emulator.World;

// The world's mutable records. They are guarded by EmulatorWorld's lock and serialized as-is to the state file,
// hence plain get/set properties.

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

    /// <summary>The common-box seq. Every update the emulator produces carries pts, so envelopes go out with seq 0
    /// (as Telegram does for pts updates) and this stays at its value; it is here for updates.state.</summary>
    public int Seq { get; set; }

    /// <summary>Private-chat message ids are per user, as in Telegram: each side of a chat has its own copy.</summary>
    public int NextMessageId { get; set; } = 1;

    /// <summary>The box, ordered by id (deleted messages are removed).</summary>
    public List<BoxMessage> Messages { get; set; } = [];

    /// <summary>Every pts-changing event, in pts order, for updates.getDifference.</summary>
    public List<PtsEvent> Events { get; set; } = [];

    /// <summary>random_id of each message this user sent → its id in this box (sendMessage idempotency).</summary>
    public Dictionary<long, int> SentRandomIds { get; set; } = [];

    /// <summary>Per peer: the highest incoming message id this user has read.</summary>
    public Dictionary<long, int> ReadInboxMaxId { get; set; } = [];

    /// <summary>Per peer: the highest outgoing message id the peer has read.</summary>
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

/// <summary>One copy of a private message in its owner's box.</summary>
internal sealed class BoxMessage
{
    public int Id { get; set; }

    /// <summary>The other user of the chat (the owner for Saved Messages).</summary>
    public long PeerId { get; set; }

    public long FromId { get; set; }

    public bool Out { get; set; }

    public string Text { get; set; } = string.Empty;

    public int Date { get; set; }

    public int? EditDate { get; set; }

    /// <summary>The id of the same message in the peer's box (equal to <see cref="Id"/> for Saved Messages).</summary>
    public int TwinId { get; set; }

    /// <summary>The pts at which this copy arrived in its box.</summary>
    public int Pts { get; set; }
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

    /// <summary>The chat peer (read events).</summary>
    public long PeerId { get; set; }

    /// <summary>read events: max_id in the owner's box.</summary>
    public int MaxId { get; set; }
}

/// <summary>What the state file holds.</summary>
internal sealed class WorldSnapshot
{
    public int Version { get; set; } = 1;

    public List<WorldUser> Users { get; set; } = [];
}
