using System.Security.Cryptography;
using System.Text;

namespace Channel.Cli;

/// <summary>
/// New API keys: 32 random bytes as base64url, and the hex SHA-256 the service is configured with
/// (<c>Auth:ApiKeys:N:Sha256</c>). The service never stores the key itself.
/// </summary>
public static class ApiKeyGenerator
{
    public static string NewKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
