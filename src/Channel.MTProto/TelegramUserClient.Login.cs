using System.Security.Cryptography;
using System.Text;
using Channel.MTProto.Client;
using Channel.MTProto.Crypto;
using Channel.MTProto.Login;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto;

/// <summary>
/// Login: SendCode → SignIn(code) → [CheckPassword(password)], plus ResendCode, CancelCode and LogOut. The pending
/// login (phone, phone_code_hash, DC) lives in <see cref="MTProtoSessionState.LoginState"/> and the pre-login auth key
/// in the session too, so SignIn may run in a new process that loaded the saved state: same key, same hash, no
/// PHONE_CODE_EXPIRED.
/// </summary>
internal sealed partial class TelegramUserClient
{
    /// <summary>auth.sendCode. PHONE_MIGRATE_X moves to the phone's DC and repeats; AUTH_RESTART repeats once.</summary>
    /// <param name="phone">The phone number ('+', spaces and dashes ignored).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="LoginException">PHONE_NUMBER_INVALID, PHONE_NUMBER_BANNED, or an unsupported answer.</exception>
    /// <exception cref="FloodWaitException">Too many codes requested.</exception>
    public async Task<SentCode> SendCodeAsync(string phone, CancellationToken cancellationToken = default)
    {
        var digits = PeerCache.NormalizePhone(phone) ?? throw new ArgumentException("The phone number has no digits.", nameof(phone));
        if (Session.IsAuthorized)
        {
            throw new InvalidOperationException("An account is already logged in on this session; log out first.");
        }

        var restarted = false;
        while (true)
        {
            try
            {
                var request = new Auth.SendCode { PhoneNumber = digits, ApiId = _client.Options.ApiId, ApiHash = _options.ApiHash, Settings = new CodeSettings() };
                return RememberSentCode(digits, await InvokeAsync(request, cancellationToken).ConfigureAwait(false));
            }
            catch (TelegramRpcException ex) when (ex.ErrorName == "AUTH_RESTART" && !restarted)
            {
                restarted = true;
                Log.AuthRestart(_logger);
            }
            catch (TelegramRpcException ex) when (ToLoginException(ex) is { } login)
            {
                throw login;
            }
        }
    }

    /// <summary>auth.resendCode for the pending login (uses <see cref="SentCode.NextType"/> after its timeout).</summary>
    public async Task<SentCode> ResendCodeAsync(CancellationToken cancellationToken = default)
    {
        var pending = GetPendingLogin();
        try
        {
            var sent = await InvokeAsync(new Auth.ResendCode { PhoneNumber = pending.Phone, PhoneCodeHash = pending.PhoneCodeHash }, cancellationToken).ConfigureAwait(false);
            return RememberSentCode(pending.Phone, sent);
        }
        catch (TelegramRpcException ex) when (ToLoginException(ex) is { } login)
        {
            throw login;
        }
    }

    /// <summary>auth.cancelCode for the pending login, then forgets it.</summary>
    public async Task CancelCodeAsync(CancellationToken cancellationToken = default)
    {
        var pending = GetPendingLogin();
        try
        {
            await InvokeAsync(new Auth.CancelCode { PhoneNumber = pending.Phone, PhoneCodeHash = pending.PhoneCodeHash }, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramRpcException ex) when (ex.ErrorName is "PHONE_CODE_EXPIRED" or "PHONE_CODE_INVALID")
        {
            // Nothing left to cancel.
        }

        Session.LoginState = null;
    }

    /// <summary>auth.signIn with the code the user received.</summary>
    /// <returns><see cref="SignedIn"/>, or <see cref="PasswordRequired"/> (call <see cref="CheckPasswordAsync(string, CancellationToken)"/>).</returns>
    /// <exception cref="SignUpRequiredException">The phone has no account (we never create one).</exception>
    /// <exception cref="LoginException">
    /// Wrong, empty or expired code; no pending login; <see cref="LoginFailure.Restarted"/> (AUTH_RESTART: a new code
    /// was sent, see <see cref="LoginException.SentCode"/>).
    /// </exception>
    public async Task<SignInResult> SignInAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var pending = GetPendingLogin();
        try
        {
            var request = new Auth.SignIn { PhoneNumber = pending.Phone, PhoneCodeHash = pending.PhoneCodeHash, PhoneCode = code.Trim() };
            return new SignedIn(CompleteLogin(await InvokeAsync(request, cancellationToken).ConfigureAwait(false)));
        }
        catch (TelegramRpcException ex) when (ex.ErrorName == "SESSION_PASSWORD_NEEDED")
        {
            Session.LoginState = (pending with { PasswordPending = true }).Serialize();
            Log.PasswordRequired(_logger);
            var password = await InvokeAsync(new Account.GetPassword(), cancellationToken).ConfigureAwait(false);
            return new PasswordRequired((password as Account.Password)?.Hint);
        }
        catch (TelegramRpcException ex) when (ex.ErrorName == "AUTH_RESTART")
        {
            Log.AuthRestart(_logger);
            Session.LoginState = null;
            var sent = await SendCodeAsync(pending.Phone, cancellationToken).ConfigureAwait(false);
            throw new LoginException(LoginFailure.Restarted, "Telegram restarted the login; a new code was sent.", ex) { SentCode = sent };
        }
        catch (TelegramRpcException ex) when (ToLoginException(ex) is { } login)
        {
            throw login;
        }
    }

    /// <summary>The 2FA step: account.getPassword, SRP proof (A, M1), auth.checkPassword.</summary>
    /// <exception cref="LoginException"><see cref="LoginFailure.PasswordInvalid"/> for a wrong password.</exception>
    public Task<SignedIn> CheckPasswordAsync(string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        return CheckPasswordAsync(password.AsSpan(), cancellationToken);
    }

    /// <summary>
    /// As <see cref="CheckPasswordAsync(string, CancellationToken)"/>, for a password the host keeps in a buffer it wipes:
    /// the only copy made is one UTF-8 array, zeroed when the call ends.
    /// </summary>
    public Task<SignedIn> CheckPasswordAsync(ReadOnlySpan<char> password, CancellationToken cancellationToken = default)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(password)];
        Encoding.UTF8.GetBytes(password, utf8);
        return CheckPasswordCoreAsync(utf8, cancellationToken);
    }

    /// <summary>auth.logOut, then forgets the auth key, the pending login, the update state and the peer cache.</summary>
    /// <exception cref="TelegramRpcException">
    /// AUTH_KEY_UNREGISTERED or SESSION_REVOKED: Telegram had already ended the session (from another device, say).
    /// Everything is forgotten all the same; the error tells the caller it was not this call that ended it.
    /// </exception>
    public async Task LogOutAsync(CancellationToken cancellationToken = default)
    {
        var dcId = Session.MainDcId;
        try
        {
            await InvokeAsync(new Auth.LogOut(), cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramRpcException ex) when (ex.ErrorName is "AUTH_KEY_UNREGISTERED" or "SESSION_REVOKED")
        {
            await ForgetLoginAsync(dcId).ConfigureAwait(false);
            throw;
        }

        await ForgetLoginAsync(dcId).ConfigureAwait(false);
    }

    private async Task ForgetLoginAsync(int dcId)
    {
        await _client.ForgetDcAsync(dcId).ConfigureAwait(false);
        Session.UserId = null;
        Session.LoginState = null;
        Session.UpdateState = null;
        _peers.Clear();
        Log.LoggedOut(_logger, dcId);
    }

    private async Task<SignedIn> CheckPasswordCoreAsync(byte[] passwordUtf8, CancellationToken cancellationToken)
    {
        try
        {
            // SRP_ID_INVALID: the srp_B we used expired; fetch a fresh one once.
            for (var attempt = 0; ; attempt++)
            {
                var password = await InvokeAsync(new Account.GetPassword(), cancellationToken).ConfigureAwait(false) as Account.Password;
                if (password is not { HasPassword: true, CurrentAlgo: PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow algo, SrpB: { } srpB, SrpId: { } srpId })
                {
                    throw new LoginException(LoginFailure.Unsupported, "The account has no 2FA password in a form this client supports.");
                }

                var proof = Srp.ComputeClientProof(passwordUtf8, algo.Salt1, algo.Salt2, algo.G, algo.P, srpB, srpId, SystemRandomSource.Instance);
                try
                {
                    var check = new Auth.CheckPassword { Password = new InputCheckPasswordSRP { SrpId = proof.SrpId, A = proof.A, M1 = proof.M1 } };
                    return new SignedIn(CompleteLogin(await InvokeAsync(check, cancellationToken).ConfigureAwait(false)));
                }
                catch (TelegramRpcException ex) when (ex.ErrorName == "SRP_ID_INVALID" && attempt == 0)
                {
                    // Loop: new account.password, new proof.
                }
            }
        }
        catch (TelegramRpcException ex) when (ToLoginException(ex) is { } login)
        {
            throw login;
        }
        catch (MTProtoSecurityException ex)
        {
            throw new LoginException(LoginFailure.Unsupported, "Telegram's SRP parameters failed the safety checks.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordUtf8);
        }
    }

    private LoginState GetPendingLogin() =>
        Session.LoginState is { } saved
            ? LoginState.Deserialize(saved)
            : throw new LoginException(LoginFailure.NoPendingLogin, "No login is pending: call SendCode first.");

    private SentCode RememberSentCode(string phone, Auth.SentCodeBase sent)
    {
        if (sent is not Auth.SentCode code)
        {
            throw new LoginException(LoginFailure.Unsupported, $"Telegram answered {sent.GetType().Name}, which this client does not support.");
        }

        var result = ToSentCode(code);
        Session.LoginState = new LoginState(phone, code.PhoneCodeHash, result.Type, Session.MainDcId, PasswordPending: false).Serialize();
        Log.CodeSent(_logger, Session.MainDcId, result.Type);
        return result;
    }

    private TelegramUser CompleteLogin(Auth.AuthorizationBase authorization)
    {
        switch (authorization)
        {
            case Auth.Authorization { User: User user }:
                Session.LoginState = null;
                Session.UserId = user.Id;
                Log.LoggedIn(_logger, user.Id, Session.MainDcId);
                return ToTelegramUser(user);
            case Auth.AuthorizationSignUpRequired:
                Session.LoginState = null;
                throw new SignUpRequiredException();
            default:
                throw new LoginException(LoginFailure.Unsupported, $"Telegram answered {authorization.GetType().Name} to the login.");
        }
    }

    /// <summary>The login errors the host acts on, as <see cref="LoginException"/>; null for anything else.</summary>
    private static LoginException? ToLoginException(TelegramRpcException ex) => ex.ErrorName switch
    {
        "PHONE_NUMBER_INVALID" => new LoginException(LoginFailure.PhoneNumberInvalid, "The phone number is invalid.", ex),
        "PHONE_NUMBER_BANNED" => new LoginException(LoginFailure.PhoneNumberBanned, "The phone number is banned from Telegram.", ex),
        "PHONE_CODE_INVALID" or "PHONE_CODE_EMPTY" => new LoginException(LoginFailure.PhoneCodeInvalid, "The login code is wrong.", ex),
        "PHONE_CODE_EXPIRED" => new LoginException(LoginFailure.PhoneCodeExpired, "The login code expired; request a new one.", ex),
        "PASSWORD_HASH_INVALID" => new LoginException(LoginFailure.PasswordInvalid, "The 2FA password is wrong.", ex),
        "PHONE_NUMBER_UNOCCUPIED" => new SignUpRequiredException("This phone number has no Telegram account; sign up in an official app first.", ex),
        _ => null,
    };

    internal static TelegramUser ToTelegramUser(User user) =>
        new(user.Id, user.FirstName, user.LastName, user.GetUsername(), user.Phone, user.Bot, user.Premium);

    private static SentCode ToSentCode(Auth.SentCode code)
    {
        (CodeType Type, int? Length) info = code.Type switch
        {
            Auth.SentCodeTypeApp app => (CodeType.App, app.Length),
            Auth.SentCodeTypeSms sms => (CodeType.Sms, sms.Length),
            Auth.SentCodeTypeCall call => (CodeType.Call, call.Length),
            Auth.SentCodeTypeFlashCall => (CodeType.FlashCall, null),
            Auth.SentCodeTypeMissedCall missed => (CodeType.MissedCall, missed.Length),
            Auth.SentCodeTypeEmailCode email => (CodeType.Email, email.Length),
            Auth.SentCodeTypeSetUpEmailRequired => (CodeType.SetUpEmailRequired, null),
            Auth.SentCodeTypeFragmentSms fragment => (CodeType.Fragment, fragment.Length),
            Auth.SentCodeTypeFirebaseSms firebase => (CodeType.FirebaseSms, firebase.Length),
            Auth.SentCodeTypeSmsWord => (CodeType.SmsWord, null),
            Auth.SentCodeTypeSmsPhrase => (CodeType.SmsPhrase, null),
            _ => (CodeType.Unknown, null),
        };
        CodeType? next = code.NextType switch
        {
            null => null,
            Auth.CodeTypeSms => CodeType.Sms,
            Auth.CodeTypeCall => CodeType.Call,
            Auth.CodeTypeFlashCall => CodeType.FlashCall,
            Auth.CodeTypeMissedCall => CodeType.MissedCall,
            Auth.CodeTypeFragmentSms => CodeType.Fragment,
            _ => CodeType.Unknown,
        };
        return new SentCode(info.Type, next, code.Timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null, info.Length);
    }
}
