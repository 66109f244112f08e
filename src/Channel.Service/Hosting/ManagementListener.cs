using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Channel.Service.Hosting;

/// <summary>The management listener's bound address (with the real port when configured as port 0), once Kestrel has started.</summary>
internal sealed class ManagementListener
{
    internal ListenOptions? Options { get; set; }

    /// <summary>For example http://127.0.0.1:5001; null before the host started.</summary>
    public Uri? Address => Options?.IPEndPoint is { Port: > 0 } endPoint ? new Uri($"http://{endPoint}") : null;
}
