using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Channel.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's postgresql package, no Docker): initdb into a temporary directory, started
/// with pg_ctl on a free loopback port, trust authentication for the postgres role on loopback only, and stopped and
/// deleted on dispose. PostgreSQL refuses to run as root, so when the tests run as root initdb and pg_ctl run as the
/// package's postgres user (runuser). Missing binaries: the test fails when CI=true, and is skipped otherwise.
/// </summary>
public sealed class PostgreSqlNode : IAsyncLifetime
{
    private const string Root = "/usr/lib/postgresql";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "channel-postgresql", Guid.NewGuid().ToString("N"));
    private bool _started;
    private int _databases;

    public int Port { get; } = FreePort();

    /// <summary>The bin directory of the newest installed PostgreSQL, or null.</summary>
    public static string? BinDirectory =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root)
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .FirstOrDefault()
            : null;

    public static bool IsInstalled => BinDirectory is not null;

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>Fails under CI=true (PostgreSQL must be there), skips elsewhere.</summary>
    public static void RequireInstalled()
    {
        if (IsInstalled)
        {
            return;
        }

        const string reason = $"PostgreSQL is not installed (no initdb under {Root}/*/bin); scripts/test.sh installs it when run as root on Debian.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }

    /// <summary>A connection string for <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,

            // Kept small: several service processes share the cluster's default 100 connections.
            MaxPoolSize = 20,
        }.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        if (!IsInstalled)
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        if (!OperatingSystem.IsWindows())
        {
            // initdb, running as postgres, creates the data directory here.
            File.SetUnixFileMode(_directory, (UnixFileMode)0x1FF);
        }

        var bin = BinDirectory!;
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
        var serverOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
        _started = true;
    }

    /// <summary>Creates an empty database and returns its connection string (each test its own: migrations run from empty).</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        RequireInstalled();
        if (!_started)
        {
            throw new InvalidOperationException("The PostgreSQL cluster did not start.");
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"channel_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}");
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            try
            {
                await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the directory goes anyway.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var asRoot = !OperatingSystem.IsWindows() && Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error} {await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
