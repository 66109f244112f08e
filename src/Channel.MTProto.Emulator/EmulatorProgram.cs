using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Emulator;

/// <summary>
/// The runnable sandbox: parses the command line, starts the emulator, prints exactly one JSON ready line on stdout,
/// logs to stderr, and stops cleanly (exit 0) on SIGINT or SIGTERM.
/// </summary>
internal static class EmulatorProgram
{
    private const string Usage = """
        Usage: Channel.MTProto.Emulator [--listen <ip>:<port>] [--rsa-key <pem path>] [--dc <id>] [--dcs <id,id,...>] [--log-level <level>] [--state <file>] [--control <ip>:<port>]
          --listen     address and port of the main DC (port 0 picks a free one); default 127.0.0.1:0
          --rsa-key    PEM file with the server's RSA private key, created if missing; default: a fresh key per run
          --dc         the main DC id (default 2)
          --dcs        all DC ids, the first being the main DC; each gets its own port (e.g. --dcs 2,4)
          --log-level  Trace, Debug, Information (default), Warning, Error
          --state      JSON file keeping users, messages and pts across restarts; default: in memory only
          --control    address of the HTTP control API (port 0 picks one); default 127.0.0.1:0
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        EmulatorOptions options;
        LogLevel logLevel;
        try
        {
            (options, logLevel) = Parse(args);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Usage);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var emulator = await TelegramEmulator.StartAsync(options, loggerFactory, stop.Token);
        await Console.Out.WriteLineAsync(ReadyLine(emulator));
        await Console.Out.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    internal static string ReadyLine(TelegramEmulator emulator)
    {
        var ready = new ReadyLine(
            emulator.Endpoint.ToString(),
            emulator.MainDcId,
            emulator.PublicKeyPem,
            emulator.Fingerprint.ToString(CultureInfo.InvariantCulture),
            emulator.Dcs.Select(dc => new ReadyDc(dc.Key, dc.Value.ToString())).ToArray(),
            emulator.ControlAddress?.GetLeftPart(UriPartial.Authority));
        return JsonSerializer.Serialize(ready, ReadyLineJsonContext.Default.ReadyLine);
    }

    internal static (EmulatorOptions Options, LogLevel LogLevel) Parse(string[] args)
    {
        var options = new EmulatorOptions();
        options.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
        var logLevel = LogLevel.Information;
        int? mainDc = null;
        List<int>? dcs = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--listen":
                    if (!IPEndPoint.TryParse(value, out var endpoint))
                    {
                        throw new FormatException($"--listen {value}: expected <ip>:<port>.");
                    }

                    options.ListenAddress = endpoint.Address;
                    options.Port = endpoint.Port;
                    break;
                case "--rsa-key":
                    options.RsaKeyPath = value;
                    break;
                case "--dc":
                    mainDc = ParseDcId(value);
                    break;
                case "--dcs":
                    dcs = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseDcId).ToList();
                    break;
                case "--state":
                    options.World.StatePath = value;
                    break;
                case "--control":
                    options.World.ControlEndpoint = IPEndPoint.TryParse(value, out var control) ? control : throw new FormatException($"--control {value}: expected <ip>:<port>.");
                    break;
                case "--log-level":
                    logLevel = Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) ? level : throw new FormatException($"--log-level {value}: unknown level.");
                    break;
                default:
                    throw new FormatException($"Unknown option {args[i]}.");
            }

            i++;
        }

        dcs ??= [mainDc ?? 2];
        if (mainDc is { } main)
        {
            dcs.Remove(main);
            dcs.Insert(0, main);
        }

        if (dcs.Distinct().Count() != dcs.Count)
        {
            throw new FormatException("--dcs lists a DC twice.");
        }

        options.DcIds = dcs;
        return (options, logLevel);
    }

    private static int ParseDcId(string text)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : throw new FormatException($"DC id {text} is not a positive integer.");
}

internal sealed record ReadyDc(int DcId, string Endpoint);

internal sealed record ReadyLine(string Endpoint, int DcId, string PublicKeyPem, string Fingerprint, ReadyDc[] Dcs, string? Control);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadyLine))]
internal sealed partial class ReadyLineJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
