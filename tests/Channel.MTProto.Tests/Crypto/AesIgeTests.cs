using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

public sealed class AesIgeTests
{
    // mtcute packages/wasm/tests/ige.test.ts
    private const string Aes256Key = "5468697320697320616E20696D706C655468697320697320616E20696D706C65";
    private const string Aes256Iv = "6D656E746174696F6E206F6620494745206D6F646520666F72204F70656E5353";
    private const string Aes256Plain = "99706487A1CDE613BC6DE0B6F24B1C7AA448C8B9C3403E3467A8CAD89340F53B";
    private const string Aes256Cipher = "792EA8AE577B1A66CB3BD92679B8030CA54EE631976BD3A04547FDCB4639FA69";

    // OpenSSL igetest, AES-128
    private const string Aes128Key = "000102030405060708090A0B0C0D0E0F";
    private const string Aes128Iv = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
    private const string Aes128Plain = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string Aes128Cipher = "1A8519A6557BE652E9DA8E43DA4EF4453CF456B4CA488AA383C79C98B34797CB";

    public delegate void IgeTransform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output);

    public static TheoryData<string, string, string, string, string> Vectors() => new()
    {
        { "portable", Aes256Key, Aes256Iv, Aes256Plain, Aes256Cipher },
        { "portable", Aes128Key, Aes128Iv, Aes128Plain, Aes128Cipher },
        { "hardware", Aes256Key, Aes256Iv, Aes256Plain, Aes256Cipher },
        { "hardware", Aes128Key, Aes128Iv, Aes128Plain, Aes128Cipher },
        { "dispatch", Aes256Key, Aes256Iv, Aes256Plain, Aes256Cipher },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encrypt_KnownVector_MatchesCiphertext(string path, string key, string iv, string plain, string cipher)
    {
        var (encrypt, _) = Path(path);
        var output = new byte[plain.Length / 2];

        encrypt(Hex.Bytes(key), Hex.Bytes(iv), Hex.Bytes(plain), output);

        Assert.Equal(cipher, Hex.Of(output));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decrypt_KnownVector_MatchesPlaintext(string path, string key, string iv, string plain, string cipher)
    {
        var (_, decrypt) = Path(path);
        var output = new byte[cipher.Length / 2];

        decrypt(Hex.Bytes(key), Hex.Bytes(iv), Hex.Bytes(cipher), output);

        Assert.Equal(plain, Hex.Of(output));
    }

    [Fact]
    public void HardwareAndPortable_RandomInputs_AgreeAndRoundTrip()
    {
        RequireHardware();
        var random = new Random(20261123);
        for (var trial = 0; trial < 200; trial++)
        {
            var key = new byte[trial % 4 == 0 ? 16 : 32];
            var iv = new byte[32];
            var plain = new byte[16 * random.Next(0, 80)];
            random.NextBytes(key);
            random.NextBytes(iv);
            random.NextBytes(plain);
            var hardware = new byte[plain.Length];
            var portable = new byte[plain.Length];

            AesIge.EncryptHardware(key, iv, plain, hardware);
            AesIge.EncryptPortable(key, iv, plain, portable);
            Assert.Equal(portable, hardware);

            AesIge.DecryptHardware(key, iv, hardware, hardware);
            AesIge.DecryptPortable(key, iv, portable, portable);
            Assert.Equal(plain, hardware);
            Assert.Equal(plain, portable);
        }
    }

    [Theory]
    [InlineData("hardware")]
    [InlineData("portable")]
    public void Encrypt_InPlace_SameAsSeparateBuffers(string path)
    {
        var (encrypt, decrypt) = Path(path);
        var random = new Random(7);
        var key = new byte[32];
        var iv = new byte[32];
        var data = new byte[16 * 33];
        random.NextBytes(key);
        random.NextBytes(iv);
        random.NextBytes(data);
        var separate = new byte[data.Length];
        encrypt(key, iv, data, separate);

        var inPlace = (byte[])data.Clone();
        encrypt(key, iv, inPlace, inPlace);
        Assert.Equal(separate, inPlace);

        decrypt(key, iv, inPlace, inPlace);
        Assert.Equal(data, inPlace);
    }

    [Fact]
    public void Encrypt_ChangingOnePlaintextByte_ChangesEveryLaterBlock()
    {
        // IGE propagates errors forward: the property the MTProto designers chose it for.
        var key = new byte[32];
        var iv = new byte[32];
        var plain = new byte[16 * 4];
        var first = new byte[plain.Length];
        var second = new byte[plain.Length];
        AesIge.Encrypt(key, iv, plain, first);
        plain[20] ^= 1;
        AesIge.Encrypt(key, iv, plain, second);

        Assert.Equal(first.AsSpan(0, 16).ToArray(), second.AsSpan(0, 16).ToArray());
        for (var block = 1; block < 4; block++)
        {
            Assert.NotEqual(first.AsSpan(16 * block, 16).ToArray(), second.AsSpan(16 * block, 16).ToArray());
        }
    }

    [Theory]
    [InlineData(32, 32, 15, "input")]
    [InlineData(24, 32, 16, "key")]
    [InlineData(32, 16, 16, "iv")]
    public void Encrypt_BadLengths_ThrowsArgumentException(int keyLength, int ivLength, int inputLength, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            AesIge.Encrypt(new byte[keyLength], new byte[ivLength], new byte[inputLength], new byte[inputLength]));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Encrypt_PartiallyOverlappingBuffers_ThrowsArgumentException()
    {
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() =>
            AesIge.Encrypt(new byte[32], new byte[32], buffer.AsSpan(0, 32), buffer.AsSpan(16, 32)));
    }

    private static (IgeTransform Encrypt, IgeTransform Decrypt) Path(string path)
    {
        switch (path)
        {
            case "hardware":
                RequireHardware();
                return (AesIge.EncryptHardware, AesIge.DecryptHardware);
            case "portable":
                return (AesIge.EncryptPortable, AesIge.DecryptPortable);
            default:
                return (AesIge.Encrypt, AesIge.Decrypt);
        }
    }

    private static void RequireHardware()
    {
        if (!AesIge.IsHardwareAccelerated)
        {
            Assert.Skip("This CPU has no AES-NI; the hardware path cannot run here.");
        }
    }
}
