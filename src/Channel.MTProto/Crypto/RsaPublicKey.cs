using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

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
        var n = modulus.ToByteArray(isUnsigned: true, isBigEndian: true);
        var e = exponent.ToByteArray(isUnsigned: true, isBigEndian: true);
        var serialized = new byte[TlBytesLength(n.Length) + TlBytesLength(e.Length)];
        var written = WriteTlBytes(serialized, n);
        WriteTlBytes(serialized.AsSpan(written), e);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(serialized, hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash[12..]);
    }

    // TL `bytes`: a 1-byte length (or 0xFE + 3-byte LE length from 254 bytes up), the data, zero padding
    // to a multiple of 4. A private copy until the TL runtime's TlWriter is available to the crypto code.
    private static int TlBytesLength(int length) => ((length < 254 ? 1 : 4) + length + 3) & ~3;

    private static int WriteTlBytes(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        var header = 1;
        if (value.Length < 254)
        {
            destination[0] = (byte)value.Length;
        }
        else
        {
            destination[0] = 254;
            destination[1] = (byte)value.Length;
            destination[2] = (byte)(value.Length >> 8);
            destination[3] = (byte)(value.Length >> 16);
            header = 4;
        }

        value.CopyTo(destination[header..]);
        var total = TlBytesLength(value.Length);
        destination[(header + value.Length)..total].Clear();
        return total;
    }
}
