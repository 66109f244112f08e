using System.Globalization;
using Channel.Persistence.Configuration;
using Channel.Service.Hosting;

namespace Channel.Service.Messaging;

/// <summary>The dispatcher's settings (<c>Outbox:*</c>), validated when the host starts.</summary>
internal sealed class OutboxOptions
{
    public const string Section = "Outbox";
    public const string BatchSizeKey = "Outbox:BatchSize";
    public const string RetentionKey = "Outbox:Retention";
    public const string PruneIntervalKey = "Outbox:PruneInterval";
    public const string RetryMinDelayKey = "Outbox:RetryMinDelay";
    public const string RetryMaxDelayKey = "Outbox:RetryMaxDelay";
    public const string PublishTimeoutKey = "Outbox:PublishTimeout";
    public const string PollIntervalKey = "Outbox:PollInterval";
    public const string BacklogScanIntervalKey = "Outbox:BacklogScanInterval";
    public const string PublishWindowKey = "Outbox:PublishWindow";
    public const string PublisherKey = "Outbox:Publisher";
    private const string PublisherExpected = "expected 'Direct' or 'MassTransit'.";
    public const int MaxPublishWindow = 1000;
    public const int MaxBatchSize = 1000;

    /// <summary>Rows read and published together (concurrently, in Id order).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Publishes of one account awaiting the broker's confirm at once, with the <see cref="OutboxPublisher.Direct"/>
    /// publisher; they still reach the exchange in Sequence order (one channel routes in the order it is written). 1
    /// waits for each confirm: one broker round trip per event. The MassTransit publisher always waits for each confirm.
    /// </summary>
    public int PublishWindow { get; set; } = 100;

    /// <summary>Who writes the events to RabbitMQ (<see cref="OutboxPublisher"/>); the in-memory bus is always MassTransit's.</summary>
    public OutboxPublisher Publisher { get; set; } = OutboxPublisher.Direct;

    /// <summary>How long sent rows are kept (for inspection and replays by hand).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>First back-off after a failed publish; doubles per failure up to <see cref="RetryMaxDelay"/>, with jitter.</summary>
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a batch may wait for the broker's confirms before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Safety-net scan when nothing signals new rows (rows written by another process, a missed signal).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How stale the backlog figures (health, metrics) may be while the dispatcher is busy publishing.</summary>
    public TimeSpan BacklogScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    public static OutboxOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new OutboxOptions();
        var options = new OutboxOptions
        {
            BatchSize = ConfigurationValues.ParseInt(configuration, BatchSizeKey, defaults.BatchSize, 1, MaxBatchSize),
            PublishWindow = ConfigurationValues.ParseInt(configuration, PublishWindowKey, defaults.PublishWindow, 1, MaxPublishWindow),
            Publisher = ConfigurationValues.ParseEnumName(configuration, PublisherKey, defaults.Publisher, PublisherExpected),
            Retention = ReadDuration(configuration, RetentionKey, defaults.Retention, TimeSpan.FromDays(365)),
            PruneInterval = ReadDuration(configuration, PruneIntervalKey, defaults.PruneInterval, TimeSpan.FromDays(1)),
            RetryMinDelay = ReadDuration(configuration, RetryMinDelayKey, defaults.RetryMinDelay, TimeSpan.FromMinutes(10)),
            RetryMaxDelay = ReadDuration(configuration, RetryMaxDelayKey, defaults.RetryMaxDelay, TimeSpan.FromHours(1)),
            PublishTimeout = ReadDuration(configuration, PublishTimeoutKey, defaults.PublishTimeout, TimeSpan.FromMinutes(10)),
            PollInterval = ReadDuration(configuration, PollIntervalKey, defaults.PollInterval, TimeSpan.FromHours(1)),
            BacklogScanInterval = ReadDuration(configuration, BacklogScanIntervalKey, defaults.BacklogScanInterval, TimeSpan.FromHours(1)),
        };
        if (Validate(options) is { } problem)
        {
            throw new InvalidConfigurationException(problem.Key, problem.Message);
        }

        return options;
    }

    /// <summary>The first broken rule as (key, problem), or null.</summary>
    public static (string Key, string Message)? Validate(OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize is < 1 or > MaxBatchSize)
        {
            return (BatchSizeKey, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from 1 to {MaxBatchSize}."));
        }

        if (options.PublishWindow is < 1 or > MaxPublishWindow)
        {
            return (PublishWindowKey, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from 1 to {MaxPublishWindow}."));
        }

        if (!Enum.IsDefined(options.Publisher))
        {
            return (PublisherKey, PublisherExpected);
        }

        foreach (var (key, value) in new[]
                 {
                     (RetentionKey, options.Retention), (PruneIntervalKey, options.PruneInterval), (RetryMinDelayKey, options.RetryMinDelay),
                     (RetryMaxDelayKey, options.RetryMaxDelay), (PublishTimeoutKey, options.PublishTimeout), (PollIntervalKey, options.PollInterval),
                     (BacklogScanIntervalKey, options.BacklogScanInterval),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                return (key, "expected a positive duration such as 00:00:30.");
            }
        }

        return options.RetryMaxDelay < options.RetryMinDelay
            ? (RetryMaxDelayKey, $"must not be shorter than {RetryMinDelayKey}.")
            : null;
    }

    private static TimeSpan ReadDuration(IConfiguration configuration, string key, TimeSpan defaultValue, TimeSpan max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= max
            ? value
            : throw new InvalidConfigurationException(key, string.Create(CultureInfo.InvariantCulture, $"expected a positive duration up to {max:c}, such as 00:00:30."));
    }
}
