using ZkMl.Algebra;
using ZkMl.Proofs;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Inference;

/// <summary>
/// An aligned layout (docs/protocol.md "Aligned layouts"): items of 2^s entries placed largest
/// first (stable), each at an offset that is a multiple of its size, in a vector of 2^N entries.
/// Optionally one item's unused tail (a "hole": entries its claims never depend on) takes the
/// items placed after it that fit there, each at the lowest free aligned offset.
/// </summary>
public sealed class Layout
{
    private readonly int[] _log;
    private readonly long[] _offset;

    /// <summary>Places items of 2^<paramref name="logSizes"/>[i] entries, in list order for equal sizes.</summary>
    public Layout(IReadOnlyList<int> logSizes) : this(logSizes, -1, 0) { }

    /// <summary>
    /// As <see cref="Layout(IReadOnlyList{int})"/>, but the entries from <paramref name="holeUsed"/> to the end
    /// of item <paramref name="holeItem"/> (-1: none) are free: each item placed after it goes to the
    /// lowest free offset there that is a multiple of its size and fits (gaps left by earlier, larger items
    /// are reused), else to the running offset.
    /// </summary>
    public Layout(IReadOnlyList<int> logSizes, int holeItem, long holeUsed)
    {
        _log = logSizes.ToArray();
        _offset = new long[_log.Length];
        var order = Enumerable.Range(0, _log.Length).OrderByDescending(i => _log[i]).ToArray(); // OrderBy is stable
        long pos = 0;
        var free = new List<(long Start, long End)>(); // the hole's free intervals, in order
        foreach (int i in order)
        {
            if (_log[i] < 0 || _log[i] > 40) throw new ArgumentOutOfRangeException(nameof(logSizes), $"item {i} has 2^{_log[i]} entries");
            long size = 1L << _log[i];
            if (TryPlaceInHole(free, size, out _offset[i])) continue;
            _offset[i] = pos;
            if (i == holeItem)
            {
                if (holeUsed < 0 || holeUsed > size) throw new ArgumentOutOfRangeException(nameof(holeUsed), $"item {i} has {size} entries, {holeUsed} used");
                if (holeUsed < size) free.Add((pos + holeUsed, pos + size));
            }
            pos += size;
        }
        int n = 0;
        while ((1L << n) < pos) n++;
        NumVars = n;
    }

    /// <summary>The lowest offset in a free interval of the hole that is a multiple of size and fits; splits the interval.</summary>
    private static bool TryPlaceInHole(List<(long Start, long End)> free, long size, out long offset)
    {
        for (int k = 0; k < free.Count; k++)
        {
            var (start, end) = free[k];
            long at = (start + size - 1) / size * size;
            if (at + size > end) continue;
            free.RemoveAt(k);
            if (at + size < end) free.Insert(k, (at + size, end));
            if (start < at) free.Insert(k, (start, at));
            offset = at;
            return true;
        }
        offset = -1;
        return false;
    }

    /// <summary>log2 of the vector length.</summary>
    public int NumVars { get; }

    /// <summary>Vector length 2^NumVars.</summary>
    public long Length => 1L << NumVars;

    /// <summary>Number of items.</summary>
    public int Count => _log.Length;

    /// <summary>log2 of item i's size.</summary>
    public int LogSize(int i) => _log[i];

    /// <summary>Item i's size.</summary>
    public long Size(int i) => 1L << _log[i];

    /// <summary>Item i's offset.</summary>
    public long Offset(int i) => _offset[i];

    /// <summary>Total entries covered by items.</summary>
    public long Covered => _log.Sum(s => 1L << s);

    /// <summary>The point on the whole vector of a claim at <paramref name="local"/> on item i (offset bits first).</summary>
    public Fr[] Point(int i, ReadOnlySpan<Fr> local)
    {
        int s = _log[i];
        if (local.Length != s) throw new ArgumentException($"item {i} has {s} variables, point has {local.Length}", nameof(local));
        int hi = NumVars - s;
        var p = new Fr[NumVars];
        Eq.BooleanPoint(_offset[i] >> s, hi).CopyTo(p, 0);
        local.CopyTo(p.AsSpan(hi));
        return p;
    }

    /// <summary>sel(o, s, r) = eq(bits(o &gt;&gt; s), r_1 … r_{N−s}): the weight of item i at a point of the whole vector.</summary>
    public Fr Selector(int i, ReadOnlySpan<Fr> point)
    {
        int s = _log[i];
        int hi = NumVars - s;
        long high = _offset[i] >> s;
        var acc = Fr.One;
        for (int j = 0; j < hi; j++)
            acc *= ((high >> (hi - 1 - j)) & 1) == 1 ? point[j] : Fr.One - point[j];
        return acc;
    }

    /// <summary>The local point of item i inside a point of the whole vector (its last s coordinates).</summary>
    public static ReadOnlySpan<Fr> Local(ReadOnlySpan<Fr> point, int s) => point[(point.Length - s)..];

    /// <summary>Copies <paramref name="data"/> (length ≤ item size) into item i of <paramref name="vector"/>.</summary>
    public void Place<T>(int i, ReadOnlySpan<T> data, Span<T> vector)
    {
        if (data.Length > Size(i)) throw new ArgumentException($"item {i}: {data.Length} values for {Size(i)} entries", nameof(data));
        data.CopyTo(vector.Slice((int)_offset[i], data.Length));
    }

    /// <summary>Evaluates the MLE of a vector stored as <paramref name="values"/> (any length ≤ 2^n; the rest zero) at a point.</summary>
    internal static Fr EvaluateSmall(ReadOnlySpan<long> values, ReadOnlySpan<Fr> point) => InferenceProver.Dot(values, Eq.Table(point));
}
