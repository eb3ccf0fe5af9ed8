using System.Globalization;
using System.Runtime.InteropServices;

namespace ZkMl.Inference.Tests;

/// <summary>
/// <see cref="ProverMemory.AdviseHugePages"/> on Linux: the mapping that holds a managed array (and a large one) carries the
/// kernel's huge-page flag ("hg" in /proc/self/smaps) after the advice, and the advised range covers both arrays.
/// </summary>
public class ProverMemoryTests
{
    private static ulong AddressOf(byte[] a)
    {
        var h = GCHandle.Alloc(a, GCHandleType.Pinned);
        try { return (ulong)h.AddrOfPinnedObject(); }
        finally { h.Free(); }
    }

    /// <summary>The VmFlags of the mapping of /proc/self/smaps that contains <paramref name="at"/>.</summary>
    private static string FlagsAt(ulong at)
    {
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-'), space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var lo)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hi))
                inside = lo <= at && at < hi;
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal)) return line;
        }
        throw new InvalidOperationException($"no mapping holds 0x{at:x}");
    }

    [Fact]
    public void The_managed_heap_is_advised_huge_pages()
    {
        if (!OperatingSystem.IsLinux()) return; // (the advice is Linux-only: AdviseHugePages returns 0 elsewhere)
        if (!File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"))
        {
            Assert.Equal(0, ProverMemory.AdviseHugePages()); // no THP in this kernel: the kernel refuses, nothing advised
            return;
        }
        var small = new byte[100];
        var large = new byte[8 << 20]; // the large-object heap
        long advised = ProverMemory.AdviseHugePages();
        Assert.True(advised >= 8 << 20, $"advised {advised} bytes");
        foreach (var a in new[] { small, large })
            Assert.Contains(" hg", FlagsAt(AddressOf(a)));
        GC.KeepAlive(small);
        GC.KeepAlive(large);
    }
}
