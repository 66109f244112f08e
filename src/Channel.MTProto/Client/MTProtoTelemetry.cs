using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Client;

/// <summary>
/// Traces and metrics of the MTProto client, with nothing but System.Diagnostics: a span per API call (named by the TL
/// method), its latency by method and outcome, flood waits and reconnects. A host listens with the names below.
/// Tags never carry arguments of a call (phones, codes, texts): only the method name, the DC and an error code.
/// </summary>
public static class MTProtoTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "Channel.MTProto";

    public const string RpcDurationName = "channel.mtproto.rpc.duration";
    public const string FloodWaitsName = "channel.mtproto.flood_waits";
    public const string ReconnectsName = "channel.mtproto.reconnects";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> RpcDuration = Meter.CreateHistogram(
        RpcDurationName, unit: "s", description: "Duration of MTProto API calls, by TL method and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly Counter<long> FloodWaits = Meter.CreateCounter<long>(FloodWaitsName, description: "FLOOD_WAIT (and similar) answers from Telegram.");

    private static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(ReconnectsName, description: "Reconnect attempts of MTProto connections.");

    /// <summary>The TL name of the query itself, under any invokeWithLayer/initConnection wrappers.</summary>
    internal static string MethodName(ITlMethod method)
    {
        while (method is ITlMethodWrapper wrapper)
        {
            method = wrapper.InnerQuery;
        }

        return method.ToString() ?? method.GetType().Name;
    }

    internal static async Task<TResult> TraceAsync<TResult>(int dcId, ITlMethod method, Func<Task<TResult>> call)
    {
        var name = MethodName(method);
        using var activity = Source.StartActivity(name, ActivityKind.Client);
        activity?.SetTag("rpc.system", "mtproto");
        activity?.SetTag("rpc.method", name);
        activity?.SetTag("telegram.dc", dcId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            outcome = exception switch
            {
                TelegramRpcException rpc => rpc.Code.ToString(CultureInfo.InvariantCulture),
                _ => exception.GetType().Name,
            };
            if (exception is TelegramRpcException { IsFloodWait: true } or FloodWaitException)
            {
                FloodWaits.Add(1, new KeyValuePair<string, object?>("rpc.method", name));
            }

            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            throw;
        }
        finally
        {
            RpcDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("rpc.method", name),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    internal static void Reconnecting(int dcId) => Reconnects.Add(1, new KeyValuePair<string, object?>("telegram.dc", dcId));
}
