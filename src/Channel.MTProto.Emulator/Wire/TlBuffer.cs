using System.Buffers;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Emulator.Wire;

/// <summary>Writes TL by hand with the shared <see cref="TlWriter"/>.</summary>
internal delegate void TlBuild(ref TlWriter writer);

/// <summary>Serialises TL the emulator writes by hand (binary <c>string</c> fields, rpc_result around raw results).</summary>
internal static class TlBuffer
{
    public static byte[] Build(TlBuild build, int initialCapacity = 256)
    {
        var output = new ArrayBufferWriter<byte>(initialCapacity);
        var writer = new TlWriter(output);
        build(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
