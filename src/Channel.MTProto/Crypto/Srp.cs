using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Channel.MTProto.Crypto;

/// <summary>A ready inputCheckPasswordSRP: srp_id, A (256 bytes) and M1 (32 bytes).</summary>
internal readonly record struct SrpClientProof(long SrpId, byte[] A, byte[] M1);

/// <summary>
/// Telegram's SRP-2048 for 2FA, algorithm passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow
/// (/api/srp). H = SHA256, SH(d, s) = H(s ‖ d ‖ s); every number is 256 bytes big-endian; g is padded too.
/// The client proof and the server check share <see cref="ComputeM1"/> and the other helpers here.
/// </summary>
internal static class Srp
{
    public const int Pbkdf2Iterations = 100_000;
    private const int HashSize = 32;

    /// <summary>x = PH2 = SH(PBKDF2-HMAC-SHA512(PH1, salt1, 100000), salt2), PH1 = SH(SH(password, salt1), salt2).</summary>
    public static byte[] ComputePasswordHash(string password, ReadOnlySpan<byte> salt1, ReadOnlySpan<byte> salt2)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return ComputePasswordHash(passwordBytes, salt1, salt2);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>As above, for a password the caller already holds as UTF-8 (and wipes itself).</summary>
    public static byte[] ComputePasswordHash(ReadOnlySpan<byte> passwordUtf8, ReadOnlySpan<byte> salt1, ReadOnlySpan<byte> salt2)
    {
        var ph1 = SaltedHash(SaltedHash(passwordUtf8, salt1), salt2);
        var derived = Rfc2898DeriveBytes.Pbkdf2(ph1, salt1, Pbkdf2Iterations, HashAlgorithmName.SHA512, 64);
        var x = SaltedHash(derived, salt2);
        CryptographicOperations.ZeroMemory(ph1);
        CryptographicOperations.ZeroMemory(derived);
        return x;
    }

    /// <summary>v = g^x mod p, what a server stores instead of the password (256 bytes).</summary>
    public static byte[] ComputeVerifier(ReadOnlySpan<byte> passwordHash, int generator, BigInteger prime) =>
        BigEndian.ToBytes(BigInteger.ModPow(generator, BigEndian.ToBigInteger(passwordHash), prime), DhGroup.PrimeBytes);

    /// <summary>The client's answer to account.password: validates (p, g, srp_B), picks a, returns A and M1.</summary>
    /// <exception cref="MTProtoSecurityException">p, g or srp_B fail the DH checks.</exception>
    public static SrpClientProof ComputeClientProof(
        string password,
        ReadOnlySpan<byte> salt1,
        ReadOnlySpan<byte> salt2,
        int generator,
        ReadOnlySpan<byte> prime,
        ReadOnlySpan<byte> srpB,
        long srpId,
        IRandomSource random)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return ComputeClientProof(passwordBytes, salt1, salt2, generator, prime, srpB, srpId, random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>As above, for a password the caller holds as UTF-8 (the login flow wipes it after the call).</summary>
    public static SrpClientProof ComputeClientProof(
        ReadOnlySpan<byte> passwordUtf8,
        ReadOnlySpan<byte> salt1,
        ReadOnlySpan<byte> salt2,
        int generator,
        ReadOnlySpan<byte> prime,
        ReadOnlySpan<byte> srpB,
        long srpId,
        IRandomSource random)
    {
        var p = BigEndian.ToBigInteger(prime);
        DhGroup.Validate(p, generator);
        var b = BigEndian.ToBigInteger(srpB);
        DhExchange.ValidatePublicValue(b, p);

        var passwordHash = ComputePasswordHash(passwordUtf8, salt1, salt2);
        var x = BigEndian.ToBigInteger(passwordHash);
        CryptographicOperations.ZeroMemory(passwordHash);
        var (secretA, publicA) = DhExchange.GenerateKeyPair(generator, p, random);
        var aBytes = BigEndian.ToBytes(publicA, DhGroup.PrimeBytes);
        var bBytes = BigEndian.ToBytes(b, DhGroup.PrimeBytes);

        // t = (g_b − k·v) mod p; s_a = t^(a + u·x) mod p.
        var k = ComputeK(p, generator);
        var v = BigInteger.ModPow(generator, x, p);
        var u = ComputeU(aBytes, bBytes);
        var t = (b - (k * v % p)) % p;
        if (t.Sign < 0)
        {
            t += p;
        }

        var sharedSecret = BigInteger.ModPow(t, secretA + (u * x), p);
        var m1 = ComputeM1(p, generator, salt1, salt2, aBytes, bBytes, sharedSecret);
        return new SrpClientProof(srpId, aBytes, m1);
    }

    /// <summary>k = H(p ‖ g).</summary>
    internal static BigInteger ComputeK(BigInteger prime, int generator) =>
        BigEndian.ToBigInteger(HashNumbers(prime, generator));

    /// <summary>u = H(g_a ‖ g_b).</summary>
    internal static BigInteger ComputeU(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData([.. a, .. b], hash);
        return BigEndian.ToBigInteger(hash);
    }

    /// <summary>M1 = H(H(p) ⊕ H(g) ‖ H(salt1) ‖ H(salt2) ‖ g_a ‖ g_b ‖ H(s)).</summary>
    internal static byte[] ComputeM1(
        BigInteger prime,
        int generator,
        ReadOnlySpan<byte> salt1,
        ReadOnlySpan<byte> salt2,
        ReadOnlySpan<byte> a,
        ReadOnlySpan<byte> b,
        BigInteger sharedSecret)
    {
        Span<byte> input = stackalloc byte[(4 * HashSize) + (2 * DhGroup.PrimeBytes)];
        var hp = input[..HashSize];
        SHA256.HashData(BigEndian.ToBytes(prime, DhGroup.PrimeBytes), hp);
        Span<byte> hg = stackalloc byte[HashSize];
        SHA256.HashData(BigEndian.ToBytes(generator, DhGroup.PrimeBytes), hg);
        for (var i = 0; i < HashSize; i++)
        {
            hp[i] ^= hg[i];
        }

        SHA256.HashData(salt1, input.Slice(HashSize, HashSize));
        SHA256.HashData(salt2, input.Slice(2 * HashSize, HashSize));
        a.CopyTo(input.Slice(3 * HashSize, DhGroup.PrimeBytes));
        b.CopyTo(input.Slice((3 * HashSize) + DhGroup.PrimeBytes, DhGroup.PrimeBytes));
        var secret = BigEndian.ToBytes(sharedSecret, DhGroup.PrimeBytes);
        SHA256.HashData(secret, input[^HashSize..]);
        CryptographicOperations.ZeroMemory(secret);
        return SHA256.HashData(input);
    }

    /// <summary>SH(data, salt) = H(salt ‖ data ‖ salt).</summary>
    private static byte[] SaltedHash(ReadOnlySpan<byte> data, ReadOnlySpan<byte> salt) =>
        SHA256.HashData([.. salt, .. data, .. salt]);

    private static byte[] HashNumbers(BigInteger prime, int generator) =>
        SHA256.HashData([.. BigEndian.ToBytes(prime, DhGroup.PrimeBytes), .. BigEndian.ToBytes(generator, DhGroup.PrimeBytes)]);
}

/// <summary>
/// The server side of SRP, for the emulator: one instance per account.getPassword answer. It holds b, publishes
/// g_b = k·v + g^b mod p, and checks the client's (A, M1) via s_b = (A · v^u)^b mod p.
/// </summary>
internal sealed class SrpServer
{
    private readonly int _generator;
    private readonly BigInteger _prime;
    private readonly byte[] _salt1;
    private readonly byte[] _salt2;
    private readonly BigInteger _verifier;
    private readonly BigInteger _secretB;

    public SrpServer(int generator, BigInteger prime, byte[] salt1, byte[] salt2, ReadOnlySpan<byte> verifier, IRandomSource random)
    {
        _generator = generator;
        _prime = prime;
        _salt1 = salt1;
        _salt2 = salt2;
        _verifier = BigEndian.ToBigInteger(verifier);

        // Retry until g_b passes the same range check the client applies to it.
        var kv = Srp.ComputeK(prime, generator) * _verifier % prime;
        BigInteger publicB;
        do
        {
            (_secretB, var gb) = DhExchange.GenerateKeyPair(generator, prime, random);
            publicB = (kv + gb) % prime;
        }
        while (!DhExchange.IsInSafeRange(publicB, prime));

        B = BigEndian.ToBytes(publicB, DhGroup.PrimeBytes);
    }

    /// <summary>srp_B for account.password.</summary>
    public byte[] B { get; }

    /// <summary>
    /// Checks inputCheckPasswordSRP's A and M1. False covers both a wrong password and a malformed A
    /// (including A ≡ 0 mod p, which would otherwise make s_b predictable).
    /// </summary>
    public bool VerifyClientProof(ReadOnlySpan<byte> a, ReadOnlySpan<byte> m1)
    {
        if (a.Length != DhGroup.PrimeBytes || m1.Length != 32)
        {
            return false;
        }

        var publicA = BigEndian.ToBigInteger(a);
        if (!DhExchange.IsInSafeRange(publicA, _prime))
        {
            return false;
        }

        var u = Srp.ComputeU(a, B);
        var sharedSecret = BigInteger.ModPow(publicA * BigInteger.ModPow(_verifier, u, _prime) % _prime, _secretB, _prime);
        var expected = Srp.ComputeM1(_prime, _generator, _salt1, _salt2, a, B, sharedSecret);
        return CryptographicOperations.FixedTimeEquals(expected, m1);
    }
}
