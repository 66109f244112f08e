using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Transport;

public class AesCtrTests
{
    // NIST SP 800-38A F.5.5 CTR-AES256.Encrypt. The second block's counter (…fdff00) carries across a byte.
    private static readonly byte[] Key = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    private static readonly byte[] InitialCounter = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    private static readonly byte[] Plaintext = Convert.FromHexString(
        "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
        "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
    private static readonly byte[] Ciphertext = Convert.FromHexString(
        "601ec313775789a5b7a7f504bbf3d228" + "f443e3ca4d62b59aca84e990cacaf5c5" +
        "2b0930daa23de94ce87017ba2d84988d" + "dfc9c58db67aada613c2dd08457941a6");

    [Fact]
    public void Transform_NistVector_MatchesCiphertext()
    {
        using var ctr = new AesCtr(Key, InitialCounter);
        var output = new byte[Plaintext.Length];

        ctr.Transform(Plaintext, output);

        Assert.Equal(Convert.ToHexString(Ciphertext), Convert.ToHexString(output));
    }

    [Theory]
    [InlineData(new[] { 1, 3, 5, 7, 11, 13, 24 })]
    [InlineData(new[] { 15, 1, 17, 31 })]
    [InlineData(new[] { 0, 64 })]
    public void Transform_SplitAtOddOffsets_MatchesNistCiphertext(int[] chunkLengths)
    {
        using var ctr = new AesCtr(Key, InitialCounter);
        var output = new byte[Plaintext.Length];
        var offset = 0;
        foreach (var length in chunkLengths)
        {
            ctr.Transform(Plaintext.AsSpan(offset, length), output.AsSpan(offset, length));
            offset += length;
        }

        Assert.Equal(Plaintext.Length, offset);
        Assert.Equal(Convert.ToHexString(Ciphertext), Convert.ToHexString(output));
    }

    [Fact]
    public void Transform_InPlace_MatchesNistCiphertext()
    {
        using var ctr = new AesCtr(Key, InitialCounter);
        var buffer = Plaintext.ToArray();

        ctr.Transform(buffer.AsSpan(0, 9), buffer.AsSpan(0, 9));
        ctr.Transform(buffer.AsSpan(9), buffer.AsSpan(9));

        Assert.Equal(Convert.ToHexString(Ciphertext), Convert.ToHexString(buffer));
    }

    [Fact]
    public void Transform_LongStreamInRandomChunks_MatchesOneShotAndDecrypts()
    {
        // Longer than several keystream batches, split at arbitrary points.
        var data = TransportTestSupport.Packet(5000, seed: 7);
        using var oneShot = new AesCtr(Key, InitialCounter);
        var expected = new byte[data.Length];
        oneShot.Transform(data, expected);

        using var chunked = new AesCtr(Key, InitialCounter);
        var actual = new byte[data.Length];
        var random = new Random(11);
        for (var offset = 0; offset < data.Length;)
        {
            var length = Math.Min(random.Next(1, 300), data.Length - offset);
            chunked.Transform(data.AsSpan(offset, length), actual.AsSpan(offset, length));
            offset += length;
        }

        Assert.Equal(expected, actual);
        using var decrypt = new AesCtr(Key, InitialCounter);
        decrypt.Transform(actual, actual);
        Assert.Equal(data, actual);
    }

    [Fact]
    public void Transform_CounterAtMaximum_WrapsToZero()
    {
        // OpenSSL increments the whole 128-bit block: after ff…ff comes 00…00.
        var allOnes = Enumerable.Repeat((byte)0xff, 16).ToArray();
        using var wrapping = new AesCtr(Key, allOnes);
        var output = new byte[32];
        wrapping.Transform(new byte[32], output);

        using var fromZero = new AesCtr(Key, new byte[16]);
        var expectedSecond = new byte[16];
        fromZero.Transform(new byte[16], expectedSecond);

        Assert.Equal(expectedSecond, output[16..]);
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(32, 15)]
    public void Constructor_WrongKeyOrIvLength_Throws(int keyLength, int ivLength)
    {
        Assert.Throws<ArgumentException>(() => new AesCtr(new byte[keyLength], new byte[ivLength]));
    }
}
