using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

/// <summary>Hands out exactly the given bytes, in order; asking for more than that fails the test.</summary>
internal sealed class FixedRandomSource(params byte[][] chunks) : IRandomSource
{
    private readonly byte[] _bytes = chunks.SelectMany(chunk => chunk).ToArray();
    private int _position;

    public int Remaining => _bytes.Length - _position;

    public void Fill(Span<byte> destination)
    {
        if (destination.Length > Remaining)
        {
            throw new InvalidOperationException($"Asked for {destination.Length} random bytes, {Remaining} left.");
        }

        _bytes.AsSpan(_position, destination.Length).CopyTo(destination);
        _position += destination.Length;
    }
}

/// <summary>Deterministic pseudo-random bytes for round-trip tests.</summary>
internal sealed class SeededRandomSource(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}
