using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;

namespace Channel.MTProto.Emulator.World;

/// <summary>Login: codes (expiry, attempt limit, single use, bound to the auth key), 2FA via SRP, authorization of
/// auth keys, log-out and revocation.</summary>
public sealed partial class EmulatorWorld
{
    private const int CodeLength = 5;
    private const int ResendTimeoutSeconds = 60;

    private readonly Dictionary<string, LoginCode> _codesByHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _lastCodeByPhone = new(StringComparer.Ordinal);
    private readonly Dictionary<AuthKeyState, PasswordCheck> _passwordChecks = [];
    private readonly ConcurrentDictionary<AuthKeyState, byte> _revokedKeys = new();

    /// <summary>The last login code the emulator "sent" to this phone (what the Telegram app would show), or null.</summary>
    public string? LastCode(string phone)
    {
        var digits = NormalizePhone(phone);
        lock (_lock)
        {
            return digits is not null && _lastCodeByPhone.TryGetValue(digits, out var code) ? code : null;
        }
    }

    /// <summary>
    /// Logs every auth key of the user out and marks them revoked (their next call: 401 SESSION_REVOKED), then drops
    /// their live connections. Returns how many auth keys were revoked.
    /// </summary>
    public int RevokeSessions(string reference)
    {
        var drop = new List<ServerSession>();
        int count;
        lock (_lock)
        {
            var user = Resolve(reference);
            var keys = AuthorizedKeys(user.Id).ToList();
            foreach (var key in keys)
            {
                SetAuthorization(key, null);
                _revokedKeys[key] = 0;
                drop.AddRange(key.Sessions.Values);
            }

            count = keys.Count;
        }

        foreach (var session in drop)
        {
            session.Connection?.Abort("sessions revoked through the world API");
        }

        return count;
    }

    /// <summary>The user authorized on this call's auth key; 401 SESSION_REVOKED / AUTH_KEY_UNREGISTERED otherwise.</summary>
    internal long RequireUser(RpcContext context) => RequireUserLocked(context).Id;

    /// <summary>The caller's phone when authorized (for flood rules), else null.</summary>
    internal string? CallerPhone(RpcContext context)
        => context.AuthorizedUserId is { } id && _usersById.TryGetValue(id, out var user) ? user.Phone : null;

    /// <summary>Lock-free (concurrent collections): every authorized call passes here.</summary>
    private WorldUser RequireUserLocked(RpcContext context)
    {
        if (_revokedKeys.ContainsKey(context.AuthKey))
        {
            throw new RpcErrorException(401, "SESSION_REVOKED");
        }

        return context.AuthorizedUserId is { } id && _usersById.TryGetValue(id, out var user)
            ? user
            : throw new RpcErrorException(401, "AUTH_KEY_UNREGISTERED");
    }

    internal Tl.Api.Auth.SentCode SendCode(RpcContext context, string phoneNumber)
    {
        var phone = NormalizePhone(phoneNumber) ?? throw new RpcErrorException(400, "PHONE_NUMBER_INVALID");
        lock (_lock)
        {
            var homeDc = _usersByPhone.TryGetValue(phone, out var user) ? user.DcId
                : TestNumberDc(phone) is not null ? DefaultHomeDc(phone)
                : (int?)null;
            if (homeDc is { } home && home != context.DcId)
            {
                throw new RpcErrorException(303, "PHONE_MIGRATE_" + home.ToString(CultureInfo.InvariantCulture));
            }

            // A new sendCode on the same key replaces the previous code for that phone.
            RemoveCodesLocked(code => code.Phone == phone && code.AuthKey == context.AuthKey);
            var hash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9));
            var login = new LoginCode(phone, hash, context.AuthKey) { Code = NewCode(phone) };
            IssueLocked(login);
            _codesByHash[hash] = login;
            return SentCode(login, viaSms: false);
        }
    }

    internal Tl.Api.Auth.SentCode ResendCode(RpcContext context, string phoneNumber, string phoneCodeHash)
    {
        lock (_lock)
        {
            var login = UsableCodeLocked(context, phoneNumber, phoneCodeHash);
            login.Code = NewCode(login.Phone);
            login.WrongAttempts = 0;
            IssueLocked(login);
            return SentCode(login, viaSms: true);
        }
    }

    internal void CancelCode(RpcContext context, string phoneNumber, string phoneCodeHash)
    {
        lock (_lock)
        {
            var login = UsableCodeLocked(context, phoneNumber, phoneCodeHash);
            _codesByHash.Remove(login.Hash);
        }
    }

    /// <summary>auth.signIn: the user (authorized), null when sign-up is required, or 401 SESSION_PASSWORD_NEEDED.</summary>
    internal Tl.Api.UserBase? SignIn(RpcContext context, string phoneNumber, string phoneCodeHash, string? phoneCode)
    {
        if (string.IsNullOrEmpty(phoneCode))
        {
            throw new RpcErrorException(400, "PHONE_CODE_EMPTY");
        }

        lock (_lock)
        {
            var login = UsableCodeLocked(context, phoneNumber, phoneCodeHash);
            if (login.SignUpAllowed || !CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(login.Code), System.Text.Encoding.ASCII.GetBytes(phoneCode)))
            {
                if (++login.WrongAttempts >= _options.MaxCodeAttempts)
                {
                    _codesByHash.Remove(login.Hash);
                }

                throw new RpcErrorException(400, "PHONE_CODE_INVALID");
            }

            if (!_usersByPhone.TryGetValue(login.Phone, out var user))
            {
                if (TestNumberDc(login.Phone) is not { } x)
                {
                    // The code is right; auth.signUp may now use this hash (and nothing else may).
                    login.SignUpAllowed = true;
                    return null;
                }

                user = AddUserLocked(login.Phone, string.Create(CultureInfo.InvariantCulture, $"Test {x}-{login.Phone[^4..]}"), null, null, DefaultHomeDc(login.Phone));
            }

            _codesByHash.Remove(login.Hash);
            return CompleteSignInLocked(context, user);
        }
    }

    internal Tl.Api.UserBase SignUp(RpcContext context, string phoneNumber, string phoneCodeHash, string firstName, string lastName)
    {
        lock (_lock)
        {
            var login = UsableCodeLocked(context, phoneNumber, phoneCodeHash);
            if (!login.SignUpAllowed)
            {
                throw new RpcErrorException(400, "PHONE_CODE_INVALID");
            }

            if (string.IsNullOrWhiteSpace(firstName) || firstName.Length > MaxNameLength)
            {
                throw new RpcErrorException(400, "FIRSTNAME_INVALID");
            }

            if (_usersByPhone.ContainsKey(login.Phone))
            {
                throw new RpcErrorException(400, "PHONE_NUMBER_OCCUPIED");
            }

            if (lastName.Length > MaxNameLength)
            {
                throw new RpcErrorException(400, "LASTNAME_INVALID");
            }

            _codesByHash.Remove(login.Hash);
            var user = AddUserLocked(login.Phone, firstName.Trim(), lastName, null, context.DcId);
            return CompleteSignInLocked(context, user);
        }
    }

    /// <summary>account.getPassword for a key that is authorized or waiting for its 2FA step: fresh srp_id and srp_B.</summary>
    internal Tl.Api.Account.Password GetPassword(RpcContext context)
    {
        lock (_lock)
        {
            var user = context.AuthorizedUserId is not null ? RequireUserLocked(context)
                : _passwordChecks.TryGetValue(context.AuthKey, out var pending) ? _usersById[pending.UserId]
                : throw new RpcErrorException(401, "AUTH_KEY_UNREGISTERED");
            var newAlgo = new Tl.Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow
            {
                Salt1 = RandomNumberGenerator.GetBytes(8),
                Salt2 = RandomNumberGenerator.GetBytes(16),
                G = SrpGenerator,
                P = BigEndian.ToBytes(DhGroup.KnownPrime, DhGroup.PrimeBytes),
            };
            var newSecureAlgo = new Tl.Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000 { Salt = RandomNumberGenerator.GetBytes(8) };
            if (user.Password is not { } password)
            {
                return new Tl.Api.Account.Password { NewAlgo = newAlgo, NewSecureAlgo = newSecureAlgo, SecureRandom = RandomNumberGenerator.GetBytes(32) };
            }

            var srp = new SrpServer(SrpGenerator, DhGroup.KnownPrime, password.Salt1, password.Salt2, password.Verifier, SystemRandomSource.Instance);
            var srpId = RandomLong();
            _passwordChecks[context.AuthKey] = new PasswordCheck(user.Id, srpId, srp);
            return new Tl.Api.Account.Password
            {
                HasPassword = true,
                CurrentAlgo = new Tl.Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow
                {
                    Salt1 = password.Salt1,
                    Salt2 = password.Salt2,
                    G = SrpGenerator,
                    P = newAlgo.P,
                },
                SrpB = srp.B,
                SrpId = srpId,
                Hint = password.Hint,
                NewAlgo = newAlgo,
                NewSecureAlgo = newSecureAlgo,
                SecureRandom = RandomNumberGenerator.GetBytes(32),
            };
        }
    }

    /// <summary>
    /// auth.checkPassword: the SRP proof against the srp_B of this key's last account.getPassword. Each srp_id serves
    /// one check (a retry needs a new getPassword): SRP_ID_INVALID for a stale or unknown id, PASSWORD_HASH_INVALID for a
    /// wrong password.
    /// </summary>
    internal Tl.Api.UserBase CheckPassword(RpcContext context, Tl.Api.InputCheckPasswordSRPBase input)
    {
        if (input is not Tl.Api.InputCheckPasswordSRP proof)
        {
            throw new RpcErrorException(400, "PASSWORD_HASH_INVALID");
        }

        lock (_lock)
        {
            if (!_passwordChecks.TryGetValue(context.AuthKey, out var check) || check.Server is null || check.SrpId != proof.SrpId || check.Used)
            {
                throw new RpcErrorException(400, "SRP_ID_INVALID");
            }

            check.Used = true;
            if (!check.Server.VerifyClientProof(proof.A, proof.M1))
            {
                throw new RpcErrorException(400, "PASSWORD_HASH_INVALID");
            }

            _passwordChecks.Remove(context.AuthKey);
            return AuthorizeLocked(context, _usersById[check.UserId]);
        }
    }

    internal void LogOut(RpcContext context)
    {
        lock (_lock)
        {
            RequireUserLocked(context);
            SetAuthorization(context.AuthKey, null);
        }
    }

    private Tl.Api.UserBase CompleteSignInLocked(RpcContext context, WorldUser user)
    {
        if (user.DcId != context.DcId)
        {
            throw new RpcErrorException(303, "USER_MIGRATE_" + user.DcId.ToString(CultureInfo.InvariantCulture));
        }

        if (user.Password is not null)
        {
            // Until account.getPassword, no srp_id is valid for this key.
            _passwordChecks[context.AuthKey] = new PasswordCheck(user.Id, 0, null);
            throw new RpcErrorException(401, "SESSION_PASSWORD_NEEDED");
        }

        return AuthorizeLocked(context, user);
    }

    private Tl.Api.UserBase AuthorizeLocked(RpcContext context, WorldUser user)
    {
        _revokedKeys.TryRemove(context.AuthKey, out _);
        SetAuthorization(context.AuthKey, user.Id);
        return WorldTl.User(user, user.Id);
    }

    /// <summary>The code for (phone, hash) issued to this auth key, if still usable; else PHONE_CODE_EXPIRED.</summary>
    private LoginCode UsableCodeLocked(RpcContext context, string phoneNumber, string phoneCodeHash)
    {
        if (string.IsNullOrEmpty(phoneCodeHash))
        {
            throw new RpcErrorException(400, "PHONE_CODE_HASH_EMPTY");
        }

        var phone = NormalizePhone(phoneNumber) ?? throw new RpcErrorException(400, "PHONE_NUMBER_INVALID");
        if (!_codesByHash.TryGetValue(phoneCodeHash, out var login) || login.Phone != phone || login.AuthKey != context.AuthKey)
        {
            throw new RpcErrorException(400, "PHONE_CODE_EXPIRED");
        }

        if (login.ExpiresAt <= Time.GetUtcNow())
        {
            _codesByHash.Remove(login.Hash);
            throw new RpcErrorException(400, "PHONE_CODE_EXPIRED");
        }

        return login;
    }

    private void IssueLocked(LoginCode login)
    {
        login.ExpiresAt = Time.GetUtcNow() + _options.CodeLifetime;
        _lastCodeByPhone[login.Phone] = login.Code;
    }

    private void RemoveCodesLocked(Func<LoginCode, bool> match)
    {
        foreach (var hash in _codesByHash.Values.Where(match).Select(c => c.Hash).ToList())
        {
            _codesByHash.Remove(hash);
        }
    }

    /// <summary>Test numbers 99966XYYYY get X five times (Telegram's test-DC rule); others a random code.</summary>
    private static string NewCode(string phone)
        => TestNumberDc(phone) is { } x
            ? new string((char)('0' + x), CodeLength)
            : RandomNumberGenerator.GetInt32(0, 100_000).ToString("D5", CultureInfo.InvariantCulture);

    private static Tl.Api.Auth.SentCode SentCode(LoginCode login, bool viaSms) => new()
    {
        Type = viaSms ? new Tl.Api.Auth.SentCodeTypeSms { Length = CodeLength } : new Tl.Api.Auth.SentCodeTypeApp { Length = CodeLength },
        PhoneCodeHash = login.Hash,
        NextType = new Tl.Api.Auth.CodeTypeSms(),
        Timeout = ResendTimeoutSeconds,
    };

    private sealed class LoginCode(string phone, string hash, AuthKeyState authKey)
    {
        public string Phone { get; } = phone;

        public string Hash { get; } = hash;

        public AuthKeyState AuthKey { get; } = authKey;

        public string Code { get; set; } = string.Empty;

        public DateTimeOffset ExpiresAt { get; set; }

        public int WrongAttempts { get; set; }

        /// <summary>The right code was given for an unknown number: only auth.signUp may use the hash now.</summary>
        public bool SignUpAllowed { get; set; }
    }

    /// <summary>An auth key between SESSION_PASSWORD_NEEDED and a successful auth.checkPassword.</summary>
    private sealed class PasswordCheck(long userId, long srpId, SrpServer? server)
    {
        public long UserId { get; } = userId;

        public long SrpId { get; } = srpId;

        public SrpServer? Server { get; } = server;

        public bool Used { get; set; }
    }
}
