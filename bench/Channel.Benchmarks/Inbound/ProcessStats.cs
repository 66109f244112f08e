using System.Globalization;

namespace Channel.Benchmarks.Inbound;

/// <summary>CPU time and resident memory of another process, from /proc (Linux).</summary>
internal static class ProcessStats
{
    /// <summary>User + system CPU time so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        // /proc/<pid>/stat: the command may hold spaces, so count fields after the closing parenthesis.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>CPU time the whole machine spent busy so far, all cores (/proc/stat: everything but idle and iowait).</summary>
    public static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Sum() - fields[3] - fields[4];
        return TimeSpan.FromSeconds(busy / 100.0);
    }

    /// <summary>VmRSS in bytes.</summary>
    public static long ResidentBytes(int pid) => StatusValue(pid, "VmRSS:") * 1024;

    /// <summary>RssAnon in bytes: the resident memory that is the process's own (heaps, stacks), not mapped files.</summary>
    public static long ResidentAnonymousBytes(int pid) => StatusValue(pid, "RssAnon:") * 1024;

    /// <summary>
    /// The resident part of the runtime's executable memory (JIT-compiled code, stubs, the executable loader heaps), from
    /// the lines of /proc/&lt;pid&gt;/smaps. With W^X on, the default, .NET maps it from one memfd named "doublemapper";
    /// with W^X off it is anonymous and this is 0.
    /// </summary>
    public static long ResidentRuntimeCodeBytes(IEnumerable<string> smapsLines)
    {
        long kilobytes = 0;
        var inRuntimeCode = false;
        foreach (var line in smapsLines)
        {
            // A mapping's header starts with its address range ("7f95bbc00000-7f95bce00000 r-xp ..."), its fields with a key.
            var first = line.AsSpan(0, Math.Max(0, line.IndexOf(' ', StringComparison.Ordinal)));
            if (first.Contains('-') && !first.Contains(':'))
            {
                inRuntimeCode = line.Contains("doublemapper", StringComparison.Ordinal);
            }
            else if (inRuntimeCode && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                kilobytes += ValueAfter(line, "Rss:");
            }
        }

        return kilobytes * 1024;
    }

    /// <summary>The process's thread count.</summary>
    public static long Threads(int pid) => StatusValue(pid, "Threads:");

    private static long StatusValue(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return ValueAfter(line, key);
            }
        }

        return 0;
    }

    /// <summary>The number after <paramref name="key"/> in a /proc line such as "VmRSS:   1234 kB".</summary>
    private static long ValueAfter(string line, string key) => long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
