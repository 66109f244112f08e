using System.Net;
using System.Text.Json;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.MTProto.Emulator.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.Emulator;

/// <summary>The runnable sandbox's command line and ready line, the key file, and the salt schedule.</summary>
public sealed class EmulatorProgramTests
{
    [Fact]
    public void Parse_NoArguments_OneDcTwoOnAFreeLoopbackPort()
    {
        var (options, level) = EmulatorProgram.Parse([]);

        Assert.Equal([2], options.DcIds);
        Assert.Equal((IPAddress.Loopback, 0), (options.ListenAddress, options.Port));
        Assert.Null(options.RsaKeyPath);
        Assert.Equal(LogLevel.Information, level);
    }

    [Fact]
    public void Parse_AllOptions_MainDcFirst()
    {
        var (options, level) = EmulatorProgram.Parse(["--listen", "127.0.0.1:4430", "--rsa-key", "/tmp/k.pem", "--dcs", "2,4,5", "--dc", "4", "--log-level", "warning"]);

        Assert.Equal([4, 2, 5], options.DcIds);
        Assert.Equal(4430, options.Port);
        Assert.Equal("/tmp/k.pem", options.RsaKeyPath);
        Assert.Equal(LogLevel.Warning, level);
    }

    [Theory]
    [InlineData("--listen", "nowhere")]
    [InlineData("--dcs", "2,2")]
    [InlineData("--dc", "-1")]
    [InlineData("--bogus", "1")]
    [InlineData("--listen")]
    public void Parse_BadArguments_Throws(params string[] args)
        => Assert.Throws<FormatException>(() => EmulatorProgram.Parse(args));

    [Fact]
    public async Task ReadyLine_TwoDcs_NamesTheMainEndpointKeyAndEveryDc()
    {
        await using var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { DcIds = [2, 4] }, cancellationToken: TestContext.Current.CancellationToken);

        var line = EmulatorProgram.ReadyLine(emulator);

        Assert.DoesNotContain('\n', line);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(emulator.Endpoint.ToString(), root.GetProperty("endpoint").GetString());
        Assert.Equal(2, root.GetProperty("dcId").GetInt32());
        Assert.Equal(emulator.Fingerprint, long.Parse(root.GetProperty("fingerprint").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var pem = root.GetProperty("publicKeyPem").GetString()!;
        Assert.StartsWith("-----BEGIN RSA PUBLIC KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(emulator.Fingerprint, RsaPublicKey.FromPem(pem).Fingerprint);
        var dcs = root.GetProperty("dcs").EnumerateArray().Select(d => (d.GetProperty("dcId").GetInt32(), d.GetProperty("endpoint").GetString())).ToArray();
        Assert.Equal([(2, emulator.Dcs[2].ToString()), (4, emulator.Dcs[4].ToString())], dcs);
    }

    [Fact]
    public async Task StartAsync_RsaKeyPath_CreatesTheKeyOnceAndReusesIt()
    {
        var directory = Directory.CreateTempSubdirectory("channel-emulator-");
        try
        {
            var path = Path.Combine(directory.FullName, "nested", "key.pem");
            long first;
            await using (var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { RsaKeyPath = path }, cancellationToken: TestContext.Current.CancellationToken))
            {
                first = emulator.Fingerprint;
            }

            await using var again = await TelegramEmulator.StartAsync(new EmulatorOptions { RsaKeyPath = path }, cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(File.Exists(path));
            Assert.Equal(first, again.Fingerprint);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void SaltSchedule_Rotate_StopsAcceptingTheOldSaltAtOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        var salts = new SaltSchedule(time, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30));
        salts.Seed(1234);

        var fresh = salts.Rotate();

        Assert.False(salts.Accepts(1234));
        Assert.True(salts.Accepts(fresh));
        Assert.Equal(fresh, salts.Current);
    }

    [Fact]
    public void SaltSchedule_TimePasses_NextSaltBecomesCurrentAndTheOldOneLastsTheGracePeriod()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        var salts = new SaltSchedule(time, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10));
        salts.Seed(1234);
        var next = salts.Upcoming(2)[1].Salt;

        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(next, salts.Current);
        Assert.True(salts.Accepts(1234));

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(salts.Accepts(1234));
        Assert.True(salts.Accepts(next));
    }
}
