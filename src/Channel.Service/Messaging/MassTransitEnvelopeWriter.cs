using System.Buffers;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using MassTransit;

namespace Channel.Service.Messaging;

/// <summary>
/// Writes MassTransit's JSON envelope (content type application/vnd.masstransit+json) around an outbox row's body, with
/// the fields and order MassTransit 8.5 gives a published event, so that MassTransit consumers and plain AMQP ones see no
/// difference from <see cref="MassTransitOutboxTransport"/>. The body goes in as stored (camelCase, as MassTransit
/// writes the message), so publishing does not deserialize and serialize each event again.
/// </summary>
internal sealed class MassTransitEnvelopeWriter
{
    public const string ContentType = "application/vnd.masstransit+json";

    private readonly Uri _sourceAddress;
    private readonly string _hostAddress;
    private readonly byte[] _hostInfo = WriteHostInfo();

    /// <param name="sourceAddress">The bus's own address, which MassTransit puts in sourceAddress.</param>
    /// <param name="hostAddress">rabbitmq://host:port/vhost/ (with the slash): exchanges' addresses are made from it.</param>
    public MassTransitEnvelopeWriter(Uri sourceAddress, string hostAddress)
    {
        _sourceAddress = sourceAddress;
        _hostAddress = hostAddress;
    }

    /// <summary>The exchange MassTransit's publish topology gives a Channel.Contracts type.</summary>
    public static string ExchangeOf(string messageType) => $"Channel.Contracts:{messageType}";

    /// <summary>
    /// The envelope's bytes; throws <see cref="ArgumentException"/> (or <see cref="JsonException"/>) when
    /// <paramref name="body"/> is not one JSON object.
    /// </summary>
    public ReadOnlyMemory<byte> Write(Guid messageId, string messageType, string body, DateTimeOffset sentTime)
    {
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{')
        {
            throw new ArgumentException("The body is not a JSON object.", nameof(body));
        }

        var buffer = new ArrayBufferWriter<byte>(body.Length + 768);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", messageId);
            writer.WriteNull("requestId");
            // MassTransit's convention: an EventId property (every contract has one, equal to the MessageId) is the correlation id.
            writer.WriteString("correlationId", messageId);
            writer.WriteString("conversationId", NewId.NextGuid());
            writer.WriteNull("initiatorId");
            writer.WriteString("sourceAddress", _sourceAddress.ToString());
            writer.WriteString("destinationAddress", _hostAddress + ExchangeOf(messageType));
            writer.WriteNull("responseAddress");
            writer.WriteNull("faultAddress");
            writer.WriteStartArray("messageType");
            writer.WriteStringValue($"urn:message:Channel.Contracts:{messageType}");
            writer.WriteEndArray();
            writer.WritePropertyName("message");
            writer.WriteRawValue(body);
            writer.WriteNull("expirationTime");
            writer.WriteString("sentTime", sentTime.UtcDateTime);
            writer.WriteStartObject("headers");
            writer.WriteEndObject();
            writer.WritePropertyName("host");
            writer.WriteRawValue(_hostInfo, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>The "host" object: what MassTransit reports about the publishing process; the same for every envelope.</summary>
    private static byte[] WriteHostInfo()
    {
        using var process = Process.GetCurrentProcess();
        var entry = Assembly.GetEntryAssembly()?.GetName();
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("machineName", Environment.MachineName);
            writer.WriteString("processName", process.ProcessName);
            writer.WriteNumber("processId", Environment.ProcessId);
            writer.WriteString("assembly", entry?.Name);
            writer.WriteString("assemblyVersion", entry?.Version?.ToString());
            writer.WriteString("frameworkVersion", Environment.Version.ToString());
            writer.WriteString("massTransitVersion", typeof(IBus).Assembly.GetName().Version?.ToString());
            writer.WriteString("operatingSystemVersion", Environment.OSVersion.ToString());
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
