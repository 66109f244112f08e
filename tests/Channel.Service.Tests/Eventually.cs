namespace Channel.Service.Tests;

/// <summary>For what a background service does in its own time (the session monitor's rounds).</summary>
internal static class Eventually
{
    /// <summary>
    /// Asks <paramref name="probe"/> every 50 ms until <paramref name="done"/> holds, and returns that value. After
    /// <paramref name="timeout"/> (30 s) it returns the last value instead, so the caller's assertion fails with what
    /// was seen rather than the test hanging.
    /// </summary>
    public static async Task<T> ReachedAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
