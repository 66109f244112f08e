using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>Login rules of the emulated world, driven through our client over TCP.</summary>
public sealed class LoginTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_TestNumberWithXFiveTimes_AuthorizesKeyAndRegistersUser()
    {
        await using var host = await WorldTestHost.StartAsync();
        var client = host.NewClient();

        var sent = Assert.IsType<Auth.SentCode>(await WorldTestHost.SendCodeAsync(client, "+999 66 2 1234"));
        Assert.Equal(5, Assert.IsType<Auth.SentCodeTypeApp>(sent.Type).Length);
        Assert.IsType<Auth.CodeTypeSms>(sent.NextType);
        var authorization = Assert.IsType<Auth.Authorization>(await WorldTestHost.SignInAsync(client, "9996621234", sent.PhoneCodeHash, "22222"));

        var me = Assert.IsType<User>(authorization.User);
        Assert.True(me.Self);
        Assert.Equal("Test 2-1234", me.FirstName);
        var self = Assert.IsType<User>(Assert.Single(await client.InvokeAsync(new Users.GetUsers { Id = [new InputUserSelf()] }, Ct)));
        Assert.Equal(me.Id, self.Id);
        Assert.Equal(2, host.World.GetUser("9996621234").DcId);
        Assert.InRange(me.Id, 1, (1L << 53) - 1);
    }

    [Fact]
    public async Task SignIn_WrongCodeUntilLimit_InvalidThenExpired()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.World.MaxCodeAttempts = 2);
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "9996621111");

        Assert.Equal("PHONE_CODE_INVALID", (await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "9996621111", sent.PhoneCodeHash, "12345"))).ErrorName);
        Assert.Equal("PHONE_CODE_INVALID", (await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "9996621111", sent.PhoneCodeHash, "12346"))).ErrorName);
        var afterLimit = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "9996621111", sent.PhoneCodeHash, "22222"));

        Assert.Equal("PHONE_CODE_EXPIRED", afterLimit.ErrorName);
        Assert.Equal(400, afterLimit.Code);
    }

    [Fact]
    public async Task SignIn_CodeUsedTwice_SecondTimeExpired()
    {
        await using var host = await WorldTestHost.StartAsync();
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "9996622222");
        await WorldTestHost.SignInAsync(client, "9996622222", sent.PhoneCodeHash, "22222");

        var again = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "9996622222", sent.PhoneCodeHash, "22222"));

        Assert.Equal("PHONE_CODE_EXPIRED", again.ErrorName);
    }

    [Fact]
    public async Task SignIn_AfterCodeLifetime_Expired()
    {
        // Only the emulator's clock is fake. The jump stays well inside the msg_id windows (−300 s / +30 s) both sides
        // apply, so the client and the emulator keep talking.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await WorldTestHost.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.World.CodeLifetime = TimeSpan.FromSeconds(10);
        });
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "9996623333");

        time.Advance(TimeSpan.FromSeconds(11));
        var expired = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "9996623333", sent.PhoneCodeHash, "22222"));

        Assert.Equal("PHONE_CODE_EXPIRED", expired.ErrorName);
    }

    [Fact]
    public async Task ResendCode_NewCodeSameHash_OldCodeInvalidThenCancelEndsIt()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("15550003030", "Rae"));
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "15550003030");
        var first = host.World.LastCode("15550003030")!;

        var resent = Assert.IsType<Auth.SentCode>(await client.InvokeAsync(new Auth.ResendCode { PhoneNumber = "15550003030", PhoneCodeHash = sent.PhoneCodeHash }, Ct));
        var second = host.World.LastCode("15550003030")!;

        Assert.Equal(sent.PhoneCodeHash, resent.PhoneCodeHash);
        Assert.IsType<Auth.SentCodeTypeSms>(resent.Type);
        if (first != second)
        {
            Assert.Equal("PHONE_CODE_INVALID", (await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "15550003030", sent.PhoneCodeHash, first))).ErrorName);
        }

        Assert.True(await client.InvokeAsync(new Auth.CancelCode { PhoneNumber = "15550003030", PhoneCodeHash = sent.PhoneCodeHash }, Ct));
        Assert.Equal("PHONE_CODE_EXPIRED", (await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "15550003030", sent.PhoneCodeHash, second))).ErrorName);
    }

    [Fact]
    public async Task SignIn_CodeFromAnotherAuthKey_Expired()
    {
        await using var host = await WorldTestHost.StartAsync();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(host.NewClient(), "9996624444");

        var other = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(host.NewClient(), "9996624444", sent.PhoneCodeHash, "22222"));

        Assert.Equal("PHONE_CODE_EXPIRED", other.ErrorName);
    }

    [Fact]
    public async Task SendCode_PhoneHomedOnAnotherDc_PhoneMigrate()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.DcIds = [2, 4]);
        var client = host.NewClient(mainDcId: 2);

        var migrate = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SendCodeAsync(client, "9996641234"));
        Assert.Equal(303, migrate.Code);
        Assert.Equal("PHONE_MIGRATE", migrate.ErrorName);
        Assert.Equal(4, migrate.Parameter);

        var (_, me) = await host.LoginAsync("9996641234", dcId: 4);
        Assert.Equal(4, host.World.GetUser(me.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).DcId);
    }

    [Fact]
    public async Task SendCode_NotAPhoneNumber_PhoneNumberInvalid()
    {
        await using var host = await WorldTestHost.StartAsync();

        var invalid = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SendCodeAsync(host.NewClient(), "12ab"));

        Assert.Equal("PHONE_NUMBER_INVALID", invalid.ErrorName);
    }

    [Fact]
    public async Task SignIn_UnknownNumberWithRightCode_SignUpRequired()
    {
        await using var host = await WorldTestHost.StartAsync();
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "15550009999");

        var result = await WorldTestHost.SignInAsync(client, "15550009999", sent.PhoneCodeHash, host.World.LastCode("15550009999")!);

        Assert.IsType<Auth.AuthorizationSignUpRequired>(result);
        Assert.Null(host.World.FindUser("15550009999"));
    }

    [Fact]
    public async Task CheckPassword_WrongThenStaleThenRight_HashInvalidSrpIdInvalidAuthorized()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("15550001234", "Pat", Password: "open sesame", PasswordHint: "sesame"));
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "15550001234");

        var needed = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SignInAsync(client, "15550001234", sent.PhoneCodeHash, host.World.LastCode("15550001234")!));
        Assert.Equal((401, "SESSION_PASSWORD_NEEDED"), (needed.Code, needed.ErrorName));

        var wrong = await ProveAsync(client, "open sesam");
        Assert.Equal("PASSWORD_HASH_INVALID", (await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Auth.CheckPassword { Password = wrong.Proof }, Ct))).ErrorName);
        Assert.Equal("sesame", wrong.Hint);

        var right = await ProveAsync(client, "open sesame");
        var stale = new InputCheckPasswordSRP { SrpId = right.Proof.SrpId + 1, A = right.Proof.A, M1 = right.Proof.M1 };
        Assert.Equal("SRP_ID_INVALID", (await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Auth.CheckPassword { Password = stale }, Ct))).ErrorName);

        right = await ProveAsync(client, "open sesame");
        var authorization = Assert.IsType<Auth.Authorization>(await client.InvokeAsync(new Auth.CheckPassword { Password = right.Proof }, Ct));
        Assert.Equal("Pat", Assert.IsType<User>(authorization.User).FirstName);
        Assert.IsType<Updates.State>(await client.InvokeAsync(new Updates.GetState(), Ct));
    }

    [Fact]
    public async Task UserMethod_UnauthorizedKey_AuthKeyUnregistered()
    {
        await using var host = await WorldTestHost.StartAsync();

        var error = await WorldTestHost.RpcErrorAsync(() => host.NewClient().InvokeAsync(new Updates.GetState(), Ct));

        Assert.Equal((401, "AUTH_KEY_UNREGISTERED"), (error.Code, error.ErrorName));
    }

    [Fact]
    public async Task LogOut_ThenUserMethod_AuthKeyUnregistered()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996625555");

        Assert.IsType<Auth.LoggedOut>(await client.InvokeAsync(new Auth.LogOut(), Ct));
        var error = await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetState(), Ct));

        Assert.Equal("AUTH_KEY_UNREGISTERED", error.ErrorName);
    }

    [Fact]
    public async Task RevokeSessions_NextCall_SessionRevoked()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996626666");

        Assert.Equal(1, host.World.RevokeSessions("9996626666"));
        var error = await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetState(), Ct));

        Assert.Equal((401, "SESSION_REVOKED"), (error.Code, error.ErrorName));
    }

    [Fact]
    public async Task InjectFlood_NextCallsOfMethod_FloodWaitThenNormal()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996627777");
        host.World.InjectFlood("updates.getState", seconds: 30, count: 2, user: "9996627777");

        for (var i = 0; i < 2; i++)
        {
            var flood = await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetState(), Ct));
            Assert.Equal((420, "FLOOD_WAIT", 30), (flood.Code, flood.ErrorName, flood.Parameter));
        }

        Assert.IsType<Updates.State>(await client.InvokeAsync(new Updates.GetState(), Ct));
    }

    [Fact]
    public async Task InjectError_AuthRestartForOnePhone_OnlyThatPhoneOnce()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("15550006060", "Uma"));
        host.World.InjectError("auth.sendCode", 500, "AUTH_RESTART", count: 1, user: "15550006060");
        var client = host.NewClient();

        Assert.IsType<Auth.SentCode>(await WorldTestHost.SendCodeAsync(client, "9996626060")); // another phone: unaffected
        var restart = await WorldTestHost.RpcErrorAsync(() => WorldTestHost.SendCodeAsync(client, "+1 555 000 6060"));

        Assert.Equal((500, "AUTH_RESTART"), (restart.Code, restart.ErrorName));
        Assert.IsType<Auth.SentCode>(await WorldTestHost.SendCodeAsync(client, "15550006060"));
        Assert.Throws<EmulatorWorldException>(() => host.World.InjectError("auth.sendCode", 200, "OK"));
    }

    private static async Task<(InputCheckPasswordSRP Proof, string? Hint)> ProveAsync(Channel.MTProto.Client.MTProtoClient client, string password)
    {
        var state = Assert.IsType<Account.Password>(await client.InvokeAsync(new Account.GetPassword(), Ct));
        var algo = Assert.IsType<PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow>(state.CurrentAlgo);
        var proof = Srp.ComputeClientProof(password, algo.Salt1, algo.Salt2, algo.G, algo.P, state.SrpB, state.SrpId!.Value, SystemRandomSource.Instance);
        return (new InputCheckPasswordSRP { SrpId = proof.SrpId, A = proof.A, M1 = proof.M1 }, state.Hint);
    }
}
