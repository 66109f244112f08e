using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator.Wire;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>
/// The emulator's RSA key: generated (2048-bit) or loaded from / created at a PEM path. Clients are given
/// <see cref="PublicKeyPem"/> (PKCS#1, as Telegram publishes its keys) and <see cref="Fingerprint"/>.
/// </summary>
/// <remarks>The shared crypto has no RSA private-key type yet, so the server's raw decryption lives here.</remarks>
internal sealed class EmulatorRsaKey
{
    private readonly BigInteger _modulus;
    private readonly BigInteger _p;
    private readonly BigInteger _q;
    private readonly BigInteger _dp;
    private readonly BigInteger _dq;
    private readonly BigInteger _inverseQ;

    private EmulatorRsaKey(RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        _modulus = BigEndian.ToBigInteger(parameters.Modulus);
        _p = BigEndian.ToBigInteger(parameters.P);
        _q = BigEndian.ToBigInteger(parameters.Q);
        _dp = BigEndian.ToBigInteger(parameters.DP);
        _dq = BigEndian.ToBigInteger(parameters.DQ);
        _inverseQ = BigEndian.ToBigInteger(parameters.InverseQ);
        ModulusLength = parameters.Modulus!.Length;
        PublicKeyPem = rsa.ExportRSAPublicKeyPem();
        PrivateKeyPem = rsa.ExportRSAPrivateKeyPem();
        Fingerprint = ComputeFingerprint(_modulus, BigEndian.ToBigInteger(parameters.Exponent));
    }

    public string PublicKeyPem { get; }

    public string PrivateKeyPem { get; }

    /// <summary>Last 8 bytes of SHA1(TL bytes(n) ‖ TL bytes(e)) as a little-endian int64.</summary>
    public long Fingerprint { get; }

    public int ModulusLength { get; }

    public static EmulatorRsaKey Generate()
    {
        using var rsa = RSA.Create(2048);
        return new EmulatorRsaKey(rsa);
    }

    public static EmulatorRsaKey FromPem(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        if (rsa.KeySize != 2048)
        {
            throw new CryptographicException($"The emulator's RSA key must be 2048-bit (MTProto's RSA step is sized for it); got {rsa.KeySize}.");
        }

        return new EmulatorRsaKey(rsa);
    }

    /// <summary>Loads the PEM at <paramref name="path"/>, or generates a key and writes it there (owner-only).</summary>
    public static EmulatorRsaKey LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return FromPem(File.ReadAllText(path));
        }

        var key = Generate();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key.PrivateKeyPem);
        }

        return key;
    }

    /// <summary>
    /// Raw RSA (no padding): m = c^d mod n via CRT, as a big-endian value left-padded to the modulus length.
    /// Returns false when the ciphertext is not a number below the modulus.
    /// </summary>
    public bool TryDecryptRaw(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        var c = BigEndian.ToBigInteger(ciphertext);
        if (ciphertext.Length > ModulusLength || c >= _modulus || plaintext.Length < ModulusLength)
        {
            return false;
        }

        var m1 = BigInteger.ModPow(c, _dp, _p);
        var m2 = BigInteger.ModPow(c, _dq, _q);
        var h = _inverseQ * (m1 - m2) % _p;
        if (h.Sign < 0)
        {
            h += _p;
        }

        BigEndian.WriteBytes(m2 + (h * _q), plaintext[..ModulusLength]);
        return true;
    }

    private static long ComputeFingerprint(BigInteger modulus, BigInteger exponent)
    {
        var data = TlBuffer.Build((ref Tl.TlWriter writer) =>
        {
            writer.WriteBytes(modulus.ToByteArray(isUnsigned: true, isBigEndian: true));
            writer.WriteBytes(exponent.ToByteArray(isUnsigned: true, isBigEndian: true));
        });
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(data, hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash[12..]);
    }
}
