using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// Where the crypto code takes its random bytes from. Production uses <see cref="SystemRandomSource"/>;
/// tests and the spec-sample replay inject fixed bytes.
/// </summary>
internal interface IRandomSource
{
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's CSPRNG.</summary>
internal sealed class SystemRandomSource : IRandomSource
{
    /// <summary>Stateless, so one shared instance is enough.</summary>
    public static readonly SystemRandomSource Instance = new();

    private SystemRandomSource()
    {
    }

    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
