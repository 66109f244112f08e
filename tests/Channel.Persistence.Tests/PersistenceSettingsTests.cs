using Channel.Persistence.Configuration;
using Microsoft.Extensions.Configuration;

namespace Channel.Persistence.Tests;

public sealed class PersistenceSettingsTests
{
    private const string ContentRoot = "/srv/channel";

    private static PersistenceSettings Load(params (string Key, string? Value)[] values) =>
        PersistenceSettings.Load(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build(),
            ContentRoot);

    [Fact]
    public void Load_Empty_UsesEmbeddedDefaults()
    {
        var settings = Load();

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.True(settings.ApplyMigrationsOnStartup);
        Assert.Equal(Path.GetFullPath("/srv/channel/data"), settings.DataDirectory);
        Assert.Equal($"Data Source={Path.GetFullPath("/srv/channel/data/channel.db")}", settings.ConnectionString);
        Assert.True(settings.UsesDevelopmentKeySetup);
    }

    [Fact]
    public void Load_SqlServerWithConnectionString_UsesIt()
    {
        var settings = Load(("Database:Provider", "sqlserver"), ("ConnectionStrings:Channel", "Server=db;Database=Channel"));

        Assert.Equal(DatabaseProvider.SqlServer, settings.Provider);
        Assert.Equal("Server=db;Database=Channel", settings.ConnectionString);
    }

    [Fact]
    public void Load_PostgreSql_ReadsItsOwnConnectionStringFirst_ThenTheSharedOne()
    {
        var own = Load(("Database:Provider", "PostgreSql"), ("ConnectionStrings:PostgreSql", "Host=pg;Database=channel"), ("ConnectionStrings:Channel", "Host=other"));
        var shared = Load(("Database:Provider", "postgresql"), ("ConnectionStrings:Channel", "Host=other"));

        Assert.Equal((DatabaseProvider.PostgreSql, "Host=pg;Database=channel"), (own.Provider, own.ConnectionString));
        Assert.Equal((DatabaseProvider.PostgreSql, "Host=other"), (shared.Provider, shared.ConnectionString));
    }

    [Fact]
    public void Load_PostgreSqlWithoutConnectionString_ThrowsNamingItsKey()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(("Database:Provider", "PostgreSql")));

        Assert.Equal("ConnectionStrings:PostgreSql", error.Key);
    }

    [Fact]
    public void Load_ValidKek_IsUsedInsteadOfDevelopmentKey()
    {
        var kek = new byte[32];
        kek[0] = 9;

        var settings = Load(("DataProtection:KeyEncryptionKey", Convert.ToBase64String(kek)));

        Assert.Equal(kek, settings.KeyEncryptionKey);
        Assert.False(settings.UsesDevelopmentKeySetup);
    }

    [Theory]
    [InlineData("Database:Provider", "Postgres")]
    [InlineData("Database:Provider", "1")]
    [InlineData("Database:ApplyMigrationsOnStartup", "yes")]
    [InlineData("DataProtection:KeyEncryptionKey", "not base64!")]
    [InlineData("DataProtection:KeyEncryptionKey", "AAAA")]
    [InlineData("DataProtection:CertificatePath", "/nonexistent/keyring.pfx")]
    public void Load_InvalidValue_ThrowsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load((key, value)));

        Assert.Equal(key, error.Key);
        Assert.StartsWith($"Invalid configuration '{key}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SqlServerWithoutConnectionString_ThrowsNamingConnectionString()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(("Database:Provider", "SqlServer")));

        Assert.Equal("ConnectionStrings:Channel", error.Key);
    }

    [Fact]
    public void Load_KekAndCertificateBoth_ThrowsNamingKek()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(
            ("DataProtection:KeyEncryptionKey", Convert.ToBase64String(new byte[32])),
            ("DataProtection:CertificatePath", "/etc/keyring.pfx")));

        Assert.Equal("DataProtection:KeyEncryptionKey", error.Key);
    }
}
