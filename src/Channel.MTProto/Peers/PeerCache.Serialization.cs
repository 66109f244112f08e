using System.Buffers;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Peers;

internal sealed partial class PeerCache
{
    private const int FormatVersion = 1;

    /// <summary>kind (4) + id (8) + flags (4): the least one entry takes, bounding the count before allocating.</summary>
    private const int MinEntrySize = 16;

    [Flags]
    private enum EntryFlags
    {
        None = 0,
        AccessHash = 1,
        Username = 2,
        Phone = 4,
        DisplayName = 8,
        Broadcast = 16,
    }

    /// <summary>
    /// The cache as bytes for <see cref="Client.MTProtoSessionState.PeerCache"/>, in TL primitives: version (int) ‖
    /// count (int) ‖ per peer: kind (int) ‖ id (long) ‖ flags (int) ‖ [access hash (long)] ‖ [username] ‖ [phone] ‖
    /// [display name] (TL strings).
    /// </summary>
    public byte[] Serialize()
    {
        var output = new ArrayBufferWriter<byte>(256);
        var writer = new TlWriter(output);
        lock (_lock)
        {
            writer.WriteInt32(FormatVersion);
            writer.WriteInt32(_peers.Count);
            foreach (var peer in _peers.Values)
            {
                var flags = (peer.AccessHash is null ? EntryFlags.None : EntryFlags.AccessHash)
                    | (peer.Username is null ? EntryFlags.None : EntryFlags.Username)
                    | (peer.Phone is null ? EntryFlags.None : EntryFlags.Phone)
                    | (peer.DisplayName is null ? EntryFlags.None : EntryFlags.DisplayName)
                    | (peer.IsBroadcast ? EntryFlags.Broadcast : EntryFlags.None);
                writer.WriteInt32((int)peer.Id.Kind);
                writer.WriteInt64(peer.Id.Id);
                writer.WriteInt32((int)flags);
                WriteOptional(ref writer, peer.AccessHash);
                WriteOptional(ref writer, peer.Username);
                WriteOptional(ref writer, peer.Phone);
                WriteOptional(ref writer, peer.DisplayName);
            }
        }

        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Replaces the contents with a saved cache (from <see cref="Serialize"/>).</summary>
    /// <exception cref="FormatException">The bytes are not a saved peer cache (truncated, wrong version, bad counts).</exception>
    public void Load(ReadOnlySpan<byte> data)
    {
        List<CachedPeer> peers;
        try
        {
            peers = Read(data);
        }
        catch (TlDeserializationException ex)
        {
            throw new FormatException("The saved peer cache is malformed.", ex);
        }

        lock (_lock)
        {
            ClearUnlocked();

            // Saved entries are full ones (a min copy never replaced a usable hash), so store them as such.
            foreach (var peer in peers)
            {
                Store(peer, isMin: false);
            }
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    private static List<CachedPeer> Read(ReadOnlySpan<byte> data)
    {
        var reader = new TlReader(data);
        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new FormatException($"Unsupported peer cache version {version}.");
        }

        var count = reader.ReadCount(MinEntrySize);
        var peers = new List<CachedPeer>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = (PeerKind)reader.ReadInt32();
            if (kind is not (PeerKind.User or PeerKind.Chat or PeerKind.Channel))
            {
                throw new FormatException($"Unknown peer kind {(int)kind} in the saved peer cache.");
            }

            var id = reader.ReadInt64();
            var flags = (EntryFlags)reader.ReadInt32();
            long? hash = flags.HasFlag(EntryFlags.AccessHash) ? reader.ReadInt64() : null;
            var username = flags.HasFlag(EntryFlags.Username) ? reader.ReadString() : null;
            var phone = flags.HasFlag(EntryFlags.Phone) ? reader.ReadString() : null;
            var name = flags.HasFlag(EntryFlags.DisplayName) ? reader.ReadString() : null;
            peers.Add(new CachedPeer(new PeerId(kind, id), hash, username, phone, name, flags.HasFlag(EntryFlags.Broadcast)));
        }

        reader.EnsureAtEnd();
        return peers;
    }

    private static void WriteOptional(ref TlWriter writer, long? value)
    {
        if (value is { } present)
        {
            writer.WriteInt64(present);
        }
    }

    private static void WriteOptional(ref TlWriter writer, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(value);
        }
    }
}
