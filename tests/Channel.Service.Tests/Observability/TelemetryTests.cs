using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Channel.Service.Tests.Onboarding;
using Microsoft.Data.Sqlite;

namespace Channel.Service.Tests.Observability;

/// <summary>
/// Onboarding (code + 2FA), inbound (an emulator user writes to the account) and outbound (an agent's reply over gRPC)
/// on a sandbox host, then: no secret in
/// any captured log line (every category, Trace level) nor in any column of any table of its SQLite database, and the
/// named series on /metrics of the management listener with plausible values.
/// </summary>
public sealed partial class TelemetryTests(SandboxHostFixture fixture) : SandboxTests(fixture), IClassFixture<SandboxHostFixture>
{
    private static int _nextPhone = 100;

    private readonly Dictionary<string, (string AccountId, string Customer)> _customers = [];

    [Fact]
    public async Task OnboardingInboundAndOutbound_NoSecretInLogsOrDatabase()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        var apiHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var text = $"customer text {Guid.NewGuid():N}";
        var (phone, code) = await ActiveAccountWithInboundAsync(password, apiHash, text);
        var digits = phone.TrimStart('+');
        var reply = $"agent reply {Guid.NewGuid():N}";
        await ReplyAsync(phone, reply);

        // Logs: the masked phone is fine, the full one is not; codes only as a number of their own.
        var codePattern = new Regex($"(?<![0-9]){code}(?![0-9])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        string[] secrets = [digits, password, apiHash, text, reply, TestApiKeys.Admin];
        var logs = Host.Logs.Messages.ToList();
        Assert.NotEmpty(logs);
        foreach (var line in logs)
        {
            Assert.False(secrets.Any(s => line.Contains(s, StringComparison.Ordinal)) || codePattern.IsMatch(line), $"A secret reached the log: {line}");
        }

        // Database: every value of every column of every table. The account's phone is its identity (unique per
        // tenant, returned by GetAccount) and lives in TelegramAccounts.PhoneNumber only; message texts live in the outbox
        // payload (what the helpdesk consumes) until the row is pruned, nowhere else.
        var cells = await AllCellsAsync();
        Assert.Contains(cells, c => c.Table == "OutboxMessages" && c.Column == "Body" && c.Text.Contains(text, StringComparison.Ordinal));
        foreach (var cell in cells)
        {
            var where = $"{cell.Table}.{cell.Column}";
            Assert.False(cell.Text.Contains(password, StringComparison.Ordinal), $"The 2FA password is in {where}.");
            Assert.False(cell.Text.Contains(apiHash, StringComparison.OrdinalIgnoreCase), $"The api_hash is in {where}.");
            Assert.False(codePattern.IsMatch(cell.Text), $"The login code is in {where}.");
            Assert.False(cell.Text.Contains(TestApiKeys.Admin, StringComparison.Ordinal), $"The API key is in {where}.");
            if (where != "TelegramAccounts.PhoneNumber")
            {
                Assert.False(cell.Text.Contains(digits, StringComparison.Ordinal), $"The full phone number is in {where}.");
            }

            if (where != "OutboxMessages.Body")
            {
                Assert.False(cell.Text.Contains(text, StringComparison.Ordinal), $"The message text is in {where}.");

                // A reply's text is kept in OutboundMessages only while it is Pending (for a re-send after a crash).
                Assert.False(cell.Text.Contains(reply, StringComparison.Ordinal), $"The reply's text is in {where}.");
            }
        }
    }

    [Fact]
    public async Task Metrics_Scrape_NamedSeriesWithPlausibleValues()
    {
        var (phone, _) = await ActiveAccountWithInboundAsync($"pw-{Guid.NewGuid():N}", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "hello");

        // A flood wait (Telegram's FLOOD_WAIT on a code request) and a dropped connection (a reconnect).
        var flooded = $"+4915113{Interlocked.Increment(ref _nextPhone):000000}";
        World.CreateUser(new NewUser(flooded, "Flo"));
        World.InjectFlood("auth.sendCode", seconds: 30, count: 1, user: flooded);
        var floodedAccount = await Host.CreateAccountAsync(flooded);
        await RpcAssert.ThrowsAsync(global::Grpc.Core.StatusCode.ResourceExhausted, () =>
            Client.SendCodeAsync(new SendCodeRequest { AccountId = floodedAccount.Id }, cancellationToken: Ct).ResponseAsync);
        World.DropConnections(phone);

        var samples = await Eventually.ReachedAsync(
            () => ScrapeAsync(Host),
            s => Sum(s, "channel_mtproto_reconnects_total") >= 1 && Sum(s, "channel_accounts", ("status", "Active")) >= 1 && Sum(s, "channel_accounts_connected") >= 1
                 && Sum(s, "channel_inbound_messages_total", ("event_type", "InboundMessageReceived")) >= 1,
            TimeSpan.FromMinutes(2));

        Assert.InRange(Sum(samples, "channel_accounts", ("status", "Active")), 1, 10_000);
        Assert.InRange(Sum(samples, "channel_accounts", ("status", "Pending")), 1, 10_000);
        Assert.InRange(Sum(samples, "channel_accounts_connected"), 1, 10_000);
        Assert.InRange(Sum(samples, "channel_inbound_messages_total", ("event_type", "InboundMessageReceived")), 1, 10_000);
        Assert.Contains(samples, s => s.Name == "channel_outbox_backlog" && s.Value >= 0);
        Assert.Contains(samples, s => s.Name == "channel_outbox_oldest_age_seconds" && s.Value >= 0);
        Assert.InRange(Sum(samples, "channel_mtproto_flood_waits_total", ("rpc_method", "auth.sendCode")), 1, 10_000);
        Assert.InRange(Sum(samples, "channel_mtproto_reconnects_total"), 1, 10_000);
        Assert.InRange(Sum(samples, "channel_mtproto_rpc_duration_seconds_count", ("rpc_method", "auth.signIn")), 1, 10_000);
        var signInSeconds = Sum(samples, "channel_mtproto_rpc_duration_seconds_sum", ("rpc_method", "auth.signIn"));
        Assert.InRange(signInSeconds, double.Epsilon, 600);
    }

    [Fact]
    public async Task TwoHostsInOneProcess_EachScrapeShowsOnlyItsOwnAccounts()
    {
        // Meters are process-wide by name: without scoping, one host's /metrics reported another's gauges (a flaky
        // Pending count above when test hosts ran side by side; embedders running two hosts would see the same).
        var busyDirectory = OnboardingHost.NewDataDirectory();
        var idleDirectory = OnboardingHost.NewDataDirectory();
        try
        {
            await using var busy = await OnboardingHost.StartAsync(busyDirectory, new CapturedLogs(), "--sandbox");
            await using var idle = await OnboardingHost.StartAsync(idleDirectory, new CapturedLogs(), "--sandbox");
            for (var i = 0; i < 3; i++)
            {
                await busy.CreateAccountAsync($"+4915114{Interlocked.Increment(ref _nextPhone):000000}");
            }

            Assert.Equal(3, Sum(await ScrapeAsync(busy), "channel_accounts", ("status", "Pending")));
            Assert.Equal(0, Sum(await ScrapeAsync(idle), "channel_accounts", ("status", "Pending")));
        }
        finally
        {
            OnboardingHost.DeleteDataDirectory(busyDirectory);
            OnboardingHost.DeleteDataDirectory(idleDirectory);
        }
    }

    private static async Task<List<PrometheusSample>> ScrapeAsync(OnboardingHost host)
    {
        using var http = new HttpClient { BaseAddress = host.ManagementAddress };
        return PrometheusSample.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct));
    }

    private static double Sum(List<PrometheusSample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>A new user with 2FA logged in through the API, connected, and one private message from a customer stored.</summary>
    /// <summary>The agent answers the account's last customer over gRPC; returns once the customer has it.</summary>
    private async Task ReplyAsync(string accountPhone, string reply)
    {
        var (accountId, customer) = _customers[accountPhone];
        var messages = new TelegramMessages.TelegramMessagesClient(Host.Channel);
        await messages.SendMessageAsync(
            new SendMessageRequest { AccountId = accountId, Peer = new Peer { Phone = customer }, Text = reply, IdempotencyKey = $"scan-{Guid.NewGuid():N}" },
            cancellationToken: Ct);
    }

    private async Task<(string Phone, string Code)> ActiveAccountWithInboundAsync(string password, string apiHash, string text)
    {
        var n = Interlocked.Increment(ref _nextPhone);
        var phone = $"+4915112{n:000000}";
        var customer = $"+447700901{n:000}";
        World.CreateUser(new NewUser(phone, "Grace", Password: password));
        World.CreateUser(new NewUser(customer, "Customer"));
        var account = await Client.CreateAccountAsync(
            new CreateAccountRequest { HelpdeskAccountId = ChannelHostFixture.NewTenant(), ApiId = 12345, ApiHash = apiHash, PhoneNumber = phone, DisplayName = "Support" },
            cancellationToken: Ct);
        _customers[phone] = (account.Id, customer);
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var code = World.LastCode(phone)!;
        var verified = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = code }, cancellationToken: Ct);
        Assert.True(verified.PasswordRequired);
        await Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = account.Id, Password = password }, cancellationToken: Ct);
        await Eventually.ReachedAsync(
            () => Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync,
            a => a.Connection.State == ConnectionState.Connected, TimeSpan.FromSeconds(60));

        World.SendMessage(customer, phone, text);
        await Eventually.ReachedAsync(async () => (await AllCellsAsync()).Any(c => c.Table == "OutboxMessages" && c.Text.Contains(text, StringComparison.Ordinal)), found => found);
        return (phone, code);
    }

    /// <summary>Every non-null value of the host's SQLite database, as text (blobs as UTF-8 and as hex).</summary>
    private async Task<List<(string Table, string Column, string Text)>> AllCellsAsync()
    {
        var cells = new List<(string, string, string)>();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Host.DataDirectory, "channel.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        continue;
                    }

                    var text = reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes) + "\n" + Encoding.Latin1.GetString(bytes) + "\n" + Convert.ToHexStringLower(bytes),
                        IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
                        var value => value.ToString() ?? string.Empty,
                    };
                    cells.Add((table, reader.GetName(i), text));
                }
            }
        }

        return cells;
    }
}
