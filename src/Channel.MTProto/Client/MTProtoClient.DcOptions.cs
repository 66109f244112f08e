using System.Net;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Client;

/// <summary>
/// Addresses of DCs the configuration does not name, learned from help.getConfig when a connection there is first
/// needed (see <see cref="DcAddressBook"/>).
/// </summary>
internal sealed partial class MTProtoClient
{
    private readonly Lock _configLock = new();
    private Task? _configFetch;

    /// <summary>Configured and learned DC addresses; a host that fetched help.getConfig itself may merge it here.</summary>
    public DcAddressBook Addresses { get; }

    /// <summary>
    /// The addresses of <paramref name="dcId"/>; for a DC nobody configured, help.getConfig is asked first (once for
    /// all connections waiting at the same time) on the main DC, or on a configured one if the main DC is the unknown.
    /// </summary>
    private async Task<IReadOnlyList<EndPoint>> GetEndPointsAsync(int dcId, bool forMedia, CancellationToken cancellationToken)
    {
        var known = Addresses.GetEndPoints(dcId, forMedia);
        if (known.Count > 0)
        {
            return known;
        }

        await LearnDcOptionsAsync(cancellationToken).ConfigureAwait(false);
        known = Addresses.GetEndPoints(dcId, forMedia);
        if (known.Count == 0)
        {
            throw new InvalidOperationException($"DC {dcId} is neither configured nor listed in help.getConfig.");
        }

        return known;
    }

    private Task LearnDcOptionsAsync(CancellationToken cancellationToken)
    {
        lock (_configLock)
        {
            // Joins a fetch in flight; a finished one is not reused: the DC was missing from it, so ask again.
            if (_configFetch is null || _configFetch.IsCompleted)
            {
                _configFetch = FetchDcOptionsAsync();
            }

            return _configFetch.WaitAsync(cancellationToken);
        }
    }

    private async Task FetchDcOptionsAsync()
    {
        var from = Addresses.GetEndPoints(Session.MainDcId, forMedia: false).Count > 0 ? Session.MainDcId : Addresses.FirstConfiguredDcId;
        if (await InvokeOnDcAsync(from, new Help.GetConfig(), timeout: null, CancellationToken.None).ConfigureAwait(false) is Config config)
        {
            Addresses.Merge(config.DcOptions);
            Log.DcOptionsLearned(_logger, from, config.DcOptions.Count);
        }
    }
}
