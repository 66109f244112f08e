using Channel.MTProto.Emulator.World;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>The in-process world API and the --state file.</summary>
public sealed class WorldStateTests
{
    [Fact]
    public async Task StateFile_Restart_KeepsUsersMessagesAndPts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"channel-world-{Guid.NewGuid():N}.json");
        try
        {
            EmulatorUser before;
            await using (var host = await WorldTestHost.StartAsync(o => o.World.StatePath = path))
            {
                before = host.World.CreateUser(new NewUser("15550008000", "Hana", Username: "hana_kept", Password: "pw"));
                host.World.CreateUser(new NewUser("15550008001", "Ian"));
                host.World.SendMessage("hana_kept", "15550008001", "kept across restarts");
            }

            Assert.True(File.Exists(path));
            Assert.DoesNotContain("\"pw\"", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), StringComparison.Ordinal);
            await using (var host = await WorldTestHost.StartAsync(o => o.World.StatePath = path))
            {
                var after = host.World.GetUser("@hana_kept");
                Assert.Equal(before with { Pts = 1 }, after);
                Assert.Equal("kept across restarts", Assert.Single(host.World.ReceivedMessages("15550008001")).Text);
                Assert.Equal(1, host.World.GetUpdateState("15550008001").Pts);

                // ids continue after the restart instead of repeating
                var next = host.World.SendMessage("15550008001", "hana_kept", "reply");
                Assert.Equal(2, next.Sent.Id);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StateFile_Corrupt_StartFailsWithClearError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"channel-world-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{ not json", TestContext.Current.CancellationToken);
        try
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => WorldTestHost.StartAsync(o => o.World.StatePath = path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("", "phone")]
    [InlineData("12ab34567", "phone")]
    [InlineData("15550008100", "firstName")]
    public async Task CreateUser_InvalidInput_Invalid(string phone, string mentioned)
    {
        await using var host = await WorldTestHost.StartAsync();

        var error = Assert.Throws<EmulatorWorldException>(() => host.World.CreateUser(new NewUser(phone, mentioned == "firstName" ? " " : "Name")));

        Assert.Equal(EmulatorWorldError.Invalid, error.Error);
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_TakenUsernameOrUnknownDc_ConflictOrInvalid()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("15550008200", "Jo", Username: "jo_taken"));

        Assert.Equal(EmulatorWorldError.Conflict, Assert.Throws<EmulatorWorldException>(() => host.World.CreateUser(new NewUser("15550008201", "Jo", Username: "JO_TAKEN"))).Error);
        Assert.Equal(EmulatorWorldError.Invalid, Assert.Throws<EmulatorWorldException>(() => host.World.CreateUser(new NewUser("15550008202", "Jo", DcId: 5))).Error);
    }

    [Fact]
    public async Task SendMessage_WorldApi_BothCopiesWithOwnIdsAndPts()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("15550008300", "Kim"));
        host.World.CreateUser(new NewUser("15550008301", "Lee"));
        host.World.SendMessage("15550008301", "15550008300", "first"); // Lee's box: id 1; Kim's box: id 1

        var sent = host.World.SendMessage("15550008300", "15550008301", "second");

        Assert.Equal((2, true, 2), (sent.Sent.Id, sent.Sent.Out, sent.Sent.Pts));
        Assert.Equal((2, false, 2), (sent.Received!.Id, sent.Received.Out, sent.Received.Pts));
        Assert.Equal(["first", "second"], host.World.Messages("15550008300").Select(m => m.Text));
        Assert.Equal(["second"], host.World.ReceivedMessages("15550008301").Select(m => m.Text));
        Assert.Equal(new EmulatorUpdateState(2, 0, 1, 1), host.World.GetUpdateState("15550008300")); // seq 1: the first message came in a full envelope
    }

    [Theory]
    [InlineData("+7 (999) 123-45-67", "79991234567")]
    [InlineData("9996621234", "9996621234")]
    [InlineData("1+2345678", null)]
    [InlineData("1234", null)]
    [InlineData("1234567890123456", null)]
    public void NormalizePhone_Inputs_DigitsOrNull(string input, string? expected)
        => Assert.Equal(expected, global::Channel.MTProto.Emulator.World.EmulatorWorld.NormalizePhone(input));
}
