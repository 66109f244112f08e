using Channel.Persistence.Configuration;
using Channel.Service.Hosting;

namespace Channel.Service.Messaging;

/// <summary>
/// <c>Bus:Transport</c> and <c>ConnectionStrings:RabbitMq</c>. Read when the services are registered (the transport
/// decides the MassTransit set-up), so a wrong value stops the host build with one <see cref="InvalidConfigurationException"/>.
/// </summary>
internal sealed class BusSettings
{
    public const string TransportKey = "Bus:Transport";
    public const string RabbitMqConnectionStringKey = "ConnectionStrings:RabbitMq";
    public const int DefaultAmqpPort = 5672;
    public const int DefaultAmqpsPort = 5671;

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>amqp://user:password@host:port/vhost; set when <see cref="Transport"/> is RabbitMq.</summary>
    public Uri? RabbitMqUri { get; set; }

    public string RabbitMqHost => RabbitMqUri!.Host;

    public ushort RabbitMqPort => (ushort)(RabbitMqUri!.IsDefaultPort || RabbitMqUri.Port <= 0
        ? (UsesTls ? DefaultAmqpsPort : DefaultAmqpPort)
        : RabbitMqUri.Port);

    public bool UsesTls => RabbitMqUri!.Scheme == "amqps";

    /// <summary>"/" unless the path names one (URL-decoded, so "%2F" is "/").</summary>
    public string RabbitMqVirtualHost
    {
        get
        {
            var path = RabbitMqUri!.AbsolutePath.TrimStart('/');
            return path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        }
    }

    public string? RabbitMqUsername => UserInfoPart(0);

    public string? RabbitMqPassword => UserInfoPart(1);

    public static BusSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new BusSettings
        {
            Transport = ConfigurationValues.ParseEnumName(configuration, TransportKey, BusTransport.InMemory, "expected 'InMemory' or 'RabbitMq'."),
        };

        if (settings.Transport == BusTransport.RabbitMq)
        {
            var text = configuration[RabbitMqConnectionStringKey];
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new InvalidConfigurationException(
                    RabbitMqConnectionStringKey, "a RabbitMQ URL (amqp://user:password@host:5672/vhost) is required when Bus:Transport is RabbitMq.");
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps")
                || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.Query))
            {
                // Never echo the value: it may hold the password.
                throw new InvalidConfigurationException(
                    RabbitMqConnectionStringKey, "expected amqp://user:password@host:port/vhost (or amqps://).");
            }

            settings.RabbitMqUri = uri;
        }

        return settings;
    }

    private string? UserInfoPart(int index)
    {
        var userInfo = RabbitMqUri!.UserInfo;
        if (string.IsNullOrEmpty(userInfo))
        {
            return null;
        }

        var parts = userInfo.Split(':', 2);
        return index < parts.Length ? Uri.UnescapeDataString(parts[index]) : null;
    }
}
