using Channel.MTProto.Client;

namespace Channel.MTProto.Tests.Client;

public sealed class TelegramRpcExceptionTests
{
    [Theory]
    [InlineData(420, "FLOOD_WAIT_30", "FLOOD_WAIT", 30)]
    [InlineData(303, "PHONE_MIGRATE_4", "PHONE_MIGRATE", 4)]
    [InlineData(400, "FILE_PART_3_MISSING", "FILE_PART_X_MISSING", 3)]
    [InlineData(401, "AUTH_KEY_UNREGISTERED", "AUTH_KEY_UNREGISTERED", null)]
    [InlineData(400, "2FA_CONFIRM_WAIT_86400", "2FA_CONFIRM_WAIT", 86400)]
    public void Constructor_TelegramText_ParsesNameAndParameter(int code, string text, string name, int? parameter)
    {
        var error = new TelegramRpcException(code, text);

        Assert.Equal(code, error.Code);
        Assert.Equal(text, error.Message);
        Assert.Equal(name, error.ErrorName);
        Assert.Equal(parameter, error.Parameter);
    }

    [Fact]
    public void Helpers_FloodAndMigrate_ReportWaitAndDc()
    {
        var flood = new TelegramRpcException(420, "FLOOD_WAIT_30");
        var migrate = new TelegramRpcException(303, "USER_MIGRATE_5");

        Assert.True(flood.IsFloodWait);
        Assert.Equal(TimeSpan.FromSeconds(30), flood.RetryAfter);
        Assert.False(flood.IsMigrate);
        Assert.True(migrate.IsMigrate);
        Assert.Equal(5, migrate.MigrateToDc);
        Assert.Null(migrate.RetryAfter);
    }

    [Theory]
    [InlineData("AUTH_KEY_UNREGISTERED", true, true)]
    [InlineData("AUTH_KEY_UNREGISTERED", false, false)]
    [InlineData("SESSION_REVOKED", false, true)]
    [InlineData("AUTH_KEY_DUPLICATED", true, true)]
    [InlineData("USER_DEACTIVATED_BAN", true, true)]
    [InlineData("FLOOD_WAIT_3", true, false)]
    [InlineData("PHONE_CODE_INVALID", true, false)]
    public void IsTerminal_ErrorAndLoginState_MatchesRules(string text, bool authorized, bool terminal)
    {
        Assert.Equal(terminal, new TelegramRpcException(401, text).IsTerminal(authorized));
    }
}
