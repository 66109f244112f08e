using System.Collections.Concurrent;
using Channel.MTProto.Session;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>One auth key the emulator created, with its salts, its sessions and (next issue) its login.</summary>
internal sealed class AuthKeyState(AuthKey key, SaltSchedule salts, DateTimeOffset? expiresAt)
{
    public AuthKey Key { get; } = key;

    public long Id => Key.Id;

    public SaltSchedule Salts { get; } = salts;

    /// <summary>Set for temporary keys (p_q_inner_data_temp*): when the key stops being valid.</summary>
    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    /// <summary>
    /// How many server sessions a key keeps. Telegram keeps sessions per (auth key, session id) so a reconnect with
    /// the same session id resumes; clients that take a new session id per reconnect must not grow this without end.
    /// </summary>
    public const int MaxSessions = 16;

    /// <summary>Sessions by client session id.</summary>
    public ConcurrentDictionary<long, ServerSession> Sessions { get; } = new();

    /// <summary>The user logged in on this key, if any. Written only by the world (it keeps the user → keys index).</summary>
    public long? AuthorizedUserId { get; set; }

    /// <summary>The session for this id, created if new; then sessions without a live connection beyond
    /// <see cref="MaxSessions"/> are forgotten, least recently used first.</summary>
    public ServerSession GetOrAddSession(long sessionId, TimeProvider time)
    {
        if (Sessions.TryGetValue(sessionId, out var existing))
        {
            return existing;
        }

        var session = Sessions.GetOrAdd(sessionId, static (id, state) => new ServerSession(state.key, id, state.time), (key: this, time));
        if (Sessions.Count > MaxSessions)
        {
            foreach (var idle in Sessions.Values.Where(s => s != session && s.Connection is null).OrderBy(s => s.LastUsed).Take(Sessions.Count - MaxSessions).ToList())
            {
                Sessions.TryRemove(idle.SessionId, out _);
            }
        }

        return session;
    }
}

/// <summary>The auth keys of one DC, by auth_key_id.</summary>
internal sealed class AuthKeyRegistry
{
    private readonly ConcurrentDictionary<long, AuthKeyState> _keys = new();

    public int Count => _keys.Count;

    /// <summary>False when the id is taken by another key (the server then answers dh_gen_retry).</summary>
    public bool TryAdd(AuthKeyState key) => _keys.TryAdd(key.Id, key);

    public bool TryGet(long authKeyId, out AuthKeyState key) => _keys.TryGetValue(authKeyId, out key!);

    public bool Contains(long authKeyId) => _keys.ContainsKey(authKeyId);

    public IEnumerable<AuthKeyState> All => _keys.Values;
}
