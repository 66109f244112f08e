using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator.Rpc;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// The emulator's one world, shared by every DC listener: users keyed by phone, their private message boxes with
/// per-user pts, login codes, 2FA verifiers, injected flood waits. The RPC handlers and the control API both work
/// through it; tests use the public members in-process (<c>emulator.World</c>). The directories are concurrent
/// dictionaries; each user's box (pts, seq, messages, pushes) has its own lock, so messaging between different users
/// never waits on one global lock. <c>_lock</c> only serializes the rare writers: user creation, login codes, 2FA,
/// injected errors.
/// </summary>
public sealed partial class EmulatorWorld
{
    private const int SrpGenerator = 3;
    private const int MaxNameLength = 64;
    private const int MaxPasswordLength = 256;

    private readonly Lock _lock = new();
    private readonly TelegramEmulator _emulator;
    private readonly WorldOptions _options;
    private readonly ConcurrentDictionary<long, WorldUser> _usersById = new();
    private readonly ConcurrentDictionary<string, WorldUser> _usersByPhone = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WorldUser> _usersByUsername = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<InjectedError> _injectedErrors = [];
    private int _injectedErrorCount;

    internal EmulatorWorld(TelegramEmulator emulator, WorldOptions options, WorldSnapshot? snapshot)
    {
        _emulator = emulator;
        _options = options;
        foreach (var user in snapshot?.Users ?? [])
        {
            Index(user);
            foreach (var message in user.Messages)
            {
                DialogLocked(user, message.PeerKey).Add(message);
            }
        }

        foreach (var chat in snapshot?.Chats ?? [])
        {
            _chats[chat.Id] = chat;
        }

        foreach (var channel in snapshot?.Channels ?? [])
        {
            _channels[channel.Id] = channel;
            foreach (var member in channel.MemberIds)
            {
                _channelsByUser.GetOrAdd(member, static _ => new ConcurrentDictionary<long, byte>()).TryAdd(channel.Id, 0);
            }
        }
    }

    private TimeProvider Time => _emulator.Time;

    private int UnixNow => (int)Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Creates a user. Throws <see cref="EmulatorWorldException"/> for invalid input or a taken phone/username.</summary>
    public EmulatorUser CreateUser(NewUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var phone = NormalizePhone(user.Phone) ?? throw new EmulatorWorldException(EmulatorWorldError.Invalid, "phone must be 5 to 15 digits (an optional '+' and separators allowed).");
        if (string.IsNullOrWhiteSpace(user.FirstName) || user.FirstName.Length > MaxNameLength)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"firstName is required (at most {MaxNameLength} characters).");
        }

        if (user.LastName is { Length: > MaxNameLength } || user.Password is { Length: > MaxPasswordLength } || user.PasswordHint is { Length: > MaxNameLength })
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"lastName and passwordHint take at most {MaxNameLength} characters, password at most {MaxPasswordLength}.");
        }

        if (user.Username is { } username && !IsValidUsername(username))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "username must be 5 to 32 letters, digits or underscores, starting with a letter.");
        }

        var dcId = user.DcId ?? DefaultHomeDc(phone);
        if (!_emulator.Dcs.ContainsKey(dcId))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"dcId {dcId} is not one of this emulator's DCs.");
        }

        // PBKDF2 with 100,000 rounds: outside the lock.
        var password = user.Password is { Length: > 0 } secret ? CreatePassword(secret, user.PasswordHint) : null;
        lock (_lock)
        {
            if (_usersByPhone.ContainsKey(phone))
            {
                throw new EmulatorWorldException(EmulatorWorldError.Conflict, "a user with this phone already exists.");
            }

            if (user.Username is { } taken && _usersByUsername.ContainsKey(taken))
            {
                throw new EmulatorWorldException(EmulatorWorldError.Conflict, $"username {taken} is taken.");
            }

            var created = AddUserLocked(phone, user.FirstName.Trim(), user.LastName, user.Username, dcId);
            created.Password = password;
            return Describe(created);
        }
    }

    /// <summary>Finds a user by id, phone (digits, '+' allowed) or username ('@' allowed); null if unknown.</summary>
    public EmulatorUser? FindUser(string reference)
        => TryResolve(reference, out var user) ? Describe(user) : null;

    /// <summary>Like <see cref="FindUser"/>, but an unknown reference throws <see cref="EmulatorWorldException"/>.</summary>
    public EmulatorUser GetUser(string reference)
        => FindUser(reference) ?? throw NotFound(reference);

    /// <summary>All users, in creation order of their ids' dictionary.</summary>
    public IReadOnlyList<EmulatorUser> Users() => _usersById.Values.Select(Describe).ToArray();

    /// <summary>The user's update state (what updates.getState answers).</summary>
    public EmulatorUpdateState GetUpdateState(string reference)
    {
        var user = Resolve(reference);
        lock (user.Gate)
        {
            return new EmulatorUpdateState(user.Pts, 0, user.Seq, UnreadCountLocked(user));
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> calls of <paramref name="method"/> (TL name, e.g. "messages.sendMessage")
    /// get 420 FLOOD_WAIT_<paramref name="seconds"/>; only the given user's calls when <paramref name="user"/> is set.
    /// </summary>
    public void InjectFlood(string method, int seconds, int count, string? user = null)
    {
        if (seconds < 0)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "seconds must be ≥ 0.");
        }

        InjectError(method, 420, "FLOOD_WAIT_" + seconds.ToString(CultureInfo.InvariantCulture), count, user);
    }

    /// <summary>
    /// The next <paramref name="count"/> calls of <paramref name="method"/> get rpc_error
    /// <paramref name="code"/> <paramref name="error"/> (e.g. 500 AUTH_RESTART, 420 SLOWMODE_WAIT_10, 400 PEER_FLOOD);
    /// only the given user's calls when <paramref name="user"/> is set. Rules apply in the order they were added.
    /// </summary>
    public void InjectError(string method, int code, string error, int count = 1, string? user = null)
    {
        if (string.IsNullOrWhiteSpace(method) || count <= 0 || code is < 300 or > 599
            || string.IsNullOrEmpty(error) || error.Length > 64 || !error.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "method is required, count > 0, code 300–599 and error like FLOOD_WAIT_30 (A–Z, 0–9, _).");
        }

        lock (_lock)
        {
            var phone = user is null ? null : Resolve(user).Phone;
            _injectedErrors.Add(new InjectedError(method.Trim(), code, error, phone) { Remaining = count });
            Volatile.Write(ref _injectedErrorCount, _injectedErrors.Count);
        }
    }

    /// <summary>Throws the first injected error that matches this call (and counts it down).</summary>
    internal void ThrowInjectedError(string method, string? phone)
    {
        // Every RPC passes here: without rules it must not take the lock.
        if (Volatile.Read(ref _injectedErrorCount) == 0)
        {
            return;
        }

        lock (_lock)
        {
            var index = _injectedErrors.FindIndex(rule => string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase)
                                                          && (rule.Phone is null || rule.Phone == phone));
            if (index < 0)
            {
                return;
            }

            var rule = _injectedErrors[index];
            if (--rule.Remaining == 0)
            {
                _injectedErrors.RemoveAt(index);
                Volatile.Write(ref _injectedErrorCount, _injectedErrors.Count);
            }

            throw new RpcErrorException(rule.Code, rule.Error);
        }
    }

    private static EmulatorWorldException NotFound(string reference)
        => new(EmulatorWorldError.NotFound, $"no user matches '{Redact(reference)}'.");

    /// <summary>References may be phone numbers: only their last digits reach messages.</summary>
    private static string Redact(string reference)
        => reference.Length > 4 && reference.Count(char.IsDigit) >= 5 ? "…" + reference[^4..] : reference;

    private WorldUser Resolve(string reference)
        => TryResolve(reference, out var user) ? user : throw NotFound(reference);

    /// <summary>"@name" → username; "+digits" → phone; digits → phone if one matches, else id; otherwise username.</summary>
    private bool TryResolve(string reference, [NotNullWhen(true)] out WorldUser? user)
    {
        user = null;
        if (string.IsNullOrWhiteSpace(reference))
        {
            return false;
        }

        var text = reference.Trim();
        if (text.StartsWith('@'))
        {
            return _usersByUsername.TryGetValue(text[1..], out user);
        }

        if (NormalizePhone(text) is { } phone && _usersByPhone.TryGetValue(phone, out user))
        {
            return true;
        }

        if (!text.StartsWith('+') && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _usersById.TryGetValue(id, out user))
        {
            return true;
        }

        return _usersByUsername.TryGetValue(text, out user);
    }

    private WorldUser AddUserLocked(string phone, string firstName, string? lastName, string? username, int dcId)
    {
        long id;
        do
        {
            // Positive and below 2^53: safe as a JavaScript number (GramJS, JSON consumers).
            id = (RandomLong() & ((1L << 53) - 1)) | 1L << 32;
        }
        while (_usersById.ContainsKey(id));

        var user = new WorldUser
        {
            Id = id,
            AccessHash = RandomLong(),
            Phone = phone,
            FirstName = firstName,
            LastName = string.IsNullOrWhiteSpace(lastName) ? null : lastName.Trim(),
            Username = username,
            DcId = dcId,
        };
        Index(user);
        MarkDirty();
        return user;
    }

    private void Index(WorldUser user)
    {
        _usersById[user.Id] = user;
        _usersByPhone[user.Phone] = user;
        if (user.Username is { } username)
        {
            _usersByUsername[username] = user;
        }
    }

    /// <summary>A test number's DC if this emulator runs it, else the main DC.</summary>
    private int DefaultHomeDc(string phone)
        => TestNumberDc(phone) is { } dc && _emulator.Dcs.ContainsKey(dc) ? dc : _emulator.MainDcId;

    /// <summary>X of a test number 99966XYYYY (Telegram's test-DC convention), or null.</summary>
    internal static int? TestNumberDc(string phone)
        => phone.Length == 10 && phone.StartsWith("99966", StringComparison.Ordinal) && phone[5] is >= '1' and <= '9' ? phone[5] - '0' : null;

    /// <summary>Digits only (a leading '+', spaces, dashes, dots and parentheses dropped), 5–15 of them; else null.</summary>
    internal static string? NormalizePhone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }

        var digits = new System.Text.StringBuilder(phone.Length);
        for (var i = 0; i < phone.Length; i++)
        {
            var c = phone[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (!(c is ' ' or '-' or '.' or '(' or ')' || (c == '+' && digits.Length == 0 && i == phone.IndexOf('+', StringComparison.Ordinal))))
            {
                return null;
            }
        }

        return digits.Length is >= 5 and <= 15 ? digits.ToString() : null;
    }

    private static bool IsValidUsername(string username)
        => username.Length is >= 5 and <= 32 && char.IsAsciiLetter(username[0]) && username.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static WorldPassword CreatePassword(string password, string? hint)
    {
        // Telegram clients extend the server's 8-byte salt1 with 32 random bytes when they set a password.
        var salt1 = RandomNumberGenerator.GetBytes(40);
        var salt2 = RandomNumberGenerator.GetBytes(16);
        var x = Srp.ComputePasswordHash(password, salt1, salt2);
        var verifier = Srp.ComputeVerifier(x, SrpGenerator, DhGroup.KnownPrime);
        CryptographicOperations.ZeroMemory(x);
        return new WorldPassword { Salt1 = salt1, Salt2 = salt2, Verifier = verifier, Hint = hint };
    }

    private static long RandomLong()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToInt64(bytes);
    }

    private static EmulatorUser Describe(WorldUser user)
        => new(user.Id, user.AccessHash, user.Phone, user.FirstName, user.LastName, user.Username, user.DcId, user.Password is not null, user.Pts);

    /// <summary>An error injected through <see cref="InjectError"/>; <see cref="Phone"/> null matches everyone.</summary>
    private sealed record InjectedError(string Method, int Code, string Error, string? Phone)
    {
        public int Remaining { get; set; }
    }
}
