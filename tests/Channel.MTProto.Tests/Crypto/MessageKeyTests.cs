using System.Security.Cryptography;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

public sealed class MessageKeyTests
{
    // mtcute packages/core/src/utils/crypto/mtproto.test.ts
    private const string AuthKeyPart = "98cb29c6ffa89e79da695a54f572e6cb101e81c688b63a4bf73c3622dec230e0";
    private const string MsgKey = "25d701f2a29205526757825a99eb2d32";

    private static readonly byte[] AuthKey = Hex.Bytes(string.Concat(Enumerable.Repeat(AuthKeyPart, 8)));

    [Theory]
    [InlineData(MessageKey.ClientToServer,
        "af3f8e1ffa75f4c981eec33a3e5bbaa2ea48f9bb93e91597627eb1f67960a0c9",
        "9874d77f95155b35221bff94b7df4594c6996e2a62e44fcb7d93c8c4e41b79ee")]
    [InlineData(MessageKey.ServerToClient,
        "d4b378e1e0525f10ff9d4c42807ccce5b30a033a8088c0b922b5259421751648",
        "4d7194f42f0135d2fd83050b403265b4c40ee3e9e9fba56f0f4d8ea6bcb121f5")]
    public void DeriveAesKeyIv_KnownVector_MatchesKeyAndIv(int x, string expectedKey, string expectedIv)
    {
        var key = new byte[32];
        var iv = new byte[32];

        MessageKey.DeriveAesKeyIv(AuthKey, Hex.Bytes(MsgKey), x, key, iv);

        Assert.Equal(expectedKey, Hex.Of(key), ignoreCase: true);
        Assert.Equal(expectedIv, Hex.Of(iv), ignoreCase: true);
    }

    [Theory]
    [InlineData(MessageKey.ClientToServer, 48)]
    [InlineData(MessageKey.ServerToClient, 48)]
    [InlineData(MessageKey.ClientToServer, 4096)]
    public void Compute_AnyLength_IsMiddleOfSha256OverAuthKeySliceAndPlaintext(int x, int length)
    {
        var plaintext = new byte[length];
        new Random(length + x).NextBytes(plaintext);
        var msgKey = new byte[16];

        MessageKey.Compute(AuthKey, plaintext, x, msgKey);

        var hash = SHA256.HashData([.. AuthKey.AsSpan(88 + x, 32), .. plaintext]);
        Assert.Equal(hash.AsSpan(8, 16).ToArray(), msgKey);
    }

    [Fact]
    public void DeriveAesKeyIv_BadDirection_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
            MessageKey.DeriveAesKeyIv(AuthKey, Hex.Bytes(MsgKey), 4, new byte[32], new byte[32]));
    }

    [Theory]
    [InlineData(MessageKey.ClientToServer)]
    [InlineData(MessageKey.ServerToClient)]
    public void MessageCipher_RoundTrip_DecryptsAndVerifiesMsgKey(int x)
    {
        var plaintext = new byte[16 * 20];
        new Random(x).NextBytes(plaintext);
        var msgKey = new byte[16];
        var ciphertext = new byte[plaintext.Length];
        var decrypted = new byte[plaintext.Length];

        MessageCipher.Encrypt(AuthKey, x, plaintext, msgKey, ciphertext);

        Assert.True(MessageCipher.TryDecrypt(AuthKey, x, msgKey, ciphertext, decrypted));
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void MessageCipher_TamperedCiphertext_FailsMsgKeyCheck()
    {
        var plaintext = new byte[64];
        var msgKey = new byte[16];
        var ciphertext = new byte[plaintext.Length];
        MessageCipher.Encrypt(AuthKey, MessageKey.ClientToServer, plaintext, msgKey, ciphertext);
        ciphertext[^1] ^= 0x01;

        Assert.False(MessageCipher.TryDecrypt(AuthKey, MessageKey.ClientToServer, msgKey, ciphertext, new byte[64]));
    }

    [Fact]
    public void MessageCipher_WrongDirection_FailsMsgKeyCheck()
    {
        var plaintext = new byte[64];
        var msgKey = new byte[16];
        var ciphertext = new byte[plaintext.Length];
        MessageCipher.Encrypt(AuthKey, MessageKey.ClientToServer, plaintext, msgKey, ciphertext);

        Assert.False(MessageCipher.TryDecrypt(AuthKey, MessageKey.ServerToClient, msgKey, ciphertext, new byte[64]));
    }

    [Fact]
    public void MessageCipher_LengthNotMultipleOf16_ReturnsFalse()
    {
        Assert.False(MessageCipher.TryDecrypt(AuthKey, MessageKey.ClientToServer, new byte[16], new byte[20], new byte[20]));
    }
}
