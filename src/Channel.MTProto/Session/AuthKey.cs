using System.Security.Cryptography;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Session;

/// <summary>
/// A 2048-bit MTProto authorization key with its derived identifiers: <see cref="Id"/> (the low 64 bits of
/// SHA1(key), sent in front of every encrypted packet) and <see cref="AuxHash"/> (the high 64 bits, used in the
/// new_nonce_hash checks of the exchange that created it).
/// </summary>
/// <remarks>
/// Not a record on purpose: a generated ToString would print the key into logs. <see cref="ToString"/> shows the
/// id only, which is public on the wire anyway.
/// </remarks>
internal sealed class AuthKey : IEquatable<AuthKey>
{
    public const int Length = AuthKeyDerivation.AuthKeySize;

    private readonly byte[] _key;

    private AuthKey(byte[] key)
    {
        _key = key;
        Id = AuthKeyDerivation.ComputeAuthKeyId(key);
        AuxHash = AuthKeyDerivation.ComputeAuxHash(key);
    }

    /// <summary>auth_key_id: the last 8 bytes of SHA1(key) as a little-endian int64.</summary>
    public long Id { get; }

    /// <summary>aux_hash: the first 8 bytes of SHA1(key) as a little-endian int64.</summary>
    public long AuxHash { get; }

    /// <summary>The key bytes. Never log or put them in exception messages.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Wraps a copy of a 256-byte key.</summary>
    public static AuthKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
        {
            throw new ArgumentException($"An auth key is {Length} bytes.", nameof(key));
        }

        return new AuthKey(key.ToArray());
    }

    /// <summary>Writes the key bytes (for the session state the host persists).</summary>
    public byte[] ToArray() => (byte[])_key.Clone();

    public bool Equals(AuthKey? other) =>
        other is not null && (ReferenceEquals(this, other) || (Id == other.Id && CryptographicOperations.FixedTimeEquals(_key, other._key)));

    public override bool Equals(object? obj) => Equals(obj as AuthKey);

    public override int GetHashCode() => Id.GetHashCode();

    public override string ToString() => $"AuthKey(id {Id:X16})";
}
