using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Interim;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>
/// The emulator's RSA key: generated (2048-bit) or loaded from / created at a PEM path. Clients are given
/// <see cref="PublicKeyPem"/> (PKCS#1, as Telegram publishes its keys) and <see cref="Fingerprint"/>.
/// </summary>
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
        _modulus = ToInteger(parameters.Modulus!);
        _p = ToInteger(parameters.P!);
        _q = ToInteger(parameters.Q!);
        _dp = ToInteger(parameters.DP!);
        _dq = ToInteger(parameters.DQ!);
        _inverseQ = ToInteger(parameters.InverseQ!);
        ModulusLength = parameters.Modulus!.Length;
        PublicKeyPem = rsa.ExportRSAPublicKeyPem();
        PrivateKeyPem = rsa.ExportRSAPrivateKeyPem();
        Fingerprint = ComputeFingerprint(parameters.Modulus!, parameters.Exponent!);
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
        var c = new BigInteger(ciphertext, isUnsigned: true, isBigEndian: true);
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

        var m = m2 + (h * _q);
        var target = plaintext[..ModulusLength];
        target.Clear();
        var byteCount = m.GetByteCount(isUnsigned: true);
        return m.TryWriteBytes(target[(ModulusLength - byteCount)..], out _, isUnsigned: true, isBigEndian: true);
    }

    private static long ComputeFingerprint(byte[] modulus, byte[] exponent)
    {
        var writer = new TlWriter(300).WriteBytes(TrimLeadingZeros(modulus)).WriteBytes(TrimLeadingZeros(exponent));
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(writer.WrittenSpan, hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash[12..]);
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(byte[] value)
    {
        var span = value.AsSpan();
        while (span.Length > 1 && span[0] == 0)
        {
            span = span[1..];
        }

        return span;
    }

    private static BigInteger ToInteger(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
