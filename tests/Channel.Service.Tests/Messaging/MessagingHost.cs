extern alias service;

using Channel.Contracts;
using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using service::Channel.Service.Messaging;

namespace Channel.Service.Tests.Messaging;

/// <summary>Persistence (SQLite in a temporary directory) plus AddChannelMessaging, as the service composes them.</summary>
internal sealed class MessagingHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _root;

    private MessagingHost(IHost host, string root)
    {
        _host = host;
        _root = root;
    }

    public IServiceProvider Services => _host.Services;

    public OutboxStatus Status => Services.GetRequiredService<OutboxStatus>();

    /// <summary>A host whose bus is the RabbitMQ node at <paramref name="broker"/>, with any further settings.</summary>
    public static Task<MessagingHost> StartOnRabbitMqAsync(Uri broker, params (string Key, string Value)[] settings) =>
        StartAsync([("Bus:Transport", "RabbitMq"), ("ConnectionStrings:RabbitMq", broker.ToString()), .. settings]);

    public static async Task<MessagingHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var root = Path.Combine(Path.GetTempPath(), "channel-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = "data",
                ["Outbox:RetryMinDelay"] = "00:00:00.200",
                ["Outbox:RetryMaxDelay"] = "00:00:01",
                ["Outbox:PublishTimeout"] = "00:00:05",
            }.Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddChannelPersistence(builder.Configuration, root);
        builder.Services.AddChannelMessaging(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new MessagingHost(host, root);
    }

    public async Task<TelegramAccount> AddAccountAsync(string phone = "+4915112345678")
    {
        var account = TelegramAccount.Create(
            new HelpdeskAccountId(7), PhoneNumber.FromE164(phone), new ApiCredentials(1, "0123456789abcdef0123456789abcdef"), "Sales", TimeProvider.System);
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.Accounts.Add(account);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return account;
    }

    /// <summary>Writes <paramref name="count"/> InboundMessageReceived rows in one transaction; returns their EventIds in order.</summary>
    public async Task<List<Guid>> AddInboundAsync(TelegramAccount account, int count, string text = "hello")
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var writer = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
        await db.InTransactionAsync(
            async ct =>
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    writer.Add(db, ids[i], account.Id, new InboundMessageReceived
                    {
                        EventId = ids[i],
                        AccountId = account.Id.Value,
                        HelpdeskAccountId = account.HelpdeskAccountId.Value,
                        Sequence = i + 1,
                        Chat = new ChatRef { Kind = ChatKinds.User, Id = 42 },
                        TelegramMessageId = i + 1,
                        Text = text,
                        SentAt = DateTimeOffset.UtcNow,
                        ReceivedAt = DateTimeOffset.UtcNow,
                    });
                }

                await db.SaveChangesAsync(ct);
            },
            TestContext.Current.CancellationToken);
        return ids;
    }

    /// <summary>Writes one row as it is, bypassing <see cref="OutboxWriter"/>: for rows no writer of ours would produce.</summary>
    public async Task<Guid> AddRawRowAsync(TelegramAccount account, string messageType, string body)
    {
        var id = Guid.CreateVersion7();
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.OutboxMessages.Add(new OutboxMessage
        {
            MessageId = id,
            AccountId = account.Id.Value,
            MessageType = messageType,
            Body = body,
            CreatedAt = DateTimeOffset.UtcNow,
            AvailableAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return id;
    }

    public async Task<OutboxMessage> RowAsync(Guid messageId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.MessageId == messageId, TestContext.Current.CancellationToken);
    }

    public async Task<long> UnsentAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<OutboxStore>().GetBacklogAsync(TestContext.Current.CancellationToken)).Count;
    }

    public async Task<HealthStatus> ReadinessAsync()
    {
        var report = await Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Tags.Contains("readiness"), TestContext.Current.CancellationToken);
        return report.Status;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
