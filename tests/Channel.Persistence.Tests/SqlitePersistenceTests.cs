using System.Data;
using System.Security.Cryptography;
using System.Text;
using Channel.Domain.Accounts;
using Channel.Persistence.Configuration;
using Channel.Persistence.Secrets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Persistence.Tests;

/// <summary>The shared behaviours on a real SQLite file, plus what only the embedded default does.</summary>
public sealed class SqlitePersistenceTests : AccountPersistenceBehaviours, IDisposable
{
    private readonly TempDirectory _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DataDirectory => Path.Combine(_root.Path, "data");

    public void Dispose() => _root.Dispose();

    private protected override Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(new Dictionary<string, string?>(), cancellationToken);

    private Task<PersistenceHarness> StartAsync(Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        settings.TryAdd(PersistenceSettings.DataDirectoryKey, "data");
        return PersistenceHarness.StartAsync(_root.Path, settings, cancellationToken);
    }

    [Fact]
    public async Task Start_EmbeddedDefaults_CreatesDatabaseFileInWalModeWithNormalSync()
    {
        await using var harness = await StartAsync(Ct);

        Assert.True(File.Exists(Path.Combine(DataDirectory, PersistenceSettings.SqliteFileName)));
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        Assert.IsType<SqliteChannelDbContext>(db);
        var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync(Ct);
        Assert.Equal("wal", mode);

        // 1 = NORMAL: no fsync per commit (see SqliteConnectionPragmas), on every connection the context opens.
        var synchronous = await db.Database.SqlQueryRaw<long>("SELECT synchronous AS Value FROM pragma_synchronous").SingleAsync(Ct);
        Assert.Equal(1, synchronous);

        // Commits checkpoint by themselves only past the fallback size; SqliteCheckpointer does it before.
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint";
        Assert.Equal((long)SqliteCheckpointer.FallbackPages, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Checkpointer_AfterWrites_CopiesTheLogIntoTheDatabaseFile()
    {
        await using var harness = await StartAsync(Ct);
        var checkpointer = harness.Services.GetRequiredService<SqliteCheckpointer>();
        var file = new FileInfo(Path.Combine(DataDirectory, PersistenceSettings.SqliteFileName));
        var before = file.Length;

        // About 2 MiB: an eighth of what makes a commit checkpoint by itself (4,096 pages of 4 KiB), so only the checkpointer moves it.
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE Filler (Data BLOB NOT NULL)", Ct);
        await db.Database.ExecuteSqlRawAsync(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) INSERT INTO Filler SELECT randomblob(32768) FROM n", Ct);

        await WaitUntilAsync(() =>
        {
            file.Refresh();
            return file.Length >= before + (2 * 1024 * 1024) && checkpointer.Checkpoints >= 1;
        });
    }

    [Fact]
    public async Task WriteGate_StatementOutsideATransaction_WaitsInTheProcessUntilTheOpenTransactionCommits()
    {
        await using var harness = await StartAsync(Ct);
        var gate = harness.Services.GetRequiredService<SqliteWriteGate>();
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var first = harness.CreateScope();
        var holder = first.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var transaction = holder.InTransactionAsync(
            async ct =>
            {
                await holder.Database.ExecuteSqlRawAsync("UPDATE TelegramAccounts SET DisplayName = 'first' WHERE 1 = 1", ct);
                inside.SetResult();
                await release.Task.WaitAsync(ct);
            },
            Ct);
        await Task.WhenAny(inside.Task, transaction).WaitAsync(Ct);
        Assert.True(inside.Task.IsCompleted, "the first transaction failed before it held the gate");
        Assert.True(holder.HoldsWriteGate);

        // A second writer queues on the gate (not in SQLite's busy loop, which sleeps 150 ms between tries).
        await using var second = harness.CreateScope();
        var waiter = second.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var update = waiter.Database.ExecuteSqlRawAsync("UPDATE TelegramAccounts SET DisplayName = 'second' WHERE 1 = 1", Ct);
        await WaitUntilAsync(() => gate.Waiting == 1);
        Assert.False(update.IsCompleted);

        release.SetResult();
        await transaction;
        Assert.Equal(1, await update);
        Assert.True(gate.IsFree);
        await using var check = harness.CreateScope();
        Assert.Equal("second", await check.ServiceProvider.GetRequiredService<ChannelDbContext>().Accounts.Select(a => a.DisplayName).SingleAsync(Ct));
    }

    [Fact]
    public async Task WriteGate_FailedStatementAndFailedTransaction_LeaveItFree()
    {
        await using var harness = await StartAsync(Ct);
        var gate = harness.Services.GetRequiredService<SqliteWriteGate>();
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();

        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE NoSuchTable SET x = 1", Ct));
        Assert.True(gate.IsFree);
        Assert.False(db.HoldsWriteGate);

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.InTransactionAsync(_ => throw new InvalidOperationException("boom"), Ct));
        Assert.True(gate.IsFree);
        Assert.False(db.HoldsWriteGate);

        // And the next write goes through.
        Assert.Equal(0, await db.Database.ExecuteSqlRawAsync("UPDATE TelegramAccounts SET DisplayName = 'x' WHERE 1 = 0", Ct));
        Assert.True(gate.IsFree);
    }

    [Fact]
    public async Task DbSession_ConsecutiveUnits_ShareOneOpenConnectionUntilResetIdleOrTooOld()
    {
        await using var harness = await StartAsync(Ct);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var session = new ChannelDbSession(harness.Services.GetRequiredService<IServiceScopeFactory>(), clock);

        var first = await session.GetAsync(Ct);
        var db = first.GetRequiredService<ChannelDbContext>();
        var connection = db.Database.GetDbConnection();
        Assert.Equal(ConnectionState.Open, connection.State);

        // A transaction and a statement outside one leave it open, and the next unit within the idle limit gets it.
        await db.InTransactionAsync(ct => db.Database.ExecuteSqlRawAsync("UPDATE TelegramAccounts SET DisplayName = 'x' WHERE 1 = 0", ct), Ct);
        Assert.Equal(0, await db.Accounts.CountAsync(Ct));
        Assert.Equal(ConnectionState.Open, connection.State);
        clock.Advance(ChannelDbSession.IdleLimit - TimeSpan.FromSeconds(1));
        Assert.Same(first, await session.GetAsync(Ct));

        // Idle for longer: a new scope, and the old connection is closed.
        clock.Advance(ChannelDbSession.IdleLimit);
        var second = await session.GetAsync(Ct);
        Assert.NotSame(first, second);
        Assert.Equal(ConnectionState.Closed, connection.State);

        // Reset (after a failure): a new one.
        await session.ResetAsync();
        var third = await session.GetAsync(Ct);
        Assert.NotSame(second, third);

        // Busy without pause, but past its lifetime: a new one too.
        var current = third;
        for (var elapsed = TimeSpan.Zero; elapsed <= ChannelDbSession.MaxLifetime; elapsed += TimeSpan.FromSeconds(4))
        {
            clock.Advance(TimeSpan.FromSeconds(4));
            current = await session.GetAsync(Ct);
        }

        Assert.NotSame(third, current);
        Assert.Equal(ConnectionState.Open, current.GetRequiredService<ChannelDbContext>().Database.GetDbConnection().State);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, limit.Token);
        }
    }

    [Fact]
    public async Task RawDatabaseFile_AfterStoringSecrets_ContainsNoPlaintextSecretOrKeyMaterial()
    {
        var session = TestData.SessionBlob();
        string masterKeyXml;
        await using (var harness = await StartAsync(Ct))
        {
            var account = TestData.NewAccount();
            await SaveNewAsync(harness, account);
            await using var scope = harness.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().SaveSessionAsync(account.Id, session, Ct);

            // The plaintext master keys, as DataProtection sees them after unwrapping.
            var keyManager = harness.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>();
            var key = Assert.Single(keyManager.GetAllKeys());
            masterKeyXml = key.Descriptor.ExportToXml().SerializedDescriptorElement.ToString();
        }

        SqliteConnection.ClearAllPools();
        var raw = ReadAllDatabaseFiles();

        Assert.False(raw.AsSpan().IndexOf(Encoding.ASCII.GetBytes(TestData.ApiHash)) >= 0, "api_hash in plaintext");
        Assert.False(raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(TestData.ApiHash.ToUpperInvariant())) >= 0, "api_hash in plaintext");
        for (var offset = 0; offset + 16 <= session.Length; offset += 16)
        {
            Assert.False(raw.AsSpan().IndexOf(session.AsSpan(offset, 16)) >= 0, $"session bytes at {offset} in plaintext");
        }

        var masterKeyValue = System.Xml.Linq.XElement.Parse(masterKeyXml).Descendants().Single(e => e.Name.LocalName == "value").Value;
        Assert.False(raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(masterKeyValue)) >= 0, "DataProtection master key in plaintext");
        Assert.False(raw.AsSpan().IndexOf(Convert.FromBase64String(masterKeyValue)) >= 0, "DataProtection master key bytes");
        Assert.False(raw.AsSpan().IndexOf("masterKey"u8) >= 0, "unwrapped key element in the database");
    }

    [Fact]
    public async Task Start_NoKeyProtectionConfigured_CreatesPrivateDevelopmentKekAndWarnsOnce()
    {
        await using var harness = await StartAsync(Ct);
        await SaveNewAsync(harness, TestData.NewAccount());

        var kekPath = Path.Combine(DataDirectory, "keys", "dataprotection-kek.key");
        Assert.True(File.Exists(kekPath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kekPath));
        }

        var warnings = harness.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("Development key setup", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_SameDevelopmentKek_DecryptsSecretsStoredBefore()
    {
        var account = TestData.NewAccount();
        var session = TestData.SessionBlob();
        await using (var harness = await StartAsync(Ct))
        {
            await SaveNewAsync(harness, account);
            await using var scope = harness.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().SaveSessionAsync(account.Id, session, Ct);
        }

        await using (var harness = await StartAsync(Ct))
        {
            await using var scope = harness.CreateScope();
            Assert.Equal(session, await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().LoadSessionAsync(account.Id, Ct));
        }
    }

    [Fact]
    public async Task Restart_ConfiguredKekChanged_CannotDecryptSecrets()
    {
        var account = TestData.NewAccount();
        var settings = new Dictionary<string, string?>
        {
            [PersistenceSettings.KeyEncryptionKeyKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        await using (var harness = await StartAsync(settings, Ct))
        {
            await SaveNewAsync(harness, account);
            Assert.DoesNotContain(harness.Logs.Entries, e => e.Level >= LogLevel.Warning);
            await using var scope = harness.CreateScope();
            Assert.Equal(TestData.ApiHash, await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().GetApiHashAsync(account.Id, Ct));
        }

        Assert.False(File.Exists(Path.Combine(DataDirectory, "keys", "dataprotection-kek.key")));
        settings[PersistenceSettings.KeyEncryptionKeyKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using (var harness = await StartAsync(settings, Ct))
        {
            await using var scope = harness.CreateScope();
            var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
            await Assert.ThrowsAnyAsync<CryptographicException>(() => store.GetApiHashAsync(account.Id, Ct));
        }
    }

    [Fact]
    public async Task Start_CertificateConfigured_WrapsKeysWithCertificateAndRoundTrips()
    {
        var certificatePath = Path.Combine(_root.Path, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=Channel key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(certificatePath, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-pass"), Ct);
        }

        var settings = new Dictionary<string, string?>
        {
            [PersistenceSettings.CertificatePathKey] = certificatePath,
            [PersistenceSettings.CertificatePasswordKey] = "pfx-pass",
        };
        var account = TestData.NewAccount();
        await using var harness = await StartAsync(settings, Ct);
        await SaveNewAsync(harness, account);

        await using var scope = harness.CreateScope();
        Assert.Equal(TestData.ApiHash, await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().GetApiHashAsync(account.Id, Ct));
        var xml = (await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().DataProtectionKeys.SingleAsync(Ct)).Xml;
        Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(DataDirectory, "keys", "dataprotection-kek.key")));
    }

    [Fact]
    public async Task Start_MigrationsOnStartupDisabled_LeavesDatabaseEmpty()
    {
        var settings = new Dictionary<string, string?> { [PersistenceSettings.ApplyMigrationsKey] = "false" };
        await using var harness = await StartAsync(settings, Ct);
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetPendingMigrationsAsync(Ct));
    }

    private byte[] ReadAllDatabaseFiles()
    {
        using var buffer = new MemoryStream();
        foreach (var file in Directory.EnumerateFiles(DataDirectory, PersistenceSettings.SqliteFileName + "*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.CopyTo(buffer);
        }

        Assert.True(buffer.Length > 0);
        return buffer.ToArray();
    }
}
