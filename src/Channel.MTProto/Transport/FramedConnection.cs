using Channel.MTProto.Crypto;

namespace Channel.MTProto.Transport;

/// <summary>
/// One MTProto transport connection over any <see cref="Stream"/>: framing (abridged, intermediate, padded
/// intermediate, full) and optional obfuscation. Moves opaque packets; knows nothing of TL or message encryption.
/// </summary>
/// <remarks>
/// <para>Sends are thread-safe (callers are serialised, frames never interleave). Receives allow one caller at a
/// time: one read loop per connection.</para>
/// <para>Idle footprint: this object, a 4-byte header buffer, the send lock and, when obfuscated, two
/// <see cref="AesCtr"/> instances (about 0.6 KiB each). Frame buffers are rented per frame and returned.</para>
/// <para>A failure or cancellation in the middle of a frame leaves the stream unusable in that direction; later
/// calls throw <see cref="TransportFailure.ConnectionBroken"/>. The connection owns the stream.</para>
/// </remarks>
internal sealed partial class FramedConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _isServer;
    private readonly int _maxFrameLength;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Small fixed buffer for length prefixes and full-transport headers; used only by the single reader.
    private readonly byte[] _header = new byte[8];

    private AesCtr? _encryptor;
    private AesCtr? _decryptor;

    // Bytes consumed by server auto-detection that belong to the first full-transport frame.
    private byte[]? _pushback;
    private int _pushbackOffset;

    private int _sendSeq;
    private int _receiveSeq;
    private bool _sendUnusable;
    private bool _receiveUnusable;
    private int _receiving;
    private int _disposed;

    private FramedConnection(Stream stream, bool isServer, int maxFrameLength)
    {
        _stream = stream;
        _isServer = isServer;
        _maxFrameLength = maxFrameLength;
    }

    /// <summary>The framing in use (chosen by the client, detected by the server).</summary>
    public TransportKind Kind { get; private set; }

    /// <summary>Whether the connection is wrapped in the obfuscated init header and AES-256-CTR.</summary>
    public bool IsObfuscated => _encryptor is not null;

    /// <summary>The DC id from the obfuscated header (not enforced), or <see langword="null"/> when not obfuscated.</summary>
    public short? DcId { get; private set; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Disposing the stream ends any pending read or write; their callers see ConnectionBroken/Closed.
        await _stream.DisposeAsync().ConfigureAwait(false);
        _encryptor?.Dispose();
        _decryptor?.Dispose();
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes (pushback first), decrypting what came from the wire.</summary>
    private async ValueTask ReadExactAsync(Memory<byte> buffer, bool atFrameBoundary, CancellationToken ct)
    {
        var filled = 0;
        if (_pushback is { } pushback)
        {
            filled = Math.Min(buffer.Length, pushback.Length - _pushbackOffset);
            pushback.AsSpan(_pushbackOffset, filled).CopyTo(buffer.Span);
            _pushbackOffset += filled;
            if (_pushbackOffset == pushback.Length)
            {
                _pushback = null;
            }
        }

        var fromWire = filled;
        while (filled < buffer.Length)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer[filled..], ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                throw TransportThrowHelper.Broken(ex);
            }

            if (read == 0)
            {
                throw TransportThrowHelper.EndOfStream(atFrameBoundary && filled == 0);
            }

            filled += read;
        }

        _decryptor?.Transform(buffer.Span[fromWire..], buffer.Span[fromWire..]);
    }

    /// <summary>Writes bytes that are already framed and encrypted, then flushes.</summary>
    private async ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
            await _stream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw TransportThrowHelper.Broken(ex);
        }
    }
}
