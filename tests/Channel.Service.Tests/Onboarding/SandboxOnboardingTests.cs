extern alias service;

using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Channel.Persistence.Audit;
using Google.Rpc;
using Grpc.Core;
using AccountStatus = Channel.Grpc.V1.AccountStatus;

namespace Channel.Service.Tests.Onboarding;

/// <summary>
/// The onboarding RPCs end to end in sandbox mode: a real GrpcChannel against the real host, whose in-process emulator
/// is reached over TCP by our MTProto client. Each test uses its own phone numbers and tenant.
/// </summary>
public sealed class SandboxOnboardingTests(SandboxHostFixture fixture) : SandboxTests(fixture), IClassFixture<SandboxHostFixture>
{
    [Fact]
    public void Start_SandboxMode_LogsTheEmulatorControlAddressOnce()
    {
        var control = Host.Services.GetSandboxEmulator().ControlAddress;

        Assert.NotNull(control);
        Assert.Single(fixture.Logs.Messages, m => m.Contains("Sandbox mode", StringComparison.Ordinal) && m.Contains(control.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendCodeThenVerifyCode_TestNumber_AccountActiveWithIdentity()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0001");

        var sent = await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.CodeSent, sent.Account.Status);
        Assert.Equal(CodeType.App, sent.Delivery.Type);
        Assert.Equal(CodeType.Sms, sent.Delivery.NextType);
        Assert.Equal(5, sent.Delivery.CodeLength);
        Assert.False(verified.PasswordRequired);
        Assert.Equal(AccountStatus.Active, verified.Account.Status);
        Assert.Equal(World.GetUser("+9996620001").Id, verified.Account.TelegramUser.Id);
        Assert.Equal(2, (await Host.LoadAccountAsync(account.Id)).MainDcId);
        Assert.Equal(
            [OnboardingEvent.CodeRequested, OnboardingEvent.Activated],
            (await Host.AuditAsync(account.Id)).Select(r => r.Event));
    }

    [Fact]
    public async Task VerifyCode_TwoFactorAccount_PasswordRequiredThenSubmitPasswordActive()
    {
        World.CreateUser(new NewUser("+99966 2 0002", "Ann", Password: "correct horse", PasswordHint: "horse"));
        var account = await Host.CreateAccountAsync("+99966 2 0002");
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
        var active = await Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = "correct horse" }, cancellationToken: Ct);

        Assert.True(verified.PasswordRequired);
        Assert.Equal("horse", verified.PasswordHint);
        Assert.Equal(AccountStatus.PasswordRequired, verified.Account.Status);
        Assert.Equal(AccountStatus.Active, active.Status);
        Assert.Equal("Ann", active.TelegramUser.FirstName);
    }

    [Fact]
    public async Task SubmitPassword_WrongThenRight_InvalidArgumentThenActive()
    {
        var account = await CreatePasswordRequiredAccountAsync("+99966 2 0003", "Bob", "right one");

        var info = await OnboardingAssert.FailsAsync(StatusCode.InvalidArgument, "PASSWORD_HASH_INVALID", () =>
            Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = "wrong one" }, cancellationToken: Ct).ResponseAsync);
        var active = await Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = "right one" }, cancellationToken: Ct);

        Assert.Equal("2", info.Metadata["dc"]);
        Assert.Equal("4", info.Metadata["attempts_left"]);
        Assert.Equal(AccountStatus.Active, active.Status);
        Assert.Contains(await Host.AuditAsync(account.Id), r => r is { Event: OnboardingEvent.PasswordWrong, Outcome: OnboardingOutcome.Failed, Reason: "PASSWORD_HASH_INVALID" });
    }

    [Fact]
    public async Task SubmitPassword_FiveWrongPasswords_LoginCancelledAndAccountPending()
    {
        var account = await CreatePasswordRequiredAccountAsync("+99966 2 0015", "Cid", "right one");

        var attemptsLeft = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var info = await OnboardingAssert.FailsAsync(StatusCode.InvalidArgument, "PASSWORD_HASH_INVALID", () =>
                Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = "guess " + i }, cancellationToken: Ct).ResponseAsync);
            attemptsLeft.Add(info.Metadata["attempts_left"]);
        }

        // The right password is refused now: the login was cancelled and starts again with a new code.
        await OnboardingAssert.FailsAsync(StatusCode.FailedPrecondition, "ACCOUNT_STATE_INVALID", () =>
            Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = "right one" }, cancellationToken: Ct).ResponseAsync);
        var pending = await StatusAsync(account.Id);
        var session = await Host.LoadSessionAsync(account.Id);
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
        var again = await Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = "right one" }, cancellationToken: Ct);

        Assert.Equal(["4", "3", "2", "1", "0"], attemptsLeft);
        Assert.Equal(AccountStatus.Pending, pending);
        Assert.Null(session);
        Assert.Contains(await Host.AuditAsync(account.Id), r => r is { Event: OnboardingEvent.LoginCancelled, Outcome: OnboardingOutcome.Rejected, Reason: "TOO_MANY_WRONG_PASSWORDS" });
        Assert.Equal(AccountStatus.Active, again.Status);
    }

    [Fact]
    public async Task VerifyCode_WrongThenRight_InvalidArgumentWithAttemptsLeftThenActive()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0004");
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        var info = await OnboardingAssert.FailsAsync(StatusCode.InvalidArgument, "PHONE_CODE_INVALID", () =>
            Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "12345" }, cancellationToken: Ct).ResponseAsync);
        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);

        Assert.Equal("4", info.Metadata["attempts_left"]);
        Assert.Equal(AccountStatus.Active, verified.Account.Status);
    }

    [Fact]
    public async Task VerifyCode_FiveWrongCodes_CodeCancelledAndAccountPending()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0005");
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        var attemptsLeft = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var info = await OnboardingAssert.FailsAsync(StatusCode.InvalidArgument, "PHONE_CODE_INVALID", () =>
                Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "11111" }, cancellationToken: Ct).ResponseAsync);
            attemptsLeft.Add(info.Metadata["attempts_left"]);
        }

        // The right code is refused now: the login was cancelled and must start again.
        await OnboardingAssert.FailsAsync(StatusCode.FailedPrecondition, "ACCOUNT_STATE_INVALID", () =>
            Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct).ResponseAsync);
        var after = await Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct);

        Assert.Equal(["4", "3", "2", "1", "0"], attemptsLeft);
        Assert.Equal(AccountStatus.Pending, after.Status);
        Assert.Contains(await Host.AuditAsync(account.Id), r => r is { Event: OnboardingEvent.LoginCancelled, Outcome: OnboardingOutcome.Rejected });
    }

    [Fact]
    public async Task SendCode_UserOnDc4_FollowsPhoneMigrateAndLogsInThere()
    {
        var account = await Host.CreateAccountAsync("+99966 4 0006");

        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "44444" }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.Active, verified.Account.Status);
        Assert.Equal(4, World.GetUser("+9996640006").DcId);
        Assert.Equal(4, (await Host.LoadAccountAsync(account.Id)).MainDcId);
    }

    [Fact]
    public async Task SendCode_FloodWaitInjected_ResourceExhaustedWithRetryInfo()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0007");
        World.InjectFlood("auth.sendCode", seconds: 42, count: 1);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, () =>
            Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync);
        var after = await Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct);

        Assert.Equal("FLOOD_WAIT", OnboardingAssert.ErrorInfo(error).Reason);
        Assert.Equal(TimeSpan.FromSeconds(42), error.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan());
        Assert.Equal(AccountStatus.Pending, after.Status);
    }

    [Fact]
    public async Task VerifyCode_TwoAtOnce_ExactlyOneWins()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0008");
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        var calls = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
                return StatusCode.OK;
            }
            catch (RpcException error)
            {
                return error.StatusCode;
            }
        }, Ct)).ToList();
        var results = await Task.WhenAll(calls);

        Assert.Single(results, StatusCode.OK);
        Assert.Single(results, code => code is StatusCode.FailedPrecondition or StatusCode.Aborted);
    }

    [Fact]
    public async Task LogOut_ThenSendCodeAndVerifyCode_ActiveAgain()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0009");

        var loggedOut = await Client.LogOutAsync(new LogOutRequest { AccountId = account.Id }, cancellationToken: Ct);
        var sessionAfterLogOut = await Host.LoadSessionAsync(account.Id);
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var again = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.LoggedOut, loggedOut.Status);
        Assert.Null(sessionAfterLogOut);
        Assert.Equal(AccountStatus.Active, again.Account.Status);
    }

    [Fact]
    public async Task CancelCode_AfterSendCode_PendingAndVerifyRefused()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0010");
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        var cancelled = await Client.CancelCodeAsync(new CancelCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.Pending, cancelled.Status);
        await OnboardingAssert.FailsAsync(StatusCode.FailedPrecondition, "ACCOUNT_STATE_INVALID", () =>
            Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task ResendCode_AfterSendCode_SmsDelivery()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0011");
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        var resent = await Client.ResendCodeAsync(new ResendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);

        Assert.Equal(CodeType.Sms, resent.Delivery.Type);
        Assert.Equal(AccountStatus.Active, verified.Account.Status);
    }

    [Fact]
    public async Task DeleteAccount_Active_LogsOutOfTelegramThenDeletes()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0012");

        await Client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = account.Id }, cancellationToken: Ct);

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () =>
            Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Contains(await Host.AuditAsync(account.Id), r => r is { Event: OnboardingEvent.LoggedOut, Outcome: OnboardingOutcome.Succeeded });
    }

    [Fact]
    public async Task VerifyCode_BeforeSendCode_FailedPreconditionWithoutAskingTelegram()
    {
        var account = await Host.CreateAccountAsync("+99966 2 0013");

        var info = await OnboardingAssert.FailsAsync(StatusCode.FailedPrecondition, "ACCOUNT_STATE_INVALID", () =>
            Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("Pending", info.Metadata["status"]);
        Assert.Empty(await Host.AuditAsync(account.Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12a45")]
    public async Task VerifyCode_MalformedCode_InvalidArgumentNamingCode(string code)
    {
        var account = await Host.CreateAccountAsync("+99966 2 0014");

        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () =>
            Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = code }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(["code"], RpcAssert.ViolatedFields(error));
    }

    /// <summary>A sandbox user with two-step verification, logged in up to the password: PASSWORD_REQUIRED.</summary>
    private async Task<TelegramAccount> CreatePasswordRequiredAccountAsync(string phone, string firstName, string password)
    {
        World.CreateUser(new NewUser(phone, firstName, Password: password));
        var account = await Host.CreateAccountAsync(phone);
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
        Assert.True(verified.PasswordRequired);
        return account;
    }
}
