using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// What one step of the <see cref="UpdateSequencer"/> produced: updates ready for the host (in order, with the users
/// and chats they came with) and the work it asks the engine to do (fetch a box's difference, refetch the state).
/// </summary>
internal sealed class SequencerOutput
{
    private readonly List<UpdateBase> _updates = [];
    private readonly List<UserBase> _users = [];
    private readonly List<ChatBase> _chats = [];
    private readonly HashSet<object> _seenLists = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<UpdateBase> Updates => _updates;

    public IReadOnlyList<UserBase> Users => _users;

    public IReadOnlyList<ChatBase> Chats => _chats;

    /// <summary>Boxes whose difference must be fetched now (updatesTooLong, a missing peer, a seq gap, updateChannelTooLong).</summary>
    public HashSet<UpdateBox> Fetch { get; } = [];

    /// <summary>
    /// Supergroups a basic group was migrated to (messageActionChatMigrateTo): if not followed yet, the engine seeds
    /// them from their whole history so nothing posted there after the migration is lost.
    /// </summary>
    public HashSet<long> MigratedTo { get; } = [];

    /// <summary>Boxes whose history could not be filled: the host should refetch those chats' history.</summary>
    public List<UpdateBox> HistoryGaps { get; } = [];

    /// <summary>updatePtsChanged: the server renumbered the common box; take its state from updates.getState.</summary>
    public bool RefetchState { get; set; }

    /// <summary>Updates the sequencer recognised as already applied and dropped.</summary>
    public int Duplicates { get; set; }

    /// <summary>Whether the host has anything to see (the state may still have moved without it).</summary>
    public bool HasContent => _updates.Count > 0 || HistoryGaps.Count > 0;

    public void Add(UpdateBase update, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats)
    {
        _updates.Add(update);
        AddPeers(users, chats);
    }

    public void AddPeers(IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats)
    {
        // Containers share their lists among their updates: copy each list once.
        if (users.Count > 0 && _seenLists.Add(users))
        {
            _users.AddRange(users);
        }

        if (chats.Count > 0 && _seenLists.Add(chats))
        {
            _chats.AddRange(chats);
        }
    }

    /// <summary>Forgets the delivered part (after it became a batch); the requested work stays.</summary>
    public void ClearContent()
    {
        _updates.Clear();
        _users.Clear();
        _chats.Clear();
        _seenLists.Clear();
        HistoryGaps.Clear();
    }
}
