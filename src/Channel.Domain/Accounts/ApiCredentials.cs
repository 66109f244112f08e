using System.Diagnostics.CodeAnalysis;

namespace Channel.Domain.Accounts;

/// <summary>
/// The application credentials from my.telegram.org that a login uses. The hash is a secret: it lives on this
/// value only between the request and the secret store, and <see cref="ToString"/> never shows it.
/// </summary>
public sealed class ApiCredentials
{
    private const int ApiHashLength = 32;

    public ApiCredentials(int apiId, string apiHash)
    {
        if (!IsValidApiId(apiId))
        {
            throw new ArgumentOutOfRangeException(nameof(apiId), "api_id must be a positive integer.");
        }

        if (!IsValidApiHash(apiHash))
        {
            throw new ArgumentException("api_hash must be 32 hexadecimal characters.", nameof(apiHash));
        }

        ApiId = apiId;
        ApiHash = apiHash.ToLowerInvariant();
    }

    public int ApiId { get; }

    /// <summary>32 lower-case hex characters. Secret: never log it.</summary>
    public string ApiHash { get; }

    public static bool IsValidApiId(int apiId) => apiId > 0;

    public static bool IsValidApiHash([NotNullWhen(true)] string? apiHash) =>
        apiHash is { Length: ApiHashLength } && apiHash.AsSpan().ContainsAnyExcept(HexDigits) is false;

    public override string ToString() => $"api_id {ApiId}, api_hash ***";

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}
