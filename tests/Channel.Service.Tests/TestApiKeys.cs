using Channel.Cli;
using Grpc.Core;
using Grpc.Net.Client;

namespace Channel.Service.Tests;

/// <summary>
/// The API keys test hosts are configured with: every fixture host gets <see cref="Admin"/> (at a list index of its
/// own, so a test can add keys of its own from 0), and its channels send it.
/// </summary>
public static class TestApiKeys
{
    /// <summary>A key acting for every tenant; each test run makes a fresh one.</summary>
    public static string Admin { get; } = NewKey();

    /// <summary>The configuration arguments that register <see cref="Admin"/>.</summary>
    public static IReadOnlyList<string> AdminArguments { get; } = [$"--Auth:ApiKeys:99:Sha256={Sha256Hex(Admin)}", "--Auth:ApiKeys:99:Admin=true"];

    public static string NewKey() => ApiKeyGenerator.NewKey();

    public static string Sha256Hex(string key) => ApiKeyGenerator.Sha256Hex(key);

    /// <summary>A channel whose every call carries <c>authorization: Bearer <paramref name="key"/></c> (none when null).</summary>
    public static GrpcChannel Channel(string address, string? key)
    {
        if (key is null)
        {
            return GrpcChannel.ForAddress(address);
        }

        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {key}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }
}
