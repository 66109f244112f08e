using Channel.MTProto;
using Channel.MTProto.Client;

namespace Channel.Service.Telegram;

/// <summary>
/// Builds the Telegram client of one account from configuration (DCs, RSA keys, transport), the account's api_id and
/// api_hash, and its saved session. The caller owns (and disposes) the client.
/// </summary>
internal sealed class TelegramClientFactory(
    TelegramSettings settings, TelegramConnectivity connectivity, ILoggerFactory loggerFactory, TimeProvider time)
{
    private static readonly TimeSpan DefaultConnectTimeout = new MTProtoClientOptions().ConnectTimeout;

    public async Task<TelegramUserClient> CreateAsync(int apiId, string apiHash, MTProtoSessionState session, CancellationToken cancellationToken)
    {
        var endpoints = await connectivity.GetAsync(cancellationToken);
        var options = new MTProtoClientOptions
        {
            DataCenters = endpoints.DataCenters,
            ServerPublicKeys = endpoints.ServerPublicKeys,
            Transport = settings.Transport,
            RequestTimeout = settings.RequestTimeout,
            ConnectTimeout = settings.RequestTimeout < DefaultConnectTimeout ? settings.RequestTimeout : DefaultConnectTimeout,
            ApiId = apiId,
        };
        var client = new MTProtoClient(options, session, loggerFactory, time);
        return new TelegramUserClient(client, new TelegramUserClientOptions { ApiHash = apiHash }, loggerFactory, time);
    }
}
