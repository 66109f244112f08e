using System.Text.Json;
using System.Text.Json.Serialization;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Persistence with <c>--state &lt;file&gt;</c>: users, their boxes, events and pts as JSON. A change schedules one
/// write after <see cref="WorldOptions.StateSaveDelay"/>; <see cref="SaveState"/> (also called at shutdown) writes
/// now. The file is written to a temporary name and moved over the old one, so a crash leaves the old or the new
/// state, never half of one. Login codes, auth keys and authorizations are not kept (clients make new keys).
/// </summary>
public sealed partial class EmulatorWorld
{
    private readonly Lock _saveLock = new();
    private ITimer? _saveTimer;

    /// <summary>Reads the state file; null when no path is set or the file does not exist yet.</summary>
    /// <exception cref="InvalidDataException">The file is not a state file this emulator can read.</exception>
    internal static WorldSnapshot? LoadState(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var snapshot = JsonSerializer.Deserialize(stream, WorldJsonContext.Default.WorldSnapshot);
            return snapshot is { Version: 1 } ? snapshot : throw new InvalidDataException($"State file {path} has an unknown version.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"State file {path} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the state file now (no-op without <see cref="WorldOptions.StatePath"/>).</summary>
    public void SaveState()
    {
        if (_options.StatePath is not { } path)
        {
            return;
        }

        Interlocked.Exchange(ref _saveTimer, null)?.Dispose();
        byte[] json;
        using (new UserLocks(_usersById.Values))
        {
            // Every Gate held: one consistent picture of all boxes (saving is rare; messaging waits that long). The
            // channels' Gates come after the users' (the one order anyone takes both in).
            var channels = _channels.Values.OrderBy(c => c.Id).ToList();
            foreach (var channel in channels)
            {
                channel.Gate.Enter();
            }

            try
            {
                json = JsonSerializer.SerializeToUtf8Bytes(new WorldSnapshot { Users = [.. _usersById.Values], Chats = [.. _chats.Values], Channels = channels }, WorldJsonContext.Default.WorldSnapshot);
            }
            finally
            {
                foreach (var channel in channels)
                {
                    channel.Gate.Exit();
                }
            }
        }

        lock (_saveLock)
        {
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, json);
            File.Move(temporary, path, overwrite: true);
        }
    }

    private void MarkDirty()
    {
        if (_options.StatePath is null || Volatile.Read(ref _saveTimer) is not null)
        {
            return;
        }

        lock (_saveLock)
        {
            _saveTimer ??= Time.CreateTimer(static state => ((EmulatorWorld)state!).SaveStateQuietly(), this, _options.StateSaveDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private void SaveStateQuietly()
    {
        try
        {
            SaveState();
        }
        catch (IOException)
        {
            // The next change schedules another write; shutdown writes again and reports a failure there.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WorldSnapshot))]
internal sealed partial class WorldJsonContext : JsonSerializerContext;
