using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Crypto;

/// <summary>
/// A server RSA public key as MTProto uses it: raw RSA (m^e mod n) over 256-byte blocks, named by its
/// fingerprint — the low 64 bits of SHA1(TL bytes(n) ‖ TL bytes(e)), read as a little-endian int64.
/// </summary>
internal sealed class RsaPublicKey
{
    public const int ModulusBits = 2048;
    public const int BlockSize = ModulusBits / 8;

    public RsaPublicKey(BigInteger modulus, BigInteger exponent)
    {
        if (modulus.Sign <= 0 || modulus.GetBitLength() != ModulusBits)
        {
            throw new ArgumentException("MTProto RSA keys have a 2048-bit modulus.", nameof(modulus));
        }

        if (exponent <= BigInteger.One || exponent >= modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), "The RSA exponent is out of range.");
        }

        Modulus = modulus;
        Exponent = exponent;
        Fingerprint = ComputeFingerprint(modulus, exponent);
    }

    public BigInteger Modulus { get; }

    public BigInteger Exponent { get; }

    /// <summary>As it appears in resPQ's server_public_key_fingerprints and req_DH_params.</summary>
    public long Fingerprint { get; }

    /// <summary>
    /// Parses PKCS#1 ("BEGIN RSA PUBLIC KEY", as Telegram publishes its keys) or SubjectPublicKeyInfo
    /// ("BEGIN PUBLIC KEY") PEM.
    /// </summary>
    public static RsaPublicKey FromPem(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return new RsaPublicKey(BigEndian.ToBigInteger(parameters.Modulus), BigEndian.ToBigInteger(parameters.Exponent));
    }

    /// <summary>The key as PKCS#1 PEM ("BEGIN RSA PUBLIC KEY"), the form Telegram and client libraries use.</summary>
    public string ExportPem()
    {
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = BigEndian.ToBytes(Modulus, BlockSize),
            Exponent = Exponent.ToByteArray(isUnsigned: true, isBigEndian: true),
        });
        return rsa.ExportRSAPublicKeyPem();
    }

    /// <summary>m^e mod n of a block, as 256 big-endian bytes. The caller guarantees m &lt; n.</summary>
    internal byte[] EncryptRaw(ReadOnlySpan<byte> block) =>
        BigEndian.ToBytes(BigInteger.ModPow(BigEndian.ToBigInteger(block), Exponent, Modulus), BlockSize);

    internal static long ComputeFingerprint(BigInteger modulus, BigInteger exponent)
    {
        var serialized = new ArrayBufferWriter<byte>(2 * (BlockSize + 4));
        var writer = new TlWriter(serialized);
        writer.WriteBytes(modulus.ToByteArray(isUnsigned: true, isBigEndian: true));
        writer.WriteBytes(exponent.ToByteArray(isUnsigned: true, isBigEndian: true));
        writer.Flush();
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(serialized.WrittenSpan, hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash[12..]);
    }
}
