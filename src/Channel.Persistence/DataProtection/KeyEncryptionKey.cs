using System.Security.Cryptography;
using Channel.Persistence.Configuration;
using Microsoft.Extensions.Logging;

namespace Channel.Persistence.DataProtection;

/// <summary>
/// The key-encryption key (KEK) that wraps every DataProtection key before it is stored. Comes from
/// <c>DataProtection:KeyEncryptionKey</c>; when nothing is configured, a development KEK is generated once into a
/// 0600 file under the data directory and one warning says so.
/// </summary>
internal sealed partial class KeyEncryptionKey
{
    private readonly Lazy<(byte[] Key, string Id)> _key;

    public KeyEncryptionKey(PersistenceSettings settings, ILogger<KeyEncryptionKey> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _key = new Lazy<(byte[], string)>(() =>
        {
            var key = settings.KeyEncryptionKey ?? LoadOrCreateDevelopmentKey(settings.DevelopmentKeyEncryptionKeyPath, logger);
            return (key, ComputeId(key));
        });
    }

    /// <summary>32 bytes for AES-256-GCM.</summary>
    public ReadOnlySpan<byte> Key => _key.Value.Key;

    /// <summary>A short fingerprint stored next to each wrapped key, so a wrong KEK fails with a clear message.</summary>
    public string Id => _key.Value.Id;

    private static string ComputeId(byte[] key) =>
        Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));

    private static byte[] LoadOrCreateDevelopmentKey(string path, ILogger logger)
    {
        LogDevelopmentKeySetup(logger, path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(PersistenceSettings.KeyEncryptionKeyLength);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(path, options))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(Convert.ToBase64String(key));
                }

                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        var text = File.ReadAllText(path).Trim();
        var buffer = new byte[PersistenceSettings.KeyEncryptionKeyLength + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written != PersistenceSettings.KeyEncryptionKeyLength)
        {
            throw new InvalidOperationException(
                $"The development key-encryption key file '{path}' is damaged; restore it or configure {PersistenceSettings.KeyEncryptionKeyKey}.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    [LoggerMessage(
        EventId = 1100, Level = LogLevel.Warning,
        Message = "Development key setup: no DataProtection:KeyEncryptionKey or DataProtection:CertificatePath is configured, so the DataProtection key ring is wrapped with a generated key kept in {Path}. Configure a key-encryption key or a certificate for production.")]
    private static partial void LogDevelopmentKeySetup(ILogger logger, string path);
}
