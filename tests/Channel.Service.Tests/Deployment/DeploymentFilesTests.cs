extern alias service;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;

namespace Channel.Service.Tests.Deployment;

/// <summary>
/// No Docker engine here: the Dockerfile and docker-compose.yml are checked offline. The Dockerfile's COPY sources and
/// published projects exist, its runtime stages run as a non-root uid, its entry points are the published assemblies,
/// and its publish command succeeds, with the runtime settings the benchmarks measured; the compose file has the
/// services, profiles, health checks, read-only root filesystems and volumes production needs, and the replicas'
/// configuration passes the service's own validation.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly Dockerfile Docker = Dockerfile.Load(RepositoryFiles.PathOf("Dockerfile"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Dockerfile_CopySourcesAndPublishedProjectsExist()
    {
        var copies = Docker.Stages.SelectMany(s => s.All("COPY")).Where(c => !c.StartsWith("--from", StringComparison.Ordinal)).ToList();
        var publishes = Publishes().ToList();

        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            Assert.All(sources, source => Assert.True(Path.Exists(RepositoryFiles.PathOf(source)), $"COPY {source}: no such path."));
        }

        Assert.Equal(2, publishes.Count);
        Assert.All(publishes, p => Assert.True(File.Exists(RepositoryFiles.PathOf(p.Project)), $"{p.Project} does not exist."));
    }

    [Fact]
    public void Dockerfile_RuntimeStagesRunAsNonRootAndStartThePublishedAssembly()
    {
        var build = Docker.Stages.Single(s => s.Name == "build");
        var runtimes = Docker.Stages.Where(s => s != build).ToList();
        var publishes = Publishes().ToDictionary(p => p.Output, p => p.Project);

        Assert.Equal("service", Docker.Stages[^1].Name);
        foreach (var stage in runtimes)
        {
            var user = stage.Last("USER");
            Assert.True(user is not null && int.TryParse(user, out var uid) && uid > 0, $"Stage {stage.Name}: USER {user} is not a non-root uid.");
            var copied = stage.All("COPY").Single(c => c.StartsWith("--from=build", StringComparison.Ordinal)).Split(' ')[1];
            var entry = JsonSerializer.Deserialize<string[]>(stage.Last("ENTRYPOINT")!)!;
            Assert.Equal("dotnet", entry[0]);
            Assert.Equal(AssemblyName(publishes[copied]) + ".dll", entry[1]);
            Assert.Equal(copied, stage.Last("WORKDIR"));
        }
    }

    [Fact]
    public void Dockerfile_HealthCheckProbesReadinessOnTheManagementPort()
    {
        var stage = Docker.Stages[^1];
        var env = stage.Last("ENV")!;
        var management = new Uri(ManagementUrlRegex().Match(env).Groups[1].Value);

        Assert.Contains($"/dev/tcp/127.0.0.1/{management.Port}", stage.Last("HEALTHCHECK"), StringComparison.Ordinal);
        Assert.Contains("/healthz/ready", stage.Last("HEALTHCHECK"), StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=5000", env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dockerfile_ServicePublishCommand_SucceedsWithTheMeasuredRuntimeSettings()
    {
        // The Dockerfile's own command line, with the output redirected to a temporary directory.
        var (project, _, arguments) = Publishes().First(p => p.Project.Contains("Channel.Service", StringComparison.Ordinal));
        var output = Path.Combine(Path.GetTempPath(), "channel-publish", Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryFiles.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Select(a => a == "/app" ? output : a))
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);

            Assert.True(process.ExitCode == 0, await stdout + await stderr);
            Assert.True(File.Exists(Path.Combine(output, AssemblyName(project) + ".dll")));

            // The runtime settings the benchmarks were measured with (docs/benchmarks.md) ship with the image.
            using var runtimeConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, AssemblyName(project) + ".runtimeconfig.json"), Ct));
            var properties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
            Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
            Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
            Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public void Compose_ServicesProfilesAndHealthChecks()
    {
        var services = Compose()["services"];
        var replicas = Replicas().ToList();

        Assert.True(replicas.Count >= 2, "Two replicas of the service are expected.");
        Assert.Contains("postgres", ServiceNames());
        Assert.Contains("rabbitmq", ServiceNames());
        Assert.Equal(["sqlserver"], Sequence(services, "mssql", "profiles"));
        Assert.Equal(["sandbox"], Sequence(services, "emulator", "profiles"));
        Assert.Equal("emulator", Scalar(((YamlMappingNode)services)["emulator"], "build", "target"));
        foreach (var name in ServiceNames())
        {
            var healthcheck = ((YamlMappingNode)((YamlMappingNode)services)[name])["healthcheck"];
            Assert.NotEmpty((YamlSequenceNode)((YamlMappingNode)healthcheck)["test"]);
        }

        var stageNames = Docker.Stages.Select(s => s.Name).ToHashSet();
        Assert.All(ServiceNames().Select(n => (YamlMappingNode)((YamlMappingNode)services)[n]).Where(s => s.Children.ContainsKey("build")),
            s => Assert.Contains(Scalar(s, "build", "target"), stageNames));
    }

    [Fact]
    public void Compose_ReplicasReadOnlyWithWritableVolumesOnPostgreSqlAfterHealthyDependencies()
    {
        var declaredVolumes = ((YamlMappingNode)Compose()["volumes"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
        var hostPorts = new List<string>();
        foreach (var replica in Replicas())
        {
            var environment = EnvironmentOf(replica);
            Assert.Equal("true", Scalar(replica, "read_only"));
            Assert.Contains("/tmp", Sequence(replica, "tmpfs"));
            var mounts = Sequence(replica, "volumes").Select(v => v.Split(':')).ToList();
            Assert.Contains(mounts, m => m[1] == environment["Storage__DataDirectory"]);
            Assert.All(mounts, m => Assert.Contains(m[0], declaredVolumes));
            Assert.StartsWith("${DATABASE_PROVIDER:-PostgreSql}", environment["Database__Provider"], StringComparison.Ordinal);
            Assert.Contains("Host=postgres", environment["ConnectionStrings__PostgreSql"], StringComparison.Ordinal);
            foreach (var dependency in new[] { "postgres", "rabbitmq" })
            {
                Assert.Equal("service_healthy", Scalar((YamlMappingNode)replica["depends_on"], dependency, "condition"));
            }

            // The sandbox profile's emulator: waited for only when that profile runs, its key pair read-only.
            Assert.Equal("false", Scalar((YamlMappingNode)replica["depends_on"], "emulator", "required"));
            Assert.Contains(mounts, m => m is [var volume, "/var/lib/emulator", "ro"] && volume == Sequence((YamlMappingNode)Compose()["services"], "emulator", "volumes")[0].Split(':')[0]);
            Assert.Contains("\"--rsa-key\", \"/var/lib/emulator/server.pem\"", File.ReadAllText(RepositoryFiles.PathOf("Dockerfile")), StringComparison.Ordinal);

            hostPorts.AddRange(Sequence(replica, "ports").Select(p => p.Split(':')[0]));
        }

        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
    }

    [Fact]
    public async Task Compose_ReplicaConfiguration_PassesTheServiceValidation()
    {
        var dataDirectory = Onboarding.OnboardingHost.NewDataDirectory();
        try
        {
            // The replicas share one environment (a YAML anchor); one host validates it.
            var environments = Replicas().Select(EnvironmentOf).ToList();
            Assert.All(environments, e => Assert.Equal(environments[0], e));
            var variables = new Dictionary<string, string>
            {
                ["CHANNEL_KEK"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["CHANNEL_API_KEY_SHA256"] = TestApiKeys.Sha256Hex(TestApiKeys.NewKey()),
            };
            var arguments = environments[0]
                // PostgreSQL as configured (building the host connects nowhere); only the data directory is local.
                .Where(e => e.Key is not "Storage__DataDirectory")
                // As the host reads them: ASPNETCORE_* without the prefix, "__" as ":".
                .Select(e => $"--{(e.Key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ? e.Key["ASPNETCORE_".Length..] : e.Key).Replace("__", ":", StringComparison.Ordinal)}={Substitute(e.Value, variables)}")
                .Append($"--Storage:DataDirectory={dataDirectory}")
                .ToArray();

            await using var app = ChannelHost.Build(arguments);

            Assert.NotNull(app.Services);
        }
        finally
        {
            Onboarding.OnboardingHost.DeleteDataDirectory(dataDirectory);
        }
    }

    private static IEnumerable<(string Project, string Output, string[] Arguments)> Publishes() =>
        Docker.Stages.SelectMany(s => s.All("RUN"))
            .Where(r => r.StartsWith("dotnet publish ", StringComparison.Ordinal))
            .Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(parts => (parts[2], parts[Array.IndexOf(parts, "-o") + 1], parts[1..]));

    private static string AssemblyName(string project) =>
        XDocument.Load(RepositoryFiles.PathOf(project)).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(RepositoryFiles.PathOf("docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static IEnumerable<string> ServiceNames() => ((YamlMappingNode)Compose()["services"]).Children.Keys.Select(k => k.ToString());

    private static IEnumerable<YamlMappingNode> Replicas() =>
        ((YamlMappingNode)Compose()["services"]).Children.Values.Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey("build") && Scalar(s, "build", "target") == "service");

    private static Dictionary<string, string> EnvironmentOf(YamlMappingNode service) =>
        ((YamlMappingNode)service["environment"]).Children.ToDictionary(p => p.Key.ToString(), p => p.Value.ToString());

    private static string Scalar(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node)[key];
        }

        return ((YamlScalarNode)node).Value ?? string.Empty;
    }

    private static List<string> Sequence(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node)[key];
        }

        return [.. ((YamlSequenceNode)node).Children.Select(c => c.ToString())];
    }

    /// <summary>Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, from <paramref name="variables"/>.</summary>
    private static string Substitute(string value, IReadOnlyDictionary<string, string> variables)
    {
        string previous;
        do
        {
            previous = value;
            value = VariableRegex().Replace(value, m => variables.TryGetValue(m.Groups["name"].Value, out var set) ? set
                : m.Groups["op"].Value == ":-" ? m.Groups["rest"].Value
                : throw new InvalidOperationException($"{m.Groups["name"].Value} must be set."));
        }
        while (value != previous);

        return value;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Z_][A-Z0-9_]*)(?:(?<op>:[-?])(?<rest>[^${}]*))?\}")]
    private static partial Regex VariableRegex();

    [GeneratedRegex(@"Service__ManagementUrl=(\S+)")]
    private static partial Regex ManagementUrlRegex();
}
