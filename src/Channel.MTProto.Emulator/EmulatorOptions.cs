using System.Net;

namespace Channel.MTProto.Emulator;

/// <summary>How a <see cref="TelegramEmulator"/> listens and behaves. Defaults: one DC (id 2) on a free loopback port.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The address every DC listener binds to (loopback by default).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Port of the first (main) DC; 0 picks a free one. The other DCs always pick free ports.</summary>
    public int Port { get; set; }

    /// <summary>The DC ids to emulate, each on its own port; the first is the main DC (the ready line's dcId).</summary>
    public IReadOnlyList<int> DcIds { get; set; } = [2];

    /// <summary>PEM file holding the RSA private key; created (2048-bit, owner-only) if missing.</summary>
    public string? RsaKeyPath { get; set; }

    /// <summary>An RSA private key in PEM, used when <see cref="RsaKeyPath"/> is not set. Neither: a fresh key.</summary>
    public string? RsaKeyPem { get; set; }

    /// <summary>The clock for msg_ids, salts, server_time and fault delays (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long each server salt is current (Telegram: about 30 minutes).</summary>
    public TimeSpan SaltLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a salt is still accepted after its window (Telegram: 1800 s).</summary>
    public TimeSpan SaltGracePeriod { get; set; } = TimeSpan.FromSeconds(1800);

    /// <summary>RPC results longer than this many bytes are sent as gzip_packed.</summary>
    public int GzipThreshold { get; set; } = 512;

    /// <summary>The largest transport frame (and unpacked gzip) a client may send; longer frames close the connection.</summary>
    public int MaxFrameLength { get; set; } = 2 * 1024 * 1024;

    /// <summary>Users, login codes, messages, state file and control API (see World/).</summary>
    public World.WorldOptions World { get; set; } = new();

    /// <summary>The server's random choices during the key exchange; tests replace it to replay the spec sample.</summary>
    internal Handshake.HandshakeRandom HandshakeRandom { get; set; } = new();
}
