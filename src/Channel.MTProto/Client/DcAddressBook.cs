using System.Net;
using System.Net.Sockets;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Client;

/// <summary>
/// Where each DC is reached: the configured addresses (<see cref="MTProtoClientOptions.DataCenters"/>), which always
/// come first, then the ones learned from help.getConfig's dc_options for DCs the configuration does not name (a
/// FILE_/PHONE_MIGRATE_X or a file on a DC nobody configured). One per <see cref="MTProtoClient"/>.
/// </summary>
/// <remarks>
/// Telegram's rules for dc_options: cdn entries are CDN DCs (a different protocol) and tcpo_only ones need the
/// obfuscated TCP-only transport with a secret: both are skipped. media_only entries are for file transfers only:
/// preferred there, never used otherwise. Plain IPv4 comes before IPv6 (many hosts have no IPv6 route).
/// </remarks>
internal sealed class DcAddressBook
{
    private readonly IReadOnlyDictionary<int, IReadOnlyList<EndPoint>> _configured;
    private readonly Lock _lock = new();
    private Dictionary<int, LearnedAddresses> _learned = [];

    public DcAddressBook(IReadOnlyDictionary<int, IReadOnlyList<string>> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _configured = configured.ToDictionary(dc => dc.Key, dc => (IReadOnlyList<EndPoint>)[.. dc.Value.Select(MTProtoClientOptions.ParseEndPoint)]);
    }

    /// <summary>The lowest configured DC: always reachable, so always where an unknown DC can be looked up.</summary>
    public int FirstConfiguredDcId => _configured.Keys.Min();

    /// <summary>
    /// Addresses to try for <paramref name="dcId"/>, in order: configured, then learned (for media: media_only ones
    /// first, then the general ones). Empty when the DC is neither configured nor learned yet.
    /// </summary>
    public IReadOnlyList<EndPoint> GetEndPoints(int dcId, bool forMedia)
    {
        _configured.TryGetValue(dcId, out var configured);
        LearnedAddresses? learned;
        lock (_lock)
        {
            _learned.TryGetValue(dcId, out learned);
        }

        if (learned is null)
        {
            return configured ?? [];
        }

        IEnumerable<EndPoint> all = configured ?? [];
        if (forMedia)
        {
            all = all.Concat(learned.MediaOnly);
        }

        return [.. all.Concat(learned.General).Distinct()];
    }

    /// <summary>Replaces what was learned with <paramref name="options"/> (a newer help.getConfig or updateDcOptions).</summary>
    public void Merge(IEnumerable<DcOptionBase> options)
    {
        var learned = Select(options);
        lock (_lock)
        {
            // A DC that vanished from a later config keeps its last known addresses: better a stale address than none.
            var merged = new Dictionary<int, LearnedAddresses>(_learned);
            foreach (var (dcId, addresses) in learned)
            {
                merged[dcId] = addresses;
            }

            _learned = merged;
        }
    }

    /// <summary>dc_options grouped by DC, filtered and ordered by Telegram's rules (see the remarks).</summary>
    internal static Dictionary<int, LearnedAddresses> Select(IEnumerable<DcOptionBase> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var usable = options.OfType<DcOption>()
            .Where(o => !o.Cdn && !o.TcpoOnly && o.Port is > 0 and <= 65535 && IPAddress.TryParse(o.IpAddress, out _))
            .Select(o => (Option: o, EndPoint: new IPEndPoint(IPAddress.Parse(o.IpAddress), o.Port)))
            // Matches the ipv6 flag against the address itself: a mislabelled entry is ordered by what it really is.
            .OrderBy(o => o.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 || o.Option.Ipv6 ? 1 : 0)
            .ToList();
        return usable.GroupBy(o => o.Option.Id).ToDictionary(
            dc => dc.Key,
            dc => new LearnedAddresses(
                General: [.. dc.Where(o => !o.Option.MediaOnly).Select(o => (EndPoint)o.EndPoint).Distinct()],
                MediaOnly: [.. dc.Where(o => o.Option.MediaOnly).Select(o => (EndPoint)o.EndPoint).Distinct()]));
    }

    /// <summary>One DC's usable dc_options: for every use, and for file transfers only.</summary>
    internal sealed record LearnedAddresses(IReadOnlyList<EndPoint> General, IReadOnlyList<EndPoint> MediaOnly);
}
