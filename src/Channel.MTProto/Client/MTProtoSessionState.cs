using System.Buffers;
using System.Buffers.Binary;
using Channel.MTProto.Session;

namespace Channel.MTProto.Client;

/// <summary>
/// Everything a client needs to resume without a new key exchange or login: the main DC, per DC the auth key,
/// server salts and clock offset, the authorized user id, and opaque slots the login flow, the updates engine and
/// the peer cache fill in (this library does not interpret them). The host persists it: <see cref="Serialize"/>
/// after every <see cref="Changed"/>, <see cref="Deserialize"/> on start. The library never writes files itself.
/// </summary>
/// <remarks>
/// Format: a version byte, then little-endian fields (see <see cref="Serialize"/>). It holds auth keys: store it
/// encrypted and never log it. Thread-safe; <see cref="Changed"/> is raised outside the lock.
/// </remarks>
public sealed class MTProtoSessionState
{
    public const byte FormatVersion = 1;

    /// <summary>Bounds for reading a stored state (a host bug must not make us allocate gigabytes).</summary>
    private const int MaxDcs = 64;
    private const int MaxSalts = 64;
    private const int MaxExtensionLength = 16 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, DcState> _dcs = [];
    private int _mainDcId;
    private long? _userId;
    private byte[]? _loginState;
    private byte[]? _updateState;
    private byte[]? _peerCache;

    public MTProtoSessionState(int mainDcId = 2) => _mainDcId = mainDcId;

    /// <summary>
    /// Raised after any change; the host should save (debounced if it likes). Raised on the thread that made the
    /// change, which may be a connection's receive loop: keep handlers short (schedule the save, don't await it).
    /// </summary>
    public event EventHandler? Changed;

    public int MainDcId
    {
        get { lock (_lock) { return _mainDcId; } }
        set => Update(() => _mainDcId = value);
    }

    /// <summary>The logged-in user, or null before login / after logout.</summary>
    public long? UserId
    {
        get { lock (_lock) { return _userId; } }
        set => Update(() => _userId = value);
    }

    /// <summary>Whether a user is logged in on the main DC's key.</summary>
    public bool IsAuthorized => UserId is not null;

    /// <summary>Opaque slot for the login flow (phone code hash etc.), owned by the next issue's code.</summary>
    public byte[]? LoginState
    {
        get { lock (_lock) { return _loginState; } }
        set => Update(() => _loginState = value);
    }

    /// <summary>
    /// Legacy slot: the updates engine used to keep its state here. It no longer writes it (the host persists
    /// <c>UpdateBatch.State</c> with each batch's effects); the slot is still read so an old saved session can hand its
    /// state over once (<c>AccountConnection</c> does, then clears it).
    /// </summary>
    public byte[]? UpdateState
    {
        get { lock (_lock) { return _updateState; } }
        set => Update(() => _updateState = value);
    }

    /// <summary>Opaque slot for the peer cache (access hashes).</summary>
    public byte[]? PeerCache
    {
        get { lock (_lock) { return _peerCache; } }
        set => Update(() => _peerCache = value);
    }

    /// <summary>The DC ids that have an auth key.</summary>
    public IReadOnlyList<int> DcIdsWithKeys
    {
        get { lock (_lock) { return [.. _dcs.Where(p => p.Value.AuthKey is not null).Select(p => p.Key).Order()]; } }
    }

    internal AuthKey? GetAuthKey(int dcId)
    {
        lock (_lock)
        {
            return _dcs.TryGetValue(dcId, out var dc) ? dc.AuthKey : null;
        }
    }

    /// <summary>Stores a new auth key with its first salt and the clock offset from the exchange; forgets old salts.</summary>
    internal void SetAuthKey(int dcId, AuthKey? authKey, long firstSalt, TimeSpan timeOffset) => Update(() =>
    {
        var dc = GetOrAdd(dcId);
        dc.AuthKey = authKey;
        dc.Salts = authKey is null ? [] : [new ServerSalt(firstSalt, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)];
        dc.TimeOffset = timeOffset;
    });

    internal TimeSpan GetTimeOffset(int dcId)
    {
        lock (_lock)
        {
            return _dcs.TryGetValue(dcId, out var dc) ? dc.TimeOffset : TimeSpan.Zero;
        }
    }

    internal void SetTimeOffset(int dcId, TimeSpan offset)
    {
        // Whole seconds are all the protocol gives us; don't wake the host for sub-second jitter.
        lock (_lock)
        {
            if (_dcs.TryGetValue(dcId, out var dc) && Math.Abs((dc.TimeOffset - offset).TotalSeconds) < 1)
            {
                return;
            }
        }

        Update(() => GetOrAdd(dcId).TimeOffset = offset);
    }

    /// <summary>The known salts of a DC, ordered by valid-since.</summary>
    internal IReadOnlyList<ServerSalt> GetSalts(int dcId)
    {
        lock (_lock)
        {
            return _dcs.TryGetValue(dcId, out var dc) ? dc.Salts : [];
        }
    }

    /// <summary>Adopts one salt the server told us to use now (bad_server_salt, new_session_created).</summary>
    internal void SetCurrentSalt(int dcId, long salt, DateTimeOffset now) => Update(() =>
    {
        var dc = GetOrAdd(dcId);
        var keep = dc.Salts.Where(s => s.ValidUntil > now && s.Salt != salt && s.ValidSince > now);
        dc.Salts = [new ServerSalt(salt, DateTimeOffset.MinValue, now.AddMinutes(30)), .. keep];
    });

    /// <summary>Adopts a future_salts answer (replaces the list, keeping the one in use if it is still valid).</summary>
    internal void SetFutureSalts(int dcId, IEnumerable<ServerSalt> salts, DateTimeOffset now) => Update(() =>
    {
        var dc = GetOrAdd(dcId);
        var fresh = salts.Where(s => s.ValidUntil > now).Take(MaxSalts).ToList();
        var current = dc.Salts.FirstOrDefault(s => s.ValidUntil > now && s.ValidSince <= now);
        if (current is not null && fresh.All(s => s.Salt != current.Salt))
        {
            fresh.Insert(0, current);
        }

        dc.Salts = [.. fresh.OrderBy(s => s.ValidSince)];
    });

    internal void ForgetDc(int dcId) => Update(() => _dcs.Remove(dcId));

    /// <summary>
    /// Version 1 layout: version (1) ‖ main dc (4) ‖ has user (1) [user id (8)] ‖ dc count (4) ‖ per DC:
    /// dc id (4) ‖ has key (1) [key (256)] ‖ offset seconds (4) ‖ salt count (4) ‖ per salt: salt (8) ‖
    /// valid since (8, unix s) ‖ valid until (8, unix s) — then the three slots, each length (4, −1 = null) ‖ bytes.
    /// </summary>
    public byte[] Serialize() => Serialize(includeUpdateAndPeerSlots: true);

    /// <summary>With <paramref name="includeUpdateAndPeerSlots"/> false, the update-state and peer-cache slots are written as null (the host keeps those apart).</summary>
    internal byte[] Serialize(bool includeUpdateAndPeerSlots)
    {
        var output = new ArrayBufferWriter<byte>(512);
        lock (_lock)
        {
            WriteByte(output, FormatVersion);
            WriteInt32(output, _mainDcId);
            WriteByte(output, _userId is null ? (byte)0 : (byte)1);
            if (_userId is { } userId)
            {
                WriteInt64(output, userId);
            }

            WriteInt32(output, _dcs.Count);
            foreach (var (dcId, dc) in _dcs.OrderBy(p => p.Key))
            {
                WriteInt32(output, dcId);
                WriteByte(output, dc.AuthKey is null ? (byte)0 : (byte)1);
                if (dc.AuthKey is not null)
                {
                    output.Write(dc.AuthKey.Key);
                }

                WriteInt32(output, (int)Math.Round(dc.TimeOffset.TotalSeconds));
                WriteInt32(output, dc.Salts.Count);
                foreach (var salt in dc.Salts)
                {
                    WriteInt64(output, salt.Salt);
                    WriteInt64(output, ToUnix(salt.ValidSince));
                    WriteInt64(output, ToUnix(salt.ValidUntil));
                }
            }

            WriteBlob(output, _loginState);
            WriteBlob(output, includeUpdateAndPeerSlots ? _updateState : null);
            WriteBlob(output, includeUpdateAndPeerSlots ? _peerCache : null);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a session state this version can read.</exception>
    public static MTProtoSessionState Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        var version = reader.Byte();
        if (version != FormatVersion)
        {
            throw new FormatException($"Unsupported session state version {version}.");
        }

        var state = new MTProtoSessionState(reader.Int32());
        if (reader.Byte() != 0)
        {
            state._userId = reader.Int64();
        }

        var dcCount = reader.Count(MaxDcs);
        for (var i = 0; i < dcCount; i++)
        {
            var dc = state.GetOrAdd(reader.Int32());
            if (reader.Byte() != 0)
            {
                dc.AuthKey = AuthKey.FromBytes(reader.Bytes(AuthKey.Length));
            }

            dc.TimeOffset = TimeSpan.FromSeconds(reader.Int32());
            var saltCount = reader.Count(MaxSalts);
            var salts = new ServerSalt[saltCount];
            for (var s = 0; s < saltCount; s++)
            {
                salts[s] = new ServerSalt(reader.Int64(), FromUnix(reader.Int64()), FromUnix(reader.Int64()));
            }

            dc.Salts = salts;
        }

        state._loginState = reader.Blob();
        state._updateState = reader.Blob();
        state._peerCache = reader.Blob();
        if (!reader.AtEnd)
        {
            throw new FormatException("Trailing bytes after the session state.");
        }

        return state;
    }

    private DcState GetOrAdd(int dcId)
    {
        if (!_dcs.TryGetValue(dcId, out var dc))
        {
            _dcs[dcId] = dc = new DcState();
        }

        return dc;
    }

    private void Update(Action change)
    {
        lock (_lock)
        {
            change();
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    private static long ToUnix(DateTimeOffset time) =>
        time == DateTimeOffset.MinValue ? long.MinValue : time == DateTimeOffset.MaxValue ? long.MaxValue : time.ToUnixTimeSeconds();

    private static DateTimeOffset FromUnix(long seconds) => seconds switch
    {
        long.MinValue => DateTimeOffset.MinValue,
        long.MaxValue => DateTimeOffset.MaxValue,
        < -62135596800 or > 253402300799 => throw new FormatException("Salt validity out of range."),
        _ => DateTimeOffset.FromUnixTimeSeconds(seconds),
    };

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value) => output.Write([value]);

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteBlob(ArrayBufferWriter<byte> output, byte[]? blob)
    {
        WriteInt32(output, blob?.Length ?? -1);
        if (blob is not null)
        {
            output.Write(blob);
        }
    }

    private sealed class DcState
    {
        public AuthKey? AuthKey { get; set; }

        public IReadOnlyList<ServerSalt> Salts { get; set; } = [];

        public TimeSpan TimeOffset { get; set; }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public byte Byte() => Bytes(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public int Count(int max)
        {
            var count = Int32();
            return count >= 0 && count <= max ? count : throw new FormatException("Session state count out of range.");
        }

        public byte[]? Blob()
        {
            var length = Int32();
            if (length == -1)
            {
                return null;
            }

            if (length < 0 || length > MaxExtensionLength)
            {
                throw new FormatException("Session state slot length out of range.");
            }

            return Bytes(length).ToArray();
        }

        public ReadOnlySpan<byte> Bytes(int length)
        {
            if (length > _rest.Length)
            {
                throw new FormatException("The session state is truncated.");
            }

            var value = _rest[..length];
            _rest = _rest[length..];
            return value;
        }
    }
}

/// <summary>A server salt and the time span the server accepts it (future_salt).</summary>
internal sealed record ServerSalt(long Salt, DateTimeOffset ValidSince, DateTimeOffset ValidUntil);
