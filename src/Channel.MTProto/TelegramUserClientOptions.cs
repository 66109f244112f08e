using Channel.MTProto.Client;

namespace Channel.MTProto;

/// <summary>What <see cref="TelegramUserClient"/> adds to the connection options: the app's api_hash and the flood policy.</summary>
internal sealed record TelegramUserClientOptions
{
    /// <summary>The app's api_hash (secret: never logged). api_id comes from the MTProto client options.</summary>
    public required string ApiHash { get; init; }

    /// <summary>Opt-in sleeping through short flood waits; the default never sleeps.</summary>
    public FloodWaitPolicy FloodWait { get; init; } = FloodWaitPolicy.Never;

    /// <summary>How many *_MIGRATE_X answers one call may follow before the error is raised (Telegram sends one).</summary>
    public int MaxMigrations { get; init; } = 2;

    /// <summary>Downloads and uploads: parts in flight, download part size, file reference refreshes.</summary>
    public Media.MediaTransferOptions Media { get; init; } = new();
}
