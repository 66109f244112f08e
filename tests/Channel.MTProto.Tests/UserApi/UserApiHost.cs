using Channel.MTProto.Client;
using Channel.MTProto.Emulator;
using Channel.MTProto.Login;
using Channel.MTProto.Tests.EmulatorWorld;

namespace Channel.MTProto.Tests.UserApi;

/// <summary>
/// The in-process emulator (through <see cref="WorldTestHost"/>) plus <see cref="TelegramUserClient"/>s pointed at it over
/// real TCP. Nothing on the Telegram side is faked: the emulator's world answers every call.
/// </summary>
internal sealed class UserApiHost : IAsyncDisposable
{
    private readonly WorldTestHost _world;
    private readonly List<TelegramUserClient> _clients = [];

    private UserApiHost(WorldTestHost world) => _world = world;

    public TelegramEmulator Emulator => _world.Emulator;

    public global::Channel.MTProto.Emulator.World.EmulatorWorld World => _world.World;

    public static async Task<UserApiHost> StartAsync(Action<EmulatorOptions>? configure = null) =>
        new(await WorldTestHost.StartAsync(configure));

    /// <summary>A user client on <paramref name="session"/> (a new session on the main DC, or <paramref name="mainDcId"/>).</summary>
    public TelegramUserClient NewClient(MTProtoSessionState? session = null, int? mainDcId = null, FloodWaitPolicy? floodWait = null, TimeProvider? time = null, IReadOnlyCollection<int>? configuredDcs = null)
    {
        var client = _world.NewClient(mainDcId, session: session, configuredDcs: configuredDcs);
        var user = new TelegramUserClient(client, new TelegramUserClientOptions { ApiHash = "tests", FloodWait = floodWait ?? FloodWaitPolicy.Never }, timeProvider: time);
        _clients.Add(user);
        return user;
    }

    /// <summary>SendCode + SignIn with the code the world reports.</summary>
    public async Task<(TelegramUserClient Client, TelegramUser Me)> LoginAsync(string phone, FloodWaitPolicy? floodWait = null, TimeProvider? time = null, IReadOnlyCollection<int>? configuredDcs = null)
    {
        var client = NewClient(floodWait: floodWait, time: time, configuredDcs: configuredDcs);
        await client.SendCodeAsync(phone, TestContext.Current.CancellationToken);
        var signedIn = Assert.IsType<SignedIn>(await client.SignInAsync(World.LastCode(phone)!, TestContext.Current.CancellationToken));
        return (client, signedIn.User);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _world.DisposeAsync();
    }
}
