using System.Net;

namespace Channel.MTProto.Emulator.World;

/// <summary>How the emulated world (users, login codes, messages) behaves. Part of <see cref="EmulatorOptions.World"/>.</summary>
public sealed class WorldOptions
{
    /// <summary>How long a login code stays valid (then PHONE_CODE_EXPIRED). Telegram: a few minutes.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong codes accepted before the code is invalidated (later attempts: PHONE_CODE_EXPIRED).</summary>
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>The most pts events one updates.getDifference returns before answering with a differenceSlice.</summary>
    public int DifferenceSliceSize { get; set; } = 100;

    /// <summary>Unacknowledged pushes of one channel a session may have before it gets updateChannelTooLong instead
    /// (and nothing more of that channel until it calls updates.getChannelDifference), as Telegram does.</summary>
    public int ChannelPendingUpdatesLimit { get; set; } = 500;

    /// <summary>How far behind the channel's pts a getChannelDifference may be before it answers channelDifferenceTooLong.</summary>
    public int ChannelDifferenceTooLongAfter { get; set; } = 1000;

    /// <summary>JSON file keeping users, messages and pts across restarts; null keeps everything in memory.</summary>
    public string? StatePath { get; set; }

    /// <summary>How long after a change the state file is rewritten (changes in between share one write).</summary>
    public TimeSpan StateSaveDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Where the HTTP control API listens (port 0 picks one); null: no control API (in-process default).</summary>
    public IPEndPoint? ControlEndpoint { get; set; }

    /// <summary>How long a file reference handed out with a photo or document stays usable (then FILE_REFERENCE_EXPIRED
    /// until the client fetches the message again). Telegram: hours.</summary>
    public TimeSpan FileReferenceLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Parts of an upload that is never used (sendMedia) are dropped this long after its last part.</summary>
    public TimeSpan UploadPartLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The most bytes all unfinished uploads may hold together; beyond it saveFilePart answers FLOOD_WAIT_X
    /// (the time until the oldest unfinished upload expires).</summary>
    public long MaxPendingUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The most bytes of files (stored ones plus unfinished uploads) the emulator keeps in memory; beyond it
    /// saveFilePart answers 500 FILE_WRITE_FAILED and the control API 400.</summary>
    public long MaxStoredFileBytes { get; set; } = 4L * 1024 * 1024 * 1024;
}
