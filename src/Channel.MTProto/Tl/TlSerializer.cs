using System.Buffers;

namespace Channel.MTProto.Tl;

/// <summary>Entry points for whole-buffer TL serialisation.</summary>
public static class TlSerializer
{
    public static void Serialize(ITlObject value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new TlWriter(output);
        value.Write(ref writer);
        writer.Flush();
    }

    public static byte[] ToArray(ITlObject value)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Serialize(value, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one boxed object that must fill <paramref name="data"/> exactly.</summary>
    public static ITlObject Deserialize(ReadOnlySpan<byte> data, TlReaderOptions? options = null)
    {
        var reader = new TlReader(data, options);
        var value = reader.ReadObject();
        reader.EnsureAtEnd();
        return value;
    }

    /// <summary>Reads one boxed <typeparamref name="T"/> that must fill <paramref name="data"/> exactly.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> data, TlReaderOptions? options = null)
        where T : class, ITlObject
    {
        var reader = new TlReader(data, options);
        var value = reader.ReadObject<T>();
        reader.EnsureAtEnd();
        return value;
    }
}
