using System.Security.Cryptography;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

public sealed class RsaTests
{
    /// <summary>
    /// A throwaway test key (PKCS#1) whose modulus starts with 0x88, i.e. about 0.53·2^2048: about half of all random
    /// RSA_PAD blocks are ≥ n, so with a fixed seed the retry branch runs deterministically. Protects nothing.
    /// </summary>
    private const string LowModulusKeyPem = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAiL3+fJyJyqnt0TfZTTO//kRtEm7QY6EOaGwX+G1JOoiiYx+a
        tcqoRrv+EObUCwWpQ5M4OFiQCSjUcLWmkwyhyjc4+emLpKMFQdiwrilELxR7q2lK
        e3J/lpJzY1SJWWb3e4o90gP0k69XNFssgYVKyRbDtzmgfORq0T04gzmCegfS5J8G
        UF6WEfUzaNaKl+8VE/mOeulomgkgCjtKBDVHE9z6El4kD52C//bgk3WpXoVSxaIx
        l0YbQNGhGqaPOv4g/CiuXWvvvrSCkYWtZJ8nNOGFj5cHJhZ5mAI4oTqJAMhlWN9z
        AgfbB2dOI0yp+orwNS+lbEI+Np9M5YhfLRBSCQIDAQABAoIBAAWAtSpel6JIOax0
        YDzzGtl993BedT8NJCn076ICWTK50jnFnnw3rj3qeCGbUxJ+en6gVgrZGt1uKd5p
        8Pd0nVjTOr++iO1p1178UV/bg/BBFW5Ny77cBLZn06zo91NZtBaMoaA/TdWuS1wY
        BIUnJV33meNYYP+lptwfZ+l1TwLfbqqAk0JRz5NF9Xm+Ph/Dh5SC16RL/RjaE4qv
        TjibqJdBMA8311/4p5gq27uIWvhLXt8juTCgLnNAKkIHtIwhft/jw3h6MqyPv6s7
        5OShl/K3jReNtJ2FLSNxP85quGDq5Z/SbyUNCV/scjHDQyL93HdcAz4GZwVtA6h/
        QqE/92ECgYEAv3PV+SeL1kXtDV8ZRDgg49mWsEEQpE3EJECO8nCpBLwVkEs7KK/Z
        Nm1YGxd0HfOkGB25AeUp5H3/Oefq4StUwMJOHhqSKSvJBG9/T4J1rCCxQPoLW+Px
        s8Og9mo6VzEQ2ZLF7COQ+RVCRd47hK4v7AxW151pvH9myxyqx4J40WcCgYEAttgj
        mz6XjE+Bu/CHcpJhBbzec+xbm7TsjIn6r1WAPF2PT1YHrkF6kd0wYfv/XD6E5s33
        6Ju3WmhcF8ce9N8wM9QhKViPssNZF5lEOApuJgRyjSX4PTGpj+3nSPova/Uw0/y1
        +I2OlyzbDiNnpI/RXLI/kpfPeZQkura4ypwaaw8CgYEAtZHcGoHg4wRKP2Yzhjld
        J/pSKTJr4AdIv8DiURd7lFv0b3aJ0pqDfFTTPE5P95/7vktiDGQUCPldtsM2RPpd
        VLpyb6Zve9Bkwmoj6Xoms2oF8UOyxiE2N3CPFWPFlK+Z9V53iu5oLXJ1+eE7vSed
        l1ZUfgRyJS0GhhbX+ILKpn0CgYBhywBgS/3qQav1xRPsp3XVB8tC3Sux//Z0xGeb
        13Ma1j+MA0tgXA0ebtstzQYrZBTZDViGxKIwbJi07v8ToTu6vL5vyrowtmK0SHlA
        L/PxyXcrHx/COwmhvXByi71JVH6lIwiAw9V77bXLvgv07CbiGUP/N8r0D9QFOS1k
        0FEg6QKBgDCTgJx6erOQuMCYyTzROUd4mB8+k9IfOHmnnFv8yRKwOwtMSJUohWDF
        FcsJsrmJkuE+r3FvfsHsZbIizhJLA5uYSfjqTsOsDvmhlxTZ8x/P+PSi/V2tcQtd
        GrDV1R4BSJl5+EkngzedzJqX7QT3vtlc45AhWYpITRUsPcUcMAkw
        -----END RSA PRIVATE KEY-----
        """;

    /// <summary>One generated key for the class: generation takes a noticeable fraction of a second.</summary>
    private static readonly Lazy<RsaPrivateKey> ServerKey = new(RsaPrivateKey.Generate);

    [Fact]
    public void Fingerprint_TelegramProductionKey_IsPublishedValue()
    {
        Assert.Equal(-3414540481677951611, TelegramPublicKeys.Production.Fingerprint);
        Assert.Equal(unchecked((long)0xD09D1D85DE64FD85), TelegramPublicKeys.Production.Fingerprint);
    }

    [Fact]
    public void Fingerprint_TelegramTestKey_IsPublishedValue()
    {
        Assert.Equal(-5595554452916591101, TelegramPublicKeys.Test.Fingerprint);
        Assert.Equal(unchecked((long)0xB25898DF208D2603), TelegramPublicKeys.Test.Fingerprint);
    }

    [Fact]
    public void FromPem_SubjectPublicKeyInfoForm_GivesSameKeyAsPkcs1()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(TelegramPublicKeys.ProductionPem);
        var spki = rsa.ExportSubjectPublicKeyInfoPem();
        Assert.Contains("BEGIN PUBLIC KEY", spki, StringComparison.Ordinal);

        var key = RsaPublicKey.FromPem(spki);

        Assert.Equal(TelegramPublicKeys.Production.Modulus, key.Modulus);
        Assert.Equal(65537, (int)key.Exponent);
        Assert.Equal(TelegramPublicKeys.Production.Fingerprint, key.Fingerprint);
    }

    [Fact]
    public void ExportPem_TelegramKey_RoundTripsToPublishedText()
    {
        var exported = TelegramPublicKeys.Production.ExportPem();

        Assert.Equal(Normalize(TelegramPublicKeys.ProductionPem), Normalize(exported));
    }

    [Fact]
    public void FromPem_SmallerModulus_ThrowsArgumentException()
    {
        using var rsa = RSA.Create(1024);
        var pem = rsa.ExportRSAPublicKeyPem();

        Assert.Throws<ArgumentException>(() => RsaPublicKey.FromPem(pem));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(96)]
    [InlineData(100)]
    [InlineData(RsaPad.MaxDataLength)]
    public void RsaPad_RoundTrip_ServerRecoversDataAndFormat(int length)
    {
        var key = ServerKey.Value;
        var data = RandomBytes(length, seed: length);

        var encrypted = RsaPad.Encrypt(data, key.PublicKey, new SeededRandomSource(length));
        var decrypted = key.DecryptInnerData(encrypted, out var format);

        Assert.Equal(256, encrypted.Length);
        Assert.Equal(RsaInnerDataFormat.RsaPad, format);
        Assert.Equal(RsaPad.PaddedLength, decrypted.Length);
        Assert.Equal(data, decrypted[..length]);
    }

    [Fact]
    public void RsaPad_BlockAboveModulus_RetriesWithFreshTempKey()
    {
        // Each retry draws 32 more random bytes for a new temp_key; with this key about half the blocks are ≥ n.
        var key = RsaPrivateKey.FromPem(LowModulusKeyPem);
        var data = RandomBytes(100, seed: 3);
        var random = new CountingRandomSource(new SeededRandomSource(5));
        var retries = 0;

        for (var i = 0; i < 10; i++)
        {
            var before = random.BytesServed;
            var encrypted = RsaPad.Encrypt(data, key.PublicKey, random);
            retries += (int)((random.BytesServed - before - (192 - 100) - 32) / 32);
            Assert.Equal(data, key.DecryptInnerData(encrypted, out _)[..100]);
        }

        Assert.True(retries > 0, "No encryption needed a retry; the test did not exercise the ≥ modulus branch.");
    }

    [Fact]
    public void RsaPad_DataTooLong_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
            RsaPad.Encrypt(new byte[RsaPad.MaxDataLength + 1], TelegramPublicKeys.Production, new SeededRandomSource(1)));
    }

    [Theory]
    [InlineData(96)]
    [InlineData(100)]
    [InlineData(232)]
    public void RsaLegacy_RoundTrip_ServerRecoversExactDataAndFormat(int length)
    {
        var key = ServerKey.Value;
        var data = RandomBytes(length, seed: length);

        var encrypted = RsaLegacy.Encrypt(data, key.PublicKey, new SeededRandomSource(length));
        var decrypted = key.DecryptInnerData(encrypted, out var format);

        Assert.Equal(RsaInnerDataFormat.Legacy, format);
        Assert.Equal(data, decrypted);
    }

    [Fact]
    public void DecryptInnerData_RandomBlock_ThrowsSecurityException()
    {
        var key = ServerKey.Value;
        var block = RandomBytes(256, seed: 11);
        block[0] = 0;
        var encrypted = key.PublicKey.EncryptRaw(block);

        Assert.Throws<MTProtoSecurityException>(() => key.DecryptInnerData(encrypted, out _));
    }

    [Fact]
    public void DecryptInnerData_ValueNotBelowModulus_ThrowsSecurityException()
    {
        var key = ServerKey.Value;
        var modulus = BigEndian.ToBytes(key.PublicKey.Modulus, 256);

        Assert.Throws<MTProtoSecurityException>(() => key.DecryptInnerData(modulus, out _));
        Assert.Throws<MTProtoSecurityException>(() => key.DecryptInnerData(new byte[257], out _));
    }

    [Fact]
    public void DecryptRaw_InvertsEncryptRaw()
    {
        var key = ServerKey.Value;
        var block = RandomBytes(256, seed: 12);
        block[0] = 0x01;

        Assert.Equal(block, key.DecryptRaw(key.PublicKey.EncryptRaw(block)));
    }

    [Fact]
    public void ExportPrivatePem_Reloaded_HasSameFingerprintAndDecrypts()
    {
        var key = ServerKey.Value;
        var data = RandomBytes(100, seed: 13);
        var encrypted = RsaPad.Encrypt(data, RsaPublicKey.FromPem(key.ExportPublicPem()), new SeededRandomSource(13));

        var reloaded = RsaPrivateKey.FromPem(key.ExportPrivatePem());

        Assert.Equal(key.Fingerprint, reloaded.Fingerprint);
        Assert.Equal(data, reloaded.DecryptInnerData(encrypted, out _)[..100]);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Normalize(string pem) => pem.ReplaceLineEndings("\n").Trim();

    private sealed class CountingRandomSource(IRandomSource inner) : IRandomSource
    {
        public long BytesServed { get; private set; }

        public void Fill(Span<byte> destination)
        {
            inner.Fill(destination);
            BytesServed += destination.Length;
        }
    }
}
