using Channel.MTProto.Crypto;

namespace Channel.Service.Telegram;

/// <summary>Where Telegram's DCs are and which RSA keys they use.</summary>
internal sealed record TelegramEndpoints(IReadOnlyDictionary<int, IReadOnlyList<string>> DataCenters, IReadOnlyList<RsaPublicKey> ServerPublicKeys);

/// <summary>
/// The endpoints the client factory connects to: known from configuration at once, or — in sandbox mode — once the
/// in-process emulator has bound its ports (<see cref="Publish"/>). Calls made before that wait for it.
/// </summary>
internal sealed class TelegramConnectivity
{
    private readonly TaskCompletionSource<TelegramEndpoints> _endpoints = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TelegramConnectivity(TelegramSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Sandbox)
        {
            _endpoints.SetResult(new TelegramEndpoints(settings.DataCenters, settings.ServerPublicKeys));
        }
    }

    public Task<TelegramEndpoints> GetAsync(CancellationToken cancellationToken) => _endpoints.Task.WaitAsync(cancellationToken);

    /// <summary>Sandbox mode: the emulator is listening.</summary>
    public void Publish(TelegramEndpoints endpoints) => _endpoints.TrySetResult(endpoints);
}
