using System.Buffers.Binary;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

/// <summary>
/// Seeded fuzzing: random and mutated byte streams fed to the server (auto-detect + receive loop) and to a client's
/// receive loop. The only acceptable outcomes are frames or <see cref="TransportException"/>; the guard token only
/// catches a hang and is not a speed assertion.
/// </summary>
public class FramedConnectionFuzzTests
{
    private const int MaxFrameLength = 4096;
    private const int MaxFramesPerStream = 64;
    private static readonly uint[] ExtremeWords = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x00001000, 0x00001001, 0xeeeeeeee];

    [Fact]
    public async Task AcceptAndReceive_RandomAndMutatedStreams_RaiseOnlyTransportExceptions()
    {
        using var guard = HangGuard();
        var ct = guard.Token;
        var corpus = await ClientCorpusAsync(ct);
        var random = new Random(20261123);
        var outcomes = new Dictionary<string, int>();

        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var input = NextInput(random, corpus);
            var outcome = await RunServerAsync(input, ct);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // The mutations must reach past auto-detection into the framing code, not just fail at the first bytes.
        Assert.True(outcomes.GetValueOrDefault(nameof(TransportFailure.ChecksumMismatch)) > 0, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(TransportFailure.FrameTooLarge)) > 0, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(TransportFailure.InvalidLength)) > 0, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(TransportFailure.UnknownProtocol)) > 0, Describe(outcomes));
    }

    [Fact]
    public async Task ClientReceive_RandomAndMutatedStreams_RaiseOnlyTransportExceptions()
    {
        using var guard = HangGuard();
        var ct = guard.Token;
        var corpus = await ServerCorpusAsync(ct);
        var random = new Random(1123);
        var kinds = Enum.GetValues<TransportKind>();

        for (var iteration = 0; iteration < 1500; iteration++)
        {
            var kind = kinds[random.Next(kinds.Length)];
            var options = new TransportOptions
            {
                Kind = kind,
                Obfuscated = kind != TransportKind.Full && random.Next(2) == 0,
                MaxFrameLength = MaxFrameLength,
            };
            var input = NextInput(random, corpus);
            await using var client = await TransportTestSupport.ClientOverBytesAsync(input, options, ct);
            await DrainAsync(client, ct);
        }
    }

    /// <summary>Cancels only if a stream hangs the loop; generous on purpose (two shared cores).</summary>
    private static CancellationTokenSource HangGuard()
    {
        var guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        guard.CancelAfter(TimeSpan.FromMinutes(2));
        return guard;
    }

    private static async Task<string> RunServerAsync(byte[] input, CancellationToken ct)
    {
        FramedConnection server;
        try
        {
            server = await TransportTestSupport.AcceptBytesAsync(input, ct, MaxFrameLength);
        }
        catch (TransportException ex)
        {
            return ex.Failure.ToString();
        }

        await using (server)
        {
            return await DrainAsync(server, ct);
        }
    }

    /// <summary>Receives until the stream fails; anything but a TransportException fails the test.</summary>
    private static async Task<string> DrainAsync(FramedConnection connection, CancellationToken ct)
    {
        for (var i = 0; i < MaxFramesPerStream; i++)
        {
            try
            {
                using var frame = await connection.ReceiveAsync(ct);
                Assert.True(frame.Payload.Length <= MaxFrameLength);
            }
            catch (TransportErrorException)
            {
                // A well-formed error frame: the stream stays in step, keep reading.
            }
            catch (TransportException ex)
            {
                return ex.Failure.ToString();
            }
        }

        return "frames";
    }

    private static byte[] NextInput(Random random, List<byte[]> corpus)
    {
        if (random.Next(8) == 0)
        {
            var noise = new byte[random.Next(0, 300)];
            random.NextBytes(noise);
            return noise;
        }

        var bytes = new List<byte>(corpus[random.Next(corpus.Count)]);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    var inserted = new byte[random.Next(1, 9)];
                    random.NextBytes(inserted);
                    bytes.InsertRange(at, inserted);
                    break;
                case 3:
                    if (at + 4 <= bytes.Count)
                    {
                        var word = new byte[4];
                        BinaryPrimitives.WriteUInt32LittleEndian(word, ExtremeWords[random.Next(ExtremeWords.Length)]);
                        for (var k = 0; k < 4; k++)
                        {
                            bytes[at + k] = word[k];
                        }
                    }

                    break;
                default:
                    bytes[at] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. bytes];
    }

    private static IEnumerable<TransportOptions> AllClientOptions()
    {
        foreach (var kind in Enum.GetValues<TransportKind>())
        {
            yield return new TransportOptions { Kind = kind };
            if (kind != TransportKind.Full)
            {
                yield return new TransportOptions { Kind = kind, Obfuscated = true };
            }
        }
    }

    private static byte[][] SamplePackets(int seed) =>
        [TransportTestSupport.Packet(4, seed), TransportTestSupport.Packet(40, seed + 1), TransportTestSupport.Packet(600, seed + 2), TransportTestSupport.Packet(2048, seed + 3)];

    private static async Task<List<byte[]>> ClientCorpusAsync(CancellationToken ct)
    {
        var corpus = new List<byte[]>();
        var seed = 0;
        foreach (var options in AllClientOptions())
        {
            corpus.Add(await TransportTestSupport.ClientWireAsync(options, SamplePackets(seed += 10), ct));
        }

        return corpus;
    }

    private static async Task<List<byte[]>> ServerCorpusAsync(CancellationToken ct)
    {
        var corpus = new List<byte[]>();
        var seed = 100;
        foreach (var options in AllClientOptions())
        {
            var clientWire = await TransportTestSupport.ClientWireAsync(options, SamplePackets(seed += 10), ct);
            var stream = new ScriptedStream(clientWire);
            await using (var server = await FramedConnection.AcceptAsync(stream, new ServerTransportOptions(), ct))
            {
                foreach (var packet in SamplePackets(seed += 10))
                {
                    await server.SendAsync(packet, ct);
                }

                await server.SendTransportErrorAsync(TransportErrorException.AuthKeyNotFound, ct);
            }

            corpus.Add(stream.Written.ToArray());
        }

        return corpus;
    }

    private static string Describe(Dictionary<string, int> outcomes) =>
        string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
}
