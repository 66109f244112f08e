using System.Collections.Concurrent;
using Channel.MTProto.Emulator.Connections;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Delivery: an index from user id to the auth keys authorized for that user (on every DC), kept by login, log-out
/// and revocation, so a push looks at that user's keys only — never at every auth key of the emulator. A push goes
/// to every session of those keys that has a live connection.
/// </summary>
public sealed partial class EmulatorWorld
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<AuthKeyState, byte>> _keysByUser = new();

    /// <summary>The live authorized connections of the user: one entry per connection, with the sessions it carries.</summary>
    public IReadOnlyList<EmulatorConnection> Connections(string user)
    {
        var owner = Resolve(user);
        var result = new List<EmulatorConnection>();
        foreach (var key in AuthorizedKeys(owner.Id))
        {
            foreach (var group in key.Sessions.Values.Select(s => (Session: s, s.Connection)).Where(s => s.Connection is not null).GroupBy(s => s.Connection!))
            {
                var connection = group.Key;
                result.Add(new EmulatorConnection(connection.Id, connection.DcId, key.Id, group.Select(s => s.Session.SessionId).Order().ToArray(),
                    connection.Layer, connection.Client?.DeviceModel, connection.Client?.AppVersion));
            }
        }

        return result.OrderBy(c => c.ConnectionId).ToArray();
    }

    /// <summary>Closes every live connection of the user (auth keys, logins and sessions survive, as after a network
    /// drop). Returns how many connections were closed.</summary>
    public int DropConnections(string user)
    {
        var owner = Resolve(user);
        var connections = new HashSet<ClientConnection>();
        foreach (var key in AuthorizedKeys(owner.Id))
        {
            foreach (var session in key.Sessions.Values)
            {
                if (session.Connection is { } connection)
                {
                    connections.Add(connection);
                }
            }
        }

        foreach (var connection in connections)
        {
            connection.Abort("dropped through the world API");
        }

        return connections.Count;
    }

    /// <summary>Pushes <c>updatesTooLong</c> to every live session of the user (the client must call getDifference).
    /// Returns how many sessions it went to.</summary>
    public int ForceUpdatesTooLong(string user)
    {
        var owner = Resolve(user);
        var push = new List<ServerSession>();
        lock (owner.Gate)
        {
            PushLocked(owner, new UpdatesTooLong(), origin: null, push);
        }

        Flush(push);
        return push.Count;
    }

    /// <summary>The user's next updates.getDifference answers <c>updates.differenceTooLong</c> (whatever its pts), so
    /// the client has to rebuild from messages.getDialogs and messages.getHistory.</summary>
    public void ForceDifferenceTooLong(string user)
    {
        var owner = Resolve(user);
        lock (owner.Gate)
        {
            owner.DifferenceTooLongPending = true;
        }
    }

    /// <summary>Login, log-out and revocation change a key's user only through here, which keeps the index.</summary>
    internal void SetAuthorization(AuthKeyState key, long? userId)
    {
        var previous = key.AuthorizedUserId;
        key.AuthorizedUserId = userId;
        if (previous is { } old && old != userId && _keysByUser.TryGetValue(old, out var oldKeys))
        {
            oldKeys.TryRemove(key, out _);
        }

        if (userId is { } id)
        {
            _keysByUser.GetOrAdd(id, static _ => new ConcurrentDictionary<AuthKeyState, byte>()).TryAdd(key, 0);
        }
    }

    private IEnumerable<AuthKeyState> AuthorizedKeys(long userId)
        => _keysByUser.TryGetValue(userId, out var keys) ? keys.Keys : [];

    /// <summary>
    /// Queues the updates for every live session of the user's authorized keys except the calling session (which
    /// gets its result instead); <see cref="Flush"/> sends them after the user's lock is released. Queuing under that
    /// lock keeps each session's updates in pts and seq order.
    /// </summary>
    private void PushLocked(WorldUser user, UpdatesBase updates, ServerSession? origin, List<ServerSession> push)
    {
        if (!_keysByUser.TryGetValue(user.Id, out var keys))
        {
            return;
        }

        byte[]? body = null;
        foreach (var key in keys.Keys)
        {
            foreach (var session in key.Sessions.Values)
            {
                if (session == origin || session.Connection is null)
                {
                    continue;
                }

                body ??= TlSerializer.ToArray(updates);
                session.Enqueue(new OutgoingMessage(body, ContentRelated: true, IsResponse: false, IsUpdate: true));
                push.Add(session);
            }
        }
    }

    private static void Flush(List<ServerSession> sessions)
    {
        if (sessions.Count == 1)
        {
            _ = sessions[0].Connection?.SendQueuedAsync(sessions[0]);
            return;
        }

        foreach (var session in sessions.Distinct())
        {
            _ = session.Connection?.SendQueuedAsync(session);
        }
    }

    /// <summary>
    /// An <c>updates</c> envelope for <paramref name="owner"/>. With <paramref name="withSeq"/> it takes the account's
    /// next seq; envelopes some session of the account will never see (the calling session got another result, such as
    /// affectedMessages or updateShortSentMessage) go out with seq 0 instead, or that session would see a seq gap.
    /// </summary>
    private static UpdatesConstructor EnvelopeLocked(WorldUser owner, UpdateBase update, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, int date, bool withSeq)
        => new() { Updates = [update], Users = users, Chats = chats, Date = date, Seq = withSeq ? ++owner.Seq : 0 };
}
