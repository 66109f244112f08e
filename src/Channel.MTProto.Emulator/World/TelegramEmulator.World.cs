using Channel.MTProto.Emulator.Control;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.World;

namespace Channel.MTProto.Emulator;

/// <summary>The world (users, login, messages, updates) and the HTTP control API, wired into the emulator.</summary>
public sealed partial class TelegramEmulator
{
    private EmulatorWorld? _world;
    private ControlApi? _control;

    /// <summary>Users, login codes and messages: create users, send messages, read codes from tests.</summary>
    public EmulatorWorld World => _world ?? throw new InvalidOperationException("The emulator has not started.");

    /// <summary>The control API's base address (e.g. http://127.0.0.1:41234/), or null when it is not enabled
    /// (<see cref="WorldOptions.ControlEndpoint"/>; the runnable emulator always enables it).</summary>
    public Uri? ControlAddress => _control?.Address;

    /// <summary>Loads the state file (if any) and registers the world's method handlers.</summary>
    private void CreateWorld()
    {
        _world = new EmulatorWorld(this, Options.World, EmulatorWorld.LoadState(Options.World.StatePath));
        var rpc = new WorldRpc(Handlers, _world);
        AuthHandlers.Register(rpc);
        AccountHandlers.Register(rpc);
        UsersHandlers.Register(rpc);
        ContactsHandlers.Register(rpc);
        UpdatesHandlers.Register(rpc);
        MessagesHandlers.Register(rpc);
        UploadHandlers.Register(rpc);
        MediaHandlers.Register(rpc);
        ChannelsHandlers.Register(rpc);
    }

    /// <summary>Starts the control API when configured; on failure stops the listeners already running.</summary>
    private async Task<TelegramEmulator> StartControlApiAsync(CancellationToken cancellationToken)
    {
        if (Options.World.ControlEndpoint is not { } endpoint)
        {
            return this;
        }

        try
        {
            _control = await ControlApi.StartAsync(this, endpoint, cancellationToken);
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the control API and writes the state file one last time.</summary>
    private async ValueTask StopWorldAsync()
    {
        if (Interlocked.Exchange(ref _control, null) is { } control)
        {
            await control.DisposeAsync();
        }

        _world?.SaveState();
    }
}
