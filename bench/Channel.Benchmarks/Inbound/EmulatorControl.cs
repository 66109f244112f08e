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

    public void Dispose() => _http.Dispose();
}
