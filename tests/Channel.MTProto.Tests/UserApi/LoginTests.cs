using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Login;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.UserApi;

/// <summary>TelegramUserClient's login against the in-process emulator over TCP.</summary>
public sealed class LoginTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignInAsync_TestNumberWithItsCode_SignedInAndAuthorized()
    {
        await using var host = await UserApiHost.StartAsync();
        var client = host.NewClient();

        var sent = await client.SendCodeAsync("+999 662 1001", Ct);
        Assert.NotNull(client.Session.LoginState);
        var result = await client.SignInAsync("22222", Ct);

        Assert.Equal(CodeType.App, sent.Type);
        Assert.Equal(5, sent.CodeLength);
        var user = Assert.IsType<SignedIn>(result).User;
        Assert.Equal(host.World.GetUser("9996621001").Id, user.Id);
        Assert.True(client.IsAuthorized);
        Assert.Equal(user.Id, client.Session.UserId);
        Assert.Null(client.Session.LoginState);
        Assert.Equal(user.Id, (await client.GetMeAsync(Ct)).Id);
    }

    [Fact]
    public async Task CheckPasswordAsync_WrongThenRight_PasswordInvalidThenSignedIn()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550101001", "Pat", Password: "correct horse", PasswordHint: "horse"));
        var client = host.NewClient();
        await client.SendCodeAsync("15550101001", Ct);

        var result = await client.SignInAsync(host.World.LastCode("15550101001")!, Ct);
        var wrong = await Assert.ThrowsAsync<LoginException>(() => client.CheckPasswordAsync("battery staple", Ct));
        var signedIn = await client.CheckPasswordAsync("correct horse".AsSpan(), Ct);

        Assert.Equal("horse", Assert.IsType<PasswordRequired>(result).Hint);
        Assert.Equal(LoginFailure.PasswordInvalid, wrong.Failure);
        Assert.Equal("PASSWORD_HASH_INVALID", wrong.RpcError?.ErrorName);
        Assert.DoesNotContain("battery", wrong.Message, StringComparison.Ordinal);
        Assert.Equal("Pat", signedIn.User.FirstName);
        Assert.True(client.IsAuthorized);
    }

    [Fact]
    public async Task SendCodeAsync_UserHomedOnDc4_MigratesAndSignsInThere()
    {
        await using var host = await UserApiHost.StartAsync(o => o.DcIds = [2, 4]);
        var client = host.NewClient(mainDcId: 2);

        await client.SendCodeAsync("9996641001", Ct);
        var result = await client.SignInAsync("44444", Ct);

        Assert.IsType<SignedIn>(result);
        Assert.Equal(4, client.Session.MainDcId);
        Assert.Contains(4, client.Session.DcIdsWithKeys);
        Assert.Equal(4, host.World.GetUser("9996641001").DcId);
        Assert.Equal(client.Session.UserId, (await client.GetMeAsync(Ct)).Id);
    }

    [Fact]
    public async Task SendCodeAsync_PhoneMigrateToADcNotConfigured_AddressLearnedFromGetConfig()
    {
        await using var host = await UserApiHost.StartAsync(o => o.DcIds = [2, 4]);
        var client = host.NewClient(mainDcId: 2, configuredDcs: [2]);
        Assert.Empty(client.Client.Addresses.GetEndPoints(4, forMedia: false));

        await client.SendCodeAsync("9996641002", Ct);
        var result = await client.SignInAsync("44444", Ct);

        Assert.IsType<SignedIn>(result);
        Assert.Equal(4, client.Session.MainDcId);
        Assert.Equal(host.Emulator.Dcs[4], Assert.Single(client.Client.Addresses.GetEndPoints(4, forMedia: false)));
        Assert.Contains(host.World.Connections("9996641002"), c => c.DcId == 4);
    }

    [Fact]
    public async Task SignInAsync_WrongCode_PhoneCodeInvalidAndRetryWorks()
    {
        await using var host = await UserApiHost.StartAsync();
        var client = host.NewClient();
        await client.SendCodeAsync("9996621002", Ct);

        var wrong = await Assert.ThrowsAsync<LoginException>(() => client.SignInAsync("12345", Ct));

        Assert.Equal(LoginFailure.PhoneCodeInvalid, wrong.Failure);
        Assert.DoesNotContain("12345", wrong.Message, StringComparison.Ordinal);
        Assert.IsType<SignedIn>(await client.SignInAsync("22222", Ct));
    }

    [Fact]
    public async Task SignInAsync_AfterCodeLifetime_PhoneCodeExpired()
    {
        // Only the emulator's clock is fake; the jump stays inside both sides' msg_id windows.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await UserApiHost.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.World.CodeLifetime = TimeSpan.FromSeconds(10);
        });
        var client = host.NewClient();
        await client.SendCodeAsync("9996621003", Ct);

        time.Advance(TimeSpan.FromSeconds(11));
        var expired = await Assert.ThrowsAsync<LoginException>(() => client.SignInAsync("22222", Ct));

        Assert.Equal(LoginFailure.PhoneCodeExpired, expired.Failure);
        Assert.False(client.IsAuthorized);
    }

    [Fact]
    public async Task SignInAsync_NewProcessFromSavedState_SameKeySignedIn()
    {
        await using var host = await UserApiHost.StartAsync();
        var first = host.NewClient();
        byte[]? saved = null;
        first.Session.Changed += (_, _) => saved = first.Session.Serialize();
        await first.SendCodeAsync("9996621004", Ct);
        await first.DisposeAsync();

        var second = host.NewClient(MTProtoSessionState.Deserialize(saved!));
        var result = await second.SignInAsync("22222", Ct);

        Assert.IsType<SignedIn>(result);
        Assert.True(second.IsAuthorized);
    }

    [Fact]
    public async Task SignInAsync_FreshSessionWithoutSendCode_NoPendingLogin()
    {
        await using var host = await UserApiHost.StartAsync();
        var client = host.NewClient();

        var error = await Assert.ThrowsAsync<LoginException>(() => client.SignInAsync("22222", Ct));

        Assert.Equal(LoginFailure.NoPendingLogin, error.Failure);
    }

    [Fact]
    public async Task SignInAsync_UnregisteredNumber_SignUpRequiredException()
    {
        await using var host = await UserApiHost.StartAsync();
        var client = host.NewClient();
        await client.SendCodeAsync("15550101002", Ct);

        var error = await Assert.ThrowsAsync<SignUpRequiredException>(() => client.SignInAsync(host.World.LastCode("15550101002")!, Ct));

        Assert.Equal(LoginFailure.SignUpRequired, error.Failure);
        Assert.Null(host.World.FindUser("15550101002"));
        Assert.False(client.IsAuthorized);
    }

    [Fact]
    public async Task SendCodeAsync_NotAPhoneNumber_PhoneNumberInvalid()
    {
        await using var host = await UserApiHost.StartAsync();
        var client = host.NewClient();

        var error = await Assert.ThrowsAsync<LoginException>(() => client.SendCodeAsync("123", Ct));

        Assert.Equal(LoginFailure.PhoneNumberInvalid, error.Failure);
    }

    [Fact]
    public async Task ResendAndCancel_PendingLogin_NewCodeThenForgotten()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550101003", "Quinn"));
        var client = host.NewClient();
        await client.SendCodeAsync("15550101003", Ct);
        var firstCode = host.World.LastCode("15550101003");

        var resent = await client.ResendCodeAsync(Ct);
        await client.CancelCodeAsync(Ct);

        Assert.Equal(CodeType.Sms, resent.Type);
        Assert.NotNull(firstCode);
        Assert.Null(client.Session.LoginState);
        Assert.Equal(LoginFailure.NoPendingLogin, (await Assert.ThrowsAsync<LoginException>(() => client.SignInAsync("00000", Ct))).Failure);
    }

    [Fact]
    public async Task TerminalError_SessionsRevokedByTheServer_RaisedOnNextCall()
    {
        await using var host = await UserApiHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996621005");
        var terminal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.TerminalError += (_, e) => terminal.TrySetResult(e.Error);

        host.World.RevokeSessions("9996621005");
        var error = await Record.ExceptionAsync(() => client.GetMeAsync(Ct));

        Assert.Equal("SESSION_REVOKED", await terminal.Task.WaitAsync(Ct));
        Assert.True(error is TelegramRpcException { ErrorName: "SESSION_REVOKED" } or MTProtoTerminalException, error?.ToString());
        await Assert.ThrowsAsync<MTProtoTerminalException>(() => client.GetMeAsync(Ct));
    }

    [Fact]
    public async Task LogOutAsync_SessionAlreadyRevoked_ThrowsSessionRevokedAndForgetsTheKey()
    {
        await using var host = await UserApiHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996621009");
        var dc = client.Session.MainDcId;
        host.World.RevokeSessions("9996621009");

        var error = await Assert.ThrowsAsync<TelegramRpcException>(() => client.LogOutAsync(Ct));

        Assert.Equal("SESSION_REVOKED", error.ErrorName);
        Assert.False(client.IsAuthorized);
        Assert.DoesNotContain(dc, client.Session.DcIdsWithKeys);
    }

    [Fact]
    public async Task LogOutAsync_LoggedIn_KeyForgottenAndNotAuthorized()
    {
        await using var host = await UserApiHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996621006");
        var dc = client.Session.MainDcId;

        await client.LogOutAsync(Ct);

        Assert.False(client.IsAuthorized);
        Assert.DoesNotContain(dc, client.Session.DcIdsWithKeys);
        Assert.Equal(0, client.Peers.Count);

        // A new key on the same client can log in again.
        await client.SendCodeAsync("9996621006", Ct);
        Assert.IsType<SignedIn>(await client.SignInAsync("22222", Ct));
    }

    [Fact]
    public async Task SendCodeAsync_AuthRestartOnce_RepeatedAndCodeSent()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550101004", "Rae"));
        host.World.InjectError("auth.sendCode", 500, "AUTH_RESTART", count: 1, user: "15550101004");
        var client = host.NewClient();

        var sent = await client.SendCodeAsync("15550101004", Ct);

        Assert.Equal(CodeType.App, sent.Type);
        Assert.IsType<SignedIn>(await client.SignInAsync(host.World.LastCode("15550101004")!, Ct));
    }

    [Fact]
    public async Task SignInAsync_AuthRestart_RestartedWithNewCodeThatSignsIn()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550101005", "Sam"));
        var client = host.NewClient();
        await client.SendCodeAsync("15550101005", Ct);
        var firstCode = host.World.LastCode("15550101005")!;
        host.World.InjectError("auth.signIn", 500, "AUTH_RESTART", count: 1, user: "15550101005");

        var restarted = await Assert.ThrowsAsync<LoginException>(() => client.SignInAsync(firstCode, Ct));

        Assert.Equal(LoginFailure.Restarted, restarted.Failure);
        Assert.NotNull(restarted.SentCode);
        Assert.NotNull(client.Session.LoginState);
        Assert.IsType<SignedIn>(await client.SignInAsync(host.World.LastCode("15550101005")!, Ct));
    }

    [Fact]
    public async Task CheckPasswordAsync_NewProcessAfterPasswordRequired_SignedIn()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550101006", "Tess", Password: "pw-tess"));
        var first = host.NewClient();
        await first.SendCodeAsync("15550101006", Ct);
        Assert.IsType<PasswordRequired>(await first.SignInAsync(host.World.LastCode("15550101006")!, Ct));
        var saved = first.Session.Serialize();
        await first.DisposeAsync();

        var second = host.NewClient(MTProtoSessionState.Deserialize(saved));
        var signedIn = await second.CheckPasswordAsync("pw-tess", Ct);

        Assert.Equal("Tess", signedIn.User.FirstName);
        Assert.Null(second.Session.LoginState);
    }
}
