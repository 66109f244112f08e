using Channel.Service.Hosting;
using Channel.Service.Outbound;
using Channel.Service.Replicas;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Channel.Service.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The bus (MassTransit: in-memory by default, RabbitMQ with <c>Bus:Transport=RabbitMq</c> and
    /// <c>ConnectionStrings:RabbitMq</c>), the outbox dispatcher with its <see cref="OutboxStatus"/>, and the "broker"
    /// readiness check. One consumer: SendTelegramMessage (queue <see cref="SendCommandQueue"/>, bound to the
    /// exchange Channel.Contracts:SendTelegramMessage; envelope or raw JSON, one at a time so the accepted order is the
    /// consumed order). Throws InvalidConfigurationException naming the key on bad configuration.
    /// Needs AddChannelPersistence (the outbox tables, <see cref="Persistence.Outbox.OutboxSignal"/>).
    /// </summary>
    /// <summary>The receive queue of SendTelegramMessage commands.</summary>
    public const string SendCommandQueue = "channel-send-telegram-message";

    public static IServiceCollection AddChannelMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var bus = BusSettings.Load(configuration);
        var outbox = OutboxOptions.Load(configuration);
        services.AddSingleton(bus);
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddOptions<OutboxOptions>()
            .Configure(options =>
            {
                options.BatchSize = outbox.BatchSize;
                options.Retention = outbox.Retention;
                options.PruneInterval = outbox.PruneInterval;
                options.RetryMinDelay = outbox.RetryMinDelay;
                options.RetryMaxDelay = outbox.RetryMaxDelay;
                options.PublishTimeout = outbox.PublishTimeout;
                options.PollInterval = outbox.PollInterval;
                options.BacklogScanInterval = outbox.BacklogScanInterval;
                options.PublishWindow = outbox.PublishWindow;
                options.Publisher = outbox.Publisher;
            })
            .ValidateOnStart();
        services.AddSingleton<OutboxStatus>();
        services.AddChannelReplicas(configuration);
        services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            // The outbox absorbs a broker outage: the host starts (and answers) without it.
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(10);
        });
        services.AddMassTransit(x =>
        {
            x.AddConsumer<SendTelegramMessageConsumer>();
            // Our own "broker" check (below) is the readiness one; MassTransit's stays out of the probes.
            x.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "masstransit";
                health.Tags.Clear();
                health.Tags.Add("masstransit");
            });
            if (bus.Transport == BusTransport.RabbitMq)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(bus.RabbitMqHost, bus.RabbitMqPort, bus.RabbitMqVirtualHost, "channel", host =>
                {
                    if (bus.RabbitMqUsername is { } username)
                    {
                        host.Username(username);
                    }

                    if (bus.RabbitMqPassword is { } password)
                    {
                        host.Password(password);
                    }

                    if (bus.UsesTls)
                    {
                        host.UseSsl(_ => { });
                    }

                    host.PublisherConfirmation = true;
                });
                    cfg.ReceiveEndpoint(SendCommandQueue, endpoint => ConfigureCommandEndpoint(endpoint, context));
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ReceiveEndpoint(SendCommandQueue, endpoint => ConfigureCommandEndpoint(endpoint, context)));
            }
        });
        if (bus.Transport == BusTransport.RabbitMq && outbox.Publisher == OutboxPublisher.Direct)
        {
            services.AddSingleton<IOutboxTransport, DirectOutboxTransport>();
        }
        else
        {
            services.AddSingleton<IOutboxTransport, MassTransitOutboxTransport>();
        }

        services.AddHostedService<OutboxDispatcher>();
        services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: [HealthServices.Readiness]);
        return services;
    }

    /// <summary>
    /// Raw JSON (content type application/json, the command itself as the body) besides MassTransit's envelope, for
    /// producers that are not MassTransit; one command at a time, so the order of acceptance is the queue's order.
    /// </summary>
    private static void ConfigureCommandEndpoint(IReceiveEndpointConfigurator endpoint, IBusRegistrationContext context)
    {
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType | RawSerializerOptions.CopyHeaders, isDefault: false);
        endpoint.ConcurrentMessageLimit = 1;
        endpoint.ConfigureConsumer<SendTelegramMessageConsumer>(context);
    }
}
