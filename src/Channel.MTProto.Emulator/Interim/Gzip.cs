using System.IO.Compression;

namespace Channel.MTProto.Emulator.Interim;

/// <summary>gzip_packed payloads. Interim: the shared TL runtime's gzip_packed support replaces this.</summary>
internal static class Gzip
{
    public static byte[] Pack(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Inflates, refusing output beyond <paramref name="maxBytes"/> (a gzip bomb closes nothing but the request).</summary>
    public static byte[] Unpack(ReadOnlySpan<byte> packed, int maxBytes)
    {
        try
        {
            using var input = new MemoryStream(packed.ToArray());
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new TlDecodeException($"gzip_packed inflates beyond {maxBytes} bytes.");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new TlDecodeException("gzip_packed is not valid gzip: " + ex.Message);
        }
    }
}
