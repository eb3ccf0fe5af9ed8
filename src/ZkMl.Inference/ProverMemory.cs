using System.Globalization;
using System.Runtime.InteropServices;

namespace ZkMl.Inference;

/// <summary>
/// Transparent huge pages for the prover's heap (Linux). A B = 1024 proof writes ≈ 500 MB of freshly allocated arrays (the opening
/// tables, the joint vector, HyperKZG's levels and quotients), and with 4 KiB pages every first touch is a page fault: ≈ 125,000
/// faults per proof, 11–18 % of its samples in the kernel's fault path on the 2-core VMs we measure on. When
/// <see cref="HugePages"/> is on, each proof starts by asking the kernel (<c>madvise(MADV_HUGEPAGE)</c>) to back the managed heap's
/// address range with 2 MiB pages where it can: the arrays' contents and the allocations are unchanged, only the page size behind
/// them. The advice is renewed before every proof because the runtime's garbage collector returns freed regions by mapping them
/// afresh, which drops it. Without transparent huge pages in the kernel (or with them set to <c>never</c>) it changes nothing.
/// </summary>
public static class ProverMemory
{
    /// <summary>
    /// Whether the provers advise huge pages before each proof (<see cref="AdviseHugePages"/>). Off by default for library callers;
    /// the <c>zkml</c> command turns it on unless the environment sets <c>ZKML_HUGEPAGES=0</c>.
    /// </summary>
    public static bool HugePages { get; set; }

    /// <summary>Called by the provers before a proof.</summary>
    internal static void BeforeProof()
    {
        if (HugePages) AdviseHugePages();
    }

    private const int MadvHugePage = 14;

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Madvise(nint address, nuint length, int advice);

    /// <summary>
    /// Advises huge pages (<c>MADV_HUGEPAGE</c>) for the managed heap's address range: the anonymous mappings around a managed
    /// array, as far as they are contiguous (the collector reserves one range and commits and releases parts of it, which splits it
    /// into adjacent mappings). Returns the number of bytes advised: 0 off Linux, when <c>/proc/self/maps</c> cannot be read, or when
    /// the kernel refuses the advice (no transparent huge pages).
    /// </summary>
    public static long AdviseHugePages()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var probe = new byte[64];
        var handle = GCHandle.Alloc(probe, GCHandleType.Pinned);
        ulong at;
        try { at = (ulong)handle.AddrOfPinnedObject(); }
        finally { handle.Free(); }
        List<(ulong Start, ulong End, bool Anonymous)> maps;
        try { maps = ReadMaps(); }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
        int i = maps.FindIndex(m => m.Start <= at && at < m.End);
        if (i < 0 || !maps[i].Anonymous) return 0;
        int lo = i, hi = i;
        while (lo > 0 && maps[lo - 1].Anonymous && maps[lo - 1].End == maps[lo].Start) lo--;
        while (hi + 1 < maps.Count && maps[hi + 1].Anonymous && maps[hi + 1].Start == maps[hi].End) hi++;
        ulong start = maps[lo].Start, end = maps[hi].End;
        return Madvise((nint)start, (nuint)(end - start), MadvHugePage) == 0 ? (long)(end - start) : 0;
    }

    /// <summary>The process's mappings in address order: start, end, and whether it is private anonymous memory (no file, not a named region such as [stack]).</summary>
    private static List<(ulong Start, ulong End, bool Anonymous)> ReadMaps()
    {
        var maps = new List<(ulong, ulong, bool)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // "start-end perms offset dev inode [path]"
            var f = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5) continue;
            int dash = f[0].IndexOf('-');
            if (dash < 0
                || !ulong.TryParse(f[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(f[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
                continue;
            bool anonymous = f[1].Length == 4 && f[1][3] == 'p' && f[4] == "0" && (f.Length < 6 || f[5].Trim().Length == 0);
            maps.Add((start, end, anonymous));
        }
        return maps;
    }
}
