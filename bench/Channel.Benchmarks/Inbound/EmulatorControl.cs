using System.Net.Http.Json;
using System.Text.Json;

namespace Channel.Benchmarks.Inbound;

/// <summary>The emulator process's HTTP control API: the few routes the load run needs.</summary>
internal sealed class EmulatorControl(Uri address) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };

    public async Task CreateUserAsync(string phone, string firstName)
    {
        using var response = await _http.PostAsJsonAsync("users", new { phone, firstName });
        if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            throw new InvalidOperationException($"POST /users: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Starts a bulk send and returns its id.</summary>
    public async Task<string> StartBulkAsync(string from, string to, int count, double ratePerSecond, string text, bool stamp)
    {
        using var response = await _http.PostAsJsonAsync("messages/bulk", new { from = new[] { from }, to, count, ratePerSecond, text, stampSentAt = stamp });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /messages/bulk: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>(sent, completed, error) of a bulk send.</summary>
    public async Task<(int Sent, bool Completed, string? Error)> BulkStatusAsync(string id)
    {
        using var response = await _http.GetAsync("messages/bulk/" + id);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (0, true, null); // finished long enough ago for the emulator to forget it
        }

        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("sent").GetInt32(), json.GetProperty("completed").GetBoolean(),
            json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null);
    }

    /// <summary>A private message from <paramref name="from"/> to <paramref name="to"/> (phones).</summary>
    public async Task SendMessageAsync(string from, string to, string text)
    {
        using var response = await _http.PostAsJsonAsync("messages", new { from, to, text });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /messages: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The Telegram user id of the user with this phone.</summary>
    public async Task<long> UserIdAsync(string phone)
    {
        var json = await _http.GetFromJsonAsync<JsonElement>("users/" + phone);
        return json.GetProperty("id").GetInt64();
    }

    /// <summary>(text, the emulator's storedAt) of each message the user received, oldest first.</summary>
    public async Task<List<(string Text, DateTimeOffset? StoredAt)>> ReceivedAsync(string phone)
    {
        var json = await _http.GetFromJsonAsync<JsonElement>("users/" + phone + "/messages");
        return [.. json.EnumerateArray().Select(m => (
            m.GetProperty("text").GetString() ?? string.Empty,
            m.TryGetProperty("storedAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : (DateTimeOffset?)null))];
    }

    public void Dispose() => _http.Dispose();
}
