using System.Security.Cryptography;
using Channel.MTProto.Client;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>
/// An in-process emulator plus our own MTProto client(s) pointed at it over real TCP, with helpers to log in. The
/// world's rules are checked end to end: what a real client sends, what the emulator answers.
/// </summary>
internal sealed class WorldTestHost : IAsyncDisposable
{
    /// <summary>One RSA key for every test emulator: generating a 2048-bit key per test is slow and proves nothing here.</summary>
    private static readonly Lazy<string> SharedRsaKeyPem = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });

    private readonly List<MTProtoClient> _clients = [];

    private WorldTestHost(TelegramEmulator emulator) => Emulator = emulator;

    public TelegramEmulator Emulator { get; }

    public global::Channel.MTProto.Emulator.World.EmulatorWorld World => Emulator.World;

    public static async Task<WorldTestHost> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { RsaKeyPem = SharedRsaKeyPem.Value };
        configure?.Invoke(options);
        return new WorldTestHost(await TelegramEmulator.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken));
    }

    /// <summary>A fresh client (new auth key on first use) whose main DC is <paramref name="mainDcId"/>, or one resuming <paramref name="session"/>.</summary>
    /// <summary>A client of the emulator; <paramref name="configuredDcs"/> limits the DCs it is told the address of (default: all).</summary>
    public MTProtoClient NewClient(int? mainDcId = null, TimeProvider? time = null, MTProtoSessionState? session = null, IReadOnlyCollection<int>? configuredDcs = null)
    {
        var client = new MTProtoClient(
            new MTProtoClientOptions
            {
                DataCenters = Emulator.Dcs.Where(dc => configuredDcs?.Contains(dc.Key) ?? true).ToDictionary(dc => dc.Key, dc => (IReadOnlyList<string>)[dc.Value.ToString()]),
                ServerPublicKeys = [RsaPublicKey.FromPem(Emulator.PublicKeyPem)],
                ApiId = 1,
                RequestTimeout = TimeSpan.FromSeconds(30),
            },
            session ?? new MTProtoSessionState(mainDcId ?? Emulator.MainDcId),
            timeProvider: time);
        lock (_clients)
        {
            _clients.Add(client); // tests log in many clients in parallel
        }

        return client;
    }

    public static Task<Auth.SentCodeBase> SendCodeAsync(MTProtoClient client, string phone)
        => client.InvokeAsync(new Auth.SendCode { PhoneNumber = phone, ApiId = 1, ApiHash = "tests", Settings = new CodeSettings() }, TestContext.Current.CancellationToken);

    public static Task<Auth.AuthorizationBase> SignInAsync(MTProtoClient client, string phone, string hash, string code)
        => client.InvokeAsync(new Auth.SignIn { PhoneNumber = phone, PhoneCodeHash = hash, PhoneCode = code }, TestContext.Current.CancellationToken);

    /// <summary>sendCode + signIn with the code the world reports; returns the client and the logged-in user.</summary>
    public async Task<(MTProtoClient Client, User Me)> LoginAsync(string phone, int? dcId = null)
    {
        var client = NewClient(dcId);
        var sent = (Auth.SentCode)await SendCodeAsync(client, phone);
        var authorization = (Auth.Authorization)await SignInAsync(client, phone, sent.PhoneCodeHash, World.LastCode(phone)!);
        return (client, (User)authorization.User);
    }

    /// <summary>Runs <paramref name="call"/> and returns the rpc_error it must fail with.</summary>
    public static async Task<TelegramRpcException> RpcErrorAsync(Func<Task> call)
        => await Assert.ThrowsAsync<TelegramRpcException>(call);

    public static InputPeerUser Peer(User user) => new() { UserId = user.Id, AccessHash = user.AccessHash!.Value };

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}
