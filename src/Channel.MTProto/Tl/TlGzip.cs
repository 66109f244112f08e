using System.Buffers;
using System.IO.Compression;

namespace Channel.MTProto.Tl;

/// <summary>gzip for gzip_packed: packing for outgoing bodies, capped unpacking for incoming ones.</summary>
internal static class TlGzip
{
    public static byte[] Pack(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Unpacks into a pooled buffer; never grows it past <paramref name="maxSize"/>.</summary>
    /// <param name="packed">The gzip data.</param>
    /// <param name="maxSize">Largest unpacked size accepted.</param>
    /// <param name="offset">Where the gzip_packed body starts, for the exception.</param>
    public static UnpackedBuffer Unpack(ReadOnlySpan<byte> packed, int maxSize, int offset)
    {
        var input = ArrayPool<byte>.Shared.Rent(packed.Length);
        packed.CopyTo(input);
        var output = ArrayPool<byte>.Shared.Rent(Math.Clamp(packed.Length * 4, 256, maxSize + 1));
        var length = 0;
        try
        {
            using var stream = new GZipStream(new MemoryStream(input, 0, packed.Length, writable: false), CompressionMode.Decompress);
            while (true)
            {
                if (length == output.Length)
                {
                    if (length > maxSize)
                    {
                        throw TooLarge(maxSize, offset);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)output.Length * 2, maxSize + 1L));
                    output.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(output);
                    output = larger;
                }

                var read = stream.Read(output, length, output.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > maxSize)
            {
                throw TooLarge(maxSize, offset);
            }

            return new UnpackedBuffer(output, length);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or NotSupportedException)
        {
            ArrayPool<byte>.Shared.Return(output);
            throw new TlDeserializationException("corrupt gzip_packed data", offset, TlServiceMessages.GzipPackedId, exception);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(output);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private static TlDeserializationException TooLarge(int maxSize, int offset) =>
        new($"gzip_packed unpacks to more than {maxSize} bytes", offset, TlServiceMessages.GzipPackedId);

    /// <summary>A pooled buffer holding unpacked bytes; return it with <see cref="Dispose"/>.</summary>
    internal readonly struct UnpackedBuffer(byte[] buffer, int length) : IDisposable
    {
        public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
