using System.Security.Cryptography;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>A server salt and the unix-time window in which it is current.</summary>
internal readonly record struct FutureSalt(long Salt, int ValidSince, int ValidUntil);

/// <summary>
/// The server salts of one auth key (salts belong to the key, not to a session): consecutive windows of
/// <c>lifetime</c>, each salt still accepted for <c>grace</c> after its window ends, as Telegram does.
/// <see cref="Rotate"/> starts a fresh schedule and forgets the old salts at once (fault injection).
/// </summary>
internal sealed class SaltSchedule(TimeProvider time, TimeSpan lifetime, TimeSpan grace)
{
    private readonly Lock _lock = new();
    private readonly List<FutureSalt> _salts = [];
    private readonly int _lifetimeSeconds = Math.Max(1, (int)lifetime.TotalSeconds);
    private readonly int _graceSeconds = Math.Max(0, (int)grace.TotalSeconds);

    /// <summary>Starts the schedule with the salt the key exchange produced (new_nonce ⊕ server_nonce).</summary>
    public void Seed(long firstSalt)
    {
        lock (_lock)
        {
            var now = Now();
            _salts.Clear();
            _salts.Add(new FutureSalt(firstSalt, now, now + _lifetimeSeconds));
        }
    }

    /// <summary>The salt clients should use now.</summary>
    public long Current
    {
        get
        {
            lock (_lock)
            {
                var now = Now();
                Extend(now, 1);
                return _salts.First(s => s.ValidSince <= now && now < s.ValidUntil).Salt;
            }
        }
    }

    /// <summary>True while the salt's window is open or it ended less than the grace period ago.</summary>
    public bool Accepts(long salt)
    {
        lock (_lock)
        {
            var now = Now();
            Extend(now, 1);
            foreach (var entry in _salts)
            {
                if (entry.Salt == salt && entry.ValidSince <= now && now < entry.ValidUntil + _graceSeconds)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The current salt and the ones after it (get_future_salts), <paramref name="count"/> in all.</summary>
    public FutureSalt[] Upcoming(int count)
    {
        lock (_lock)
        {
            var now = Now();
            Extend(now, count);
            return _salts.Where(s => now < s.ValidUntil).Take(count).ToArray();
        }
    }

    /// <summary>Replaces every salt by a fresh one valid from now; old salts stop being accepted at once.</summary>
    public long Rotate()
    {
        lock (_lock)
        {
            var now = Now();
            _salts.Clear();
            _salts.Add(new FutureSalt(NewSalt(), now, now + _lifetimeSeconds));
            return _salts[0].Salt;
        }
    }

    private void Extend(int now, int count)
    {
        _salts.RemoveAll(s => s.ValidUntil + _graceSeconds <= now);
        if (_salts.Count == 0 || _salts[^1].ValidUntil <= now)
        {
            // After a long idle stretch the chain restarts at now rather than filling every missed window.
            _salts.Add(new FutureSalt(NewSalt(), now, now + _lifetimeSeconds));
        }

        while (_salts.Count(s => now < s.ValidUntil) < count)
        {
            var last = _salts[^1];
            _salts.Add(new FutureSalt(NewSalt(), last.ValidUntil, last.ValidUntil + _lifetimeSeconds));
        }
    }

    private int Now() => (int)time.GetUtcNow().ToUnixTimeSeconds();

    private static long NewSalt()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToInt64(bytes);
    }
}
