using System.Globalization;
using Channel.Grpc.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace Channel.Cli;

/// <summary>
/// <c>channel-cli [--address URL] [--api-key KEY] &lt;command&gt; …</c>: one RPC per command, the reply printed as JSON on
/// stdout, errors as one line on stderr (gRPC code, message, ErrorInfo reason and metadata, RetryInfo). Exit codes: 0
/// ok, 1 the call failed, 2 usage. The API key comes from <c>--api-key</c> or the <c>CHANNEL_API_KEY</c> environment
/// variable (which keeps it out of the process list). The 2FA password is never taken from the command line (it would
/// land in the shell history and the process list): it is read from stdin.
/// </summary>
public static class CliApp
{
    public const string DefaultAddress = "http://127.0.0.1:5000";

    private const string Usage = """
        Usage: channel-cli [--address http://127.0.0.1:5000] [--api-key <key>] <command> [arguments]
          generate-key                      (prints a new API key and the SHA-256 to configure as Auth:ApiKeys:N:Sha256)
          create --tenant <id> --api-id <id> --api-hash <hash> --phone <number> [--name <display name>]
          get <account-id>
          list --tenant <id>
          send-code <account-id>
          resend-code <account-id>
          verify-code <account-id> <code>
          submit-password <account-id>      (reads the password from stdin; no echo at a terminal)
          log-out <account-id>
          cancel-code <account-id>
          delete <account-id>
        """;

    public const string ApiKeyVariable = "CHANNEL_API_KEY";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string?> readPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(readPassword);
        var rest = new List<string>(args);
        string address;
        string? apiKey;
        try
        {
            address = TakeOption(rest, "--address") ?? DefaultAddress;
            apiKey = TakeOption(rest, "--api-key") ?? Environment.GetEnvironmentVariable(ApiKeyVariable);
        }
        catch (UsageException exception)
        {
            await stderr.WriteLineAsync($"{exception.Message}{Environment.NewLine}{Usage}");
            return 2;
        }

        if (rest.Count == 0 || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        if (rest is ["generate-key"])
        {
            var key = ApiKeyGenerator.NewKey();
            await stdout.WriteLineAsync($"key:    {key}{Environment.NewLine}sha256: {ApiKeyGenerator.Sha256Hex(key)}");
            return 0;
        }

        using var channel = Connect(uri, apiKey);
        var client = new TelegramAccounts.TelegramAccountsClient(channel);
        var command = rest[0];
        rest.RemoveAt(0);
        try
        {
            IMessage? reply = command switch
            {
                "create" => await client.CreateAccountAsync(
                    new CreateAccountRequest
                    {
                        HelpdeskAccountId = ParseLong(Require(rest, "--tenant")),
                        ApiId = (int)ParseLong(Require(rest, "--api-id")),
                        ApiHash = Require(rest, "--api-hash"),
                        PhoneNumber = Require(rest, "--phone"),
                        DisplayName = TakeOption(rest, "--name") ?? "Support",
                    },
                    cancellationToken: cancellationToken),
                "get" => await client.GetAccountAsync(new GetAccountRequest { AccountId = Argument(rest, 0) }, cancellationToken: cancellationToken),
                "list" => await client.ListAccountsAsync(
                    new ListAccountsRequest { HelpdeskAccountId = ParseLong(Require(rest, "--tenant")) }, cancellationToken: cancellationToken),
                "send-code" => await client.SendCodeAsync(new SendCodeRequest { AccountId = Argument(rest, 0) }, cancellationToken: cancellationToken),
                "resend-code" => await client.ResendCodeAsync(new ResendCodeRequest { AccountId = Argument(rest, 0) }, cancellationToken: cancellationToken),
                "verify-code" => await client.VerifyCodeAsync(
                    new VerifyCodeRequest { AccountId = Argument(rest, 0), Code = Argument(rest, 1) }, cancellationToken: cancellationToken),
                "submit-password" => await client.SubmitPasswordAsync(
                    new SubmitPasswordRequest { AccountId = Argument(rest, 0), Password = readPassword() ?? string.Empty }, cancellationToken: cancellationToken),
                "log-out" => await client.LogOutAsync(new LogOutRequest { AccountId = Argument(rest, 0) }, cancellationToken: cancellationToken),
                "cancel-code" => await client.CancelCodeAsync(new CancelCodeRequest { AccountId = Argument(rest, 0) }, cancellationToken: cancellationToken),
                "delete" => await client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = Argument(rest, 0) }, cancellationToken: cancellationToken),
                _ => null,
            };
            if (reply is null)
            {
                await stderr.WriteLineAsync($"Unknown command '{command}'.{Environment.NewLine}{Usage}");
                return 2;
            }

            await stdout.WriteLineAsync(Json.Format(reply));
            return 0;
        }
        catch (UsageException exception)
        {
            await stderr.WriteLineAsync($"{exception.Message}{Environment.NewLine}{Usage}");
            return 2;
        }
        catch (RpcException exception)
        {
            await stderr.WriteLineAsync(Describe(exception));
            return 1;
        }
    }

    private static GrpcChannel Connect(Uri address, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            return GrpcChannel.ForAddress(address);
        }

        // Cleartext h2c to a service behind its TLS-terminating proxy, or on loopback: the key still has to travel.
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {apiKey.Trim()}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = address.Scheme == Uri.UriSchemeHttps
                ? ChannelCredentials.Create(ChannelCredentials.SecureSsl, credentials)
                : ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = address.Scheme != Uri.UriSchemeHttps,
        });
    }

    /// <summary>"error: INVALID_ARGUMENT: message [reason=PHONE_CODE_INVALID attempts_left=4]" plus retry and field details.</summary>
    private static string Describe(RpcException exception)
    {
        var parts = new List<string> { $"error: {exception.StatusCode}: {exception.Status.Detail}" };
        if (exception.GetRpcStatus() is { } status)
        {
            if (status.GetDetail<ErrorInfo>() is { } info)
            {
                parts.Add($"[reason={info.Reason}{string.Concat(info.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $" {p.Key}={p.Value}"))}]");
            }

            if (status.GetDetail<RetryInfo>() is { } retry)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"[retry after {retry.RetryDelay.ToTimeSpan().TotalSeconds:F0} s]"));
            }

            if (status.GetDetail<BadRequest>() is { } badRequest)
            {
                parts.AddRange(badRequest.FieldViolations.Select(v => $"[{v.Field}: {v.Description}]"));
            }
        }

        return string.Join(' ', parts);
    }

    private static string? TakeOption(List<string> args, string name)
    {
        var index = args.IndexOf(name);
        if (index < 0)
        {
            return null;
        }

        if (index + 1 >= args.Count)
        {
            throw new UsageException($"{name} needs a value.");
        }

        var value = args[index + 1];
        args.RemoveRange(index, 2);
        return value;
    }

    private static string Require(List<string> args, string name) => TakeOption(args, name) ?? throw new UsageException($"{name} is required.");

    private static string Argument(List<string> args, int index) =>
        index < args.Count ? args[index] : throw new UsageException("An argument is missing.");

    private static long ParseLong(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new UsageException($"'{text}' is not a number.");

    private sealed class UsageException(string message) : Exception(message);
}
