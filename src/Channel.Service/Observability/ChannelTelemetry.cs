using System.Diagnostics;

namespace Channel.Service.Observability;

/// <summary>The service's ActivitySource: spans for storing inbound batches and dispatching the outbox.</summary>
internal static class ChannelTelemetry
{
    public const string SourceName = "Channel";

    public static readonly ActivitySource Source = new(SourceName);
}
