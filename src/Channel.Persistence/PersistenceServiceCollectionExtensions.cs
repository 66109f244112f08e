using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Channel.Persistence.Configuration;
using Channel.Persistence.DataProtection;
using Channel.Persistence.Outbox;
using Channel.Persistence.Secrets;
using Channel.Persistence.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Channel.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>DataProtection application name: replicas sharing a key ring must use the same one.</summary>
    public const string ApplicationName = "Channel";

    /// <summary>
    /// Registers the provider-specific <see cref="ChannelDbContext"/>, start-up migrations, the DataProtection key
    /// ring (in the database, wrapped by a key-encryption key or certificate), <see cref="AccountSecretStore"/>,
    /// <see cref="SessionCheckClaims"/> and the outbox (<see cref="OutboxWriter"/>, <see cref="OutboxStore"/>, <see cref="OutboxSignal"/>).
    /// Throws <see cref="InvalidConfigurationException"/> naming the key when the configuration is wrong.
    /// </summary>
    public static IServiceCollection AddChannelPersistence(
        this IServiceCollection services, IConfiguration configuration, string contentRootPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        var settings = PersistenceSettings.Load(configuration, contentRootPath);
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);

        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                // One write queue per database (SqliteWriteGate); the context takes it from the container.
                services.AddSingleton<SqliteWriteGate>();
                services.AddDbContext<ChannelDbContext, SqliteChannelDbContext>(
                    options => CommonOptions(options.UseSqlite(settings.ConnectionString)).AddInterceptors(SqliteConnectionPragmas.Instance, SqliteWriteGateInterceptor.Instance),
                    optionsLifetime: ServiceLifetime.Singleton);
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContext<ChannelDbContext, SqlServerChannelDbContext>(
                    options => CommonOptions(options.UseSqlServer(settings.ConnectionString, sql => sql.EnableRetryOnFailure())),
                    optionsLifetime: ServiceLifetime.Singleton);
                break;
            case DatabaseProvider.PostgreSql:
                // Retries transient faults (failover, dropped connections) like SQL Server's strategy: units of work go
                // through ChannelDbContextTransactions.InTransactionAsync, which the strategy can re-run whole.
                services.AddDbContext<ChannelDbContext, PostgreSqlChannelDbContext>(
                    options => CommonOptions(options.UseNpgsql(settings.ConnectionString, npgsql => npgsql.EnableRetryOnFailure())),
                    optionsLifetime: ServiceLifetime.Singleton);
                break;
            default:
                throw new InvalidConfigurationException(PersistenceSettings.ProviderKey, PersistenceSettings.ExpectedProviders);
        }

        // Before AddDataProtection: hosted services start in registration order, and DataProtection's reads the key ring.
        services.AddHostedService<DatabaseInitializer>();
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            services.AddSingleton<SqliteCheckpointer>();
            services.AddHostedService(provider => provider.GetRequiredService<SqliteCheckpointer>());
        }

        services.AddScoped<AccountSecretStore>();
        services.AddScoped<SessionCheckClaims>();
        services.AddScoped<Leases.AccountLeaseStore>();
        AddOutbox(services);
        AddKeyRing(services, settings);
        return services;
    }

    /// <summary>
    /// What every provider's context gets: the commit notifications (outbox signal, account changes). Set here rather
    /// than in <c>OnConfiguring</c>, and the options built once (a singleton), because either one rebuilt the options
    /// for every context: their copies showed in an allocation trace of the service under load.
    /// </summary>
    private static DbContextOptionsBuilder CommonOptions(DbContextOptionsBuilder options) =>
        options.AddInterceptors(CommitNotificationInterceptor.Instance);

    /// <summary>
    /// The outbox: <see cref="OutboxWriter"/> and <see cref="OutboxSignal"/> (singletons), <see cref="OutboxStore"/> and
    /// the post-commit notifications (scoped, with the context). Listeners: register <see cref="IAccountStatusListener"/>s.
    /// </summary>
    private static void AddOutbox(IServiceCollection services)
    {
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxWriter>();
        services.TryAddScoped<ChannelSaveNotifications>();
        services.TryAddScoped<OutboxStore>();
    }

    private static void AddKeyRing(IServiceCollection services, PersistenceSettings settings)
    {
        var dataProtection = services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<ChannelDbContext>();

        if (settings.CertificatePath is not null)
        {
            var certificate = LoadCertificate(settings);
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
            return;
        }

        services.AddSingleton<KeyEncryptionKey>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<KeyEncryptionKey>((options, kek) => options.XmlEncryptor = new KeyEncryptionKeyXmlEncryptor(kek));
    }

    private static X509Certificate2 LoadCertificate(PersistenceSettings settings)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(
                settings.CertificatePath!, settings.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw new InvalidConfigurationException(
                PersistenceSettings.CertificatePathKey,
                $"the file is not a PKCS#12 certificate or {PersistenceSettings.CertificatePasswordKey} is wrong.");
        }

        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
        {
            certificate.Dispose();
            throw new InvalidConfigurationException(
                PersistenceSettings.CertificatePathKey, "the certificate needs an RSA private key to unwrap the key ring.");
        }

        return certificate;
    }
}
