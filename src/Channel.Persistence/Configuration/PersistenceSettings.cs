using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Channel.Persistence.Configuration;

/// <summary>
/// Everything the persistence layer reads from configuration, validated once at start-up. Any problem is an
/// <see cref="InvalidConfigurationException"/> naming the key, so a bad deployment stops with one clear message.
/// </summary>
public sealed class PersistenceSettings
{
    public const string ProviderKey = "Database:Provider";
    public const string ApplyMigrationsKey = "Database:ApplyMigrationsOnStartup";
    public const string ConnectionStringKey = "ConnectionStrings:Channel";
    public const string PostgreSqlConnectionStringKey = "ConnectionStrings:PostgreSql";
    public const string ExpectedProviders = "expected 'Sqlite', 'SqlServer' or 'PostgreSql'.";
    public const string DataDirectoryKey = "Storage:DataDirectory";
    public const string KeyEncryptionKeyKey = "DataProtection:KeyEncryptionKey";
    public const string CertificatePathKey = "DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "DataProtection:CertificatePassword";
    public const string DefaultDataDirectory = "data";
    public const string SqliteFileName = "channel.db";
    public const int KeyEncryptionKeyLength = 32;

    public required DatabaseProvider Provider { get; init; }

    public required string ConnectionString { get; init; }

    public required bool ApplyMigrationsOnStartup { get; init; }

    /// <summary>Absolute path of the data directory (SQLite file, development key-encryption key).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The configured key-encryption key, or null when another protection (or the development key) is used.</summary>
    public byte[]? KeyEncryptionKey { get; init; }

    public string? CertificatePath { get; init; }

    public string? CertificatePassword { get; init; }

    /// <summary>Where the generated development key-encryption key lives when none is configured.</summary>
    public string DevelopmentKeyEncryptionKeyPath => Path.Combine(DataDirectory, "keys", "dataprotection-kek.key");

    public bool UsesDevelopmentKeySetup => KeyEncryptionKey is null && CertificatePath is null;

    public static PersistenceSettings Load(IConfiguration configuration, string contentRootPath)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(contentRootPath);

        var provider = ReadProvider(configuration[ProviderKey]);
        var applyMigrations = ReadBool(configuration, ApplyMigrationsKey, defaultValue: true);

        var dataDirectoryText = configuration[DataDirectoryKey];
        var dataDirectory = string.IsNullOrWhiteSpace(dataDirectoryText) ? DefaultDataDirectory : dataDirectoryText.Trim();
        if (dataDirectory.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new InvalidConfigurationException(DataDirectoryKey, "the path contains invalid characters.");
        }

        dataDirectory = Path.GetFullPath(dataDirectory, contentRootPath);

        // PostgreSQL has a key of its own (a deployment may keep several connection strings side by side);
        // ConnectionStrings:Channel still works for it.
        var connectionString = provider == DatabaseProvider.PostgreSql && !string.IsNullOrWhiteSpace(configuration[PostgreSqlConnectionStringKey])
            ? configuration[PostgreSqlConnectionStringKey]
            : configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.PostgreSql)
            {
                throw new InvalidConfigurationException(
                    PostgreSqlConnectionStringKey, "a PostgreSQL connection string is required when Database:Provider is PostgreSql.");
            }

            if (provider == DatabaseProvider.SqlServer)
            {
                throw new InvalidConfigurationException(
                    ConnectionStringKey, "a SQL Server connection string is required when Database:Provider is SqlServer.");
            }

            connectionString = $"Data Source={Path.Combine(dataDirectory, SqliteFileName)}";
        }

        var certificatePath = NullIfBlank(configuration[CertificatePathKey]);
        var kek = ReadKeyEncryptionKey(configuration[KeyEncryptionKeyKey]);
        if (kek is not null && certificatePath is not null)
        {
            throw new InvalidConfigurationException(
                KeyEncryptionKeyKey, $"set either {KeyEncryptionKeyKey} or {CertificatePathKey}, not both.");
        }

        if (certificatePath is not null)
        {
            certificatePath = Path.GetFullPath(certificatePath, contentRootPath);
            if (!File.Exists(certificatePath))
            {
                throw new InvalidConfigurationException(CertificatePathKey, "the certificate file does not exist.");
            }
        }

        return new PersistenceSettings
        {
            Provider = provider,
            ConnectionString = connectionString,
            ApplyMigrationsOnStartup = applyMigrations,
            DataDirectory = dataDirectory,
            KeyEncryptionKey = kek,
            CertificatePath = certificatePath,
            CertificatePassword = configuration[CertificatePasswordKey],
        };
    }

    private static DatabaseProvider ReadProvider(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DatabaseProvider.Sqlite;
        }

        // Names only: a number such as "1" must not silently pick a provider.
        if (!char.IsAsciiDigit(text.Trim()[0]) && Enum.TryParse<DatabaseProvider>(text.Trim(), ignoreCase: true, out var provider))
        {
            return provider;
        }

        throw new InvalidConfigurationException(ProviderKey, ExpectedProviders);
    }

    private static bool ReadBool(IConfiguration configuration, string key, bool defaultValue)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return bool.TryParse(text.Trim(), out var value)
            ? value
            : throw new InvalidConfigurationException(key, "expected 'true' or 'false'.");
    }

    private static byte[]? ReadKeyEncryptionKey(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var buffer = new byte[KeyEncryptionKeyLength + 3];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != KeyEncryptionKeyLength)
        {
            throw new InvalidConfigurationException(
                KeyEncryptionKeyKey,
                string.Create(CultureInfo.InvariantCulture, $"expected {KeyEncryptionKeyLength} random bytes in base64 (for example: openssl rand -base64 32)."));
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
