using System.Buffers;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.Tl;

/// <summary>
/// Random and mutated inputs into the TL reader: the only acceptable failure is
/// <see cref="TlDeserializationException"/>. Seeded, so a failure names a reproducible case.
/// </summary>
public sealed class TlFuzzTests
{
    private const int Seed = 19_800_198;
    private const int Cases = 120_000;

    [Fact]
    public void Deserialize_RandomAndMutatedInput_ThrowsOnlyTlDeserializationException()
    {
        var random = new Random(Seed);
        var corpus = BuildCorpus();
        var ids = TlObjectFiller.AllConstructors.Select(c => c.Id).ToArray();
        var options = new TlReaderOptions { MaxGzipUnpackedSize = 1 << 20 };
        var failures = new List<string>();
        var parsed = 0;
        var rejected = 0;
        for (var i = 0; i < Cases && failures.Count < 10; i++)
        {
            var input = i % 5 == 0 ? RandomInput(random, ids) : Mutate(random, corpus[random.Next(corpus.Count)]);
            try
            {
                TlSerializer.Deserialize(input, options);
                parsed++;
            }
            catch (TlDeserializationException)
            {
                rejected++;
            }
            catch (Exception exception)
            {
                failures.Add($"case {i}: {exception.GetType().Name}: {exception.Message} input={Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(Cases, parsed + rejected);
        Assert.True(parsed > 0 && rejected > 0, $"parsed {parsed}, rejected {rejected}: the mix should exercise both paths");
    }

    /// <summary>Valid serialisations of a spread of constructors, plus a gzip_packed one.</summary>
    private static List<byte[]> BuildCorpus()
    {
        var filler = new TlObjectFiller(7, fillOptional: true);
        var sparse = new TlObjectFiller(8, fillOptional: false);
        var corpus = new List<byte[]>();
        var constructors = TlObjectFiller.AllConstructors;
        for (var i = 0; i < constructors.Count; i += 7)
        {
            corpus.Add(TlSerializer.ToArray(filler.Create(constructors[i].ClrType)));
            corpus.Add(TlSerializer.ToArray(sparse.Create(constructors[i].ClrType)));
        }

        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        TlServiceMessages.WriteGzipPacked(ref writer, TlSerializer.ToArray(filler.Create(typeof(Message))));
        writer.Flush();
        corpus.Add(output.WrittenSpan.ToArray());
        return corpus;
    }

    private static byte[] RandomInput(Random random, uint[] ids)
    {
        var bytes = new byte[random.Next(0, 96)];
        random.NextBytes(bytes);
        if (bytes.Length >= 4 && random.Next(2) == 0)
        {
            // Start with a real constructor id so the random tail reaches the field readers.
            BitConverter.TryWriteBytes(bytes, ids[random.Next(ids.Length)]);
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0: // bit flips
                for (var n = random.Next(1, 5); n > 0 && bytes.Length > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1: // truncation
                return bytes[..random.Next(bytes.Length)];
            case 2: // a length or count field turned huge, negative or into the long-bytes marker
                if (bytes.Length >= 8)
                {
                    var at = random.Next(bytes.Length - 4) & ~3;
                    int[] hostile = [int.MaxValue, -1, 0x00fffffe, 0x7f, 254 | (0xffff << 8), random.Next()];
                    BitConverter.TryWriteBytes(bytes.AsSpan(at), hostile[random.Next(hostile.Length)]);
                }

                return bytes;
            case 3: // a chunk removed from the middle
                if (bytes.Length > 8)
                {
                    var start = random.Next(bytes.Length - 4);
                    var length = random.Next(1, Math.Min(16, bytes.Length - start));
                    return [.. bytes[..start], .. bytes[(start + length)..]];
                }

                return bytes;
            default: // random bytes spliced in
                var insert = new byte[random.Next(1, 12)];
                random.NextBytes(insert);
                var position = random.Next(bytes.Length + 1);
                return [.. bytes[..position], .. insert, .. bytes[position..]];
        }
    }
}
