using Channel.Service.Hosting;
using Channel.Service.Replicas;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Channel.Service.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The bus (MassTransit: in-memory by default, RabbitMQ with <c>Bus:Transport=RabbitMq</c> and
    /// <c>ConnectionStrings:RabbitMq</c>), the outbox dispatcher with its <see cref="OutboxStatus"/>, and the "broker"
    /// readiness check. No consumers. Throws InvalidConfigurationException naming the key on bad configuration.
    /// Needs AddChannelPersistence (the outbox tables, <see cref="Persistence.Outbox.OutboxSignal"/>).
    /// </summary>
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
            // Our own "broker" check (below) is the readiness one; MassTransit's stays out of the probes.
            x.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "masstransit";
                health.Tags.Clear();
                health.Tags.Add("masstransit");
            });
            if (bus.Transport == BusTransport.RabbitMq)
            {
                x.UsingRabbitMq((_, cfg) => cfg.Host(bus.RabbitMqHost, bus.RabbitMqPort, bus.RabbitMqVirtualHost, "channel", host =>
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
                }));
            }
            else
            {
                x.UsingInMemory();
            }
        });
        services.AddHostedService<OutboxDispatcher>();
        services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: [HealthServices.Readiness]);
        return services;
    }
}
