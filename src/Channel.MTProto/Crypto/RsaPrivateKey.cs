using System.Numerics;
using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>How a client encrypted its p_q_inner_data.</summary>
internal enum RsaInnerDataFormat
{
    /// <summary>MTProto 2.0 RSA_PAD.</summary>
    RsaPad,

    /// <summary>SHA1(data) ‖ data ‖ random, as GramJS and Telethon still send.</summary>
    Legacy,
}

/// <summary>
/// The server side of the RSA step, for the emulator: a 2048-bit key pair and raw decryption of
/// req_DH_params' encrypted_data in either format a client may use.
/// </summary>
internal sealed class RsaPrivateKey
{
    private readonly BigInteger _p;
    private readonly BigInteger _q;
    private readonly BigInteger _dp;
    private readonly BigInteger _dq;
    private readonly BigInteger _inverseQ;
    private readonly BigInteger _d;

    private RsaPrivateKey(RSAParameters parameters)
    {
        PublicKey = new RsaPublicKey(BigEndian.ToBigInteger(parameters.Modulus), BigEndian.ToBigInteger(parameters.Exponent));
        _d = BigEndian.ToBigInteger(parameters.D);
        _p = BigEndian.ToBigInteger(parameters.P);
        _q = BigEndian.ToBigInteger(parameters.Q);
        _dp = BigEndian.ToBigInteger(parameters.DP);
        _dq = BigEndian.ToBigInteger(parameters.DQ);
        _inverseQ = BigEndian.ToBigInteger(parameters.InverseQ);
    }

    public RsaPublicKey PublicKey { get; }

    public long Fingerprint => PublicKey.Fingerprint;

    public static RsaPrivateKey Generate()
    {
        using var rsa = RSA.Create(RsaPublicKey.ModulusBits);
        return new RsaPrivateKey(rsa.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>Loads PKCS#1 ("BEGIN RSA PRIVATE KEY") or PKCS#8 ("BEGIN PRIVATE KEY") PEM.</summary>
    public static RsaPrivateKey FromPem(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaPrivateKey(rsa.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>PKCS#8 PEM of the whole key pair, for persisting an emulator's identity.</summary>
    public string ExportPrivatePem()
    {
        using var rsa = RSA.Create(ToParameters());
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>The public half as PKCS#1 PEM, the form clients are configured with.</summary>
    public string ExportPublicPem() => PublicKey.ExportPem();

    /// <summary>
    /// Decrypts req_DH_params' encrypted_data and recognises its format: RSA_PAD first, then the legacy one.
    /// </summary>
    /// <returns>
    /// For <see cref="RsaInnerDataFormat.Legacy"/>, exactly the serialized inner data; for
    /// <see cref="RsaInnerDataFormat.RsaPad"/>, the inner data followed by its random padding (192 bytes in all) —
    /// the TL reader reads one object and ignores the rest.
    /// </returns>
    /// <exception cref="MTProtoSecurityException">The block is malformed or in neither format.</exception>
    public byte[] DecryptInnerData(ReadOnlySpan<byte> encryptedData, out RsaInnerDataFormat format)
    {
        var block = DecryptRaw(encryptedData);
        try
        {
            var data = RsaPad.TryDecode(block);
            if (data is not null)
            {
                format = RsaInnerDataFormat.RsaPad;
                return data;
            }

            data = RsaLegacy.TryDecode(block);
            if (data is not null)
            {
                format = RsaInnerDataFormat.Legacy;
                return data;
            }
        }
        finally
        {
            // The block holds new_nonce, the secret the whole auth key hangs on.
            CryptographicOperations.ZeroMemory(block);
        }

        throw new MTProtoSecurityException("encrypted_data is neither RSA_PAD nor the legacy format.");
    }

    /// <summary>c^d mod n via the Chinese remainder theorem, as 256 big-endian bytes.</summary>
    internal byte[] DecryptRaw(ReadOnlySpan<byte> encryptedData)
    {
        if (encryptedData.Length is 0 or > RsaPublicKey.BlockSize)
        {
            CryptoThrowHelper.ThrowSecurity("encrypted_data must be 1..256 bytes.");
        }

        var c = BigEndian.ToBigInteger(encryptedData);
        if (c >= PublicKey.Modulus)
        {
            CryptoThrowHelper.ThrowSecurity("encrypted_data is not below the RSA modulus.");
        }

        var m1 = BigInteger.ModPow(c % _p, _dp, _p);
        var m2 = BigInteger.ModPow(c % _q, _dq, _q);
        var h = _inverseQ * (m1 - m2) % _p;
        if (h.Sign < 0)
        {
            h += _p;
        }

        return BigEndian.ToBytes(m2 + (h * _q), RsaPublicKey.BlockSize);
    }

    private RSAParameters ToParameters()
    {
        var half = RsaPublicKey.BlockSize / 2;
        return new RSAParameters
        {
            Modulus = BigEndian.ToBytes(PublicKey.Modulus, RsaPublicKey.BlockSize),
            Exponent = PublicKey.Exponent.ToByteArray(isUnsigned: true, isBigEndian: true),
            D = BigEndian.ToBytes(_d, RsaPublicKey.BlockSize),
            P = BigEndian.ToBytes(_p, half),
            Q = BigEndian.ToBytes(_q, half),
            DP = BigEndian.ToBytes(_dp, half),
            DQ = BigEndian.ToBytes(_dq, half),
            InverseQ = BigEndian.ToBytes(_inverseQ, half),
        };
    }
}
