using System.Buffers;
using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>
/// One level of a pairwise summation tree in affine coordinates: dst[j] = src[2j] + src[2j+1], the independent additions
/// of a chunk sharing ONE field inversion (Montgomery's trick, as eight interleaved chains through
/// <see cref="FqBatch.InverseEach8"/>). An affine addition then costs ≈ 6 multiplications (λ, λ², λ·(x₁ − x₃) and three
/// for its share of the batch inversion) against 11 + 5 squarings for a Jacobian addition, and the points stay 64 bytes.
/// </summary>
/// <remarks>
/// Every special case of the affine law is handled per pair: either operand at infinity (the other is the sum), P + P
/// (doubling: λ = 3x²/2y; y ≠ 0 on BN254 G1, whose order is odd) and P + (−P) (infinity). Long levels are cut into
/// chunks run in parallel. <see cref="PairSumsJacobian"/> is the twin the tests compare against.
/// </remarks>
internal static class G1PairSums
{
    /// <summary>Pairs per shared inversion: the inversion (≈ 100 products) is then below 0.2 products per pair.</summary>
    internal const int ChunkPairs = 512;

    /// <summary>Pairs from which a level is split over threads (a task then gets at least 8 chunks).</summary>
    internal const int ParallelMinPairs = 1 << 13;

    /// <summary>
    /// dst[dstStart + j] = src[srcStart + 2j·stride] + src[srcStart + (2j + 1)·stride] for j &lt; <paramref name="pairs"/>. In
    /// place when <paramref name="dst"/> is <paramref name="src"/>, dstStart = srcStart and stride = 1 (each thread writes
    /// its results over the start of its own pairs, then they are moved down in order); otherwise the written range must not
    /// overlap the pairs read.
    /// </summary>
    /// <exception cref="ArgumentException">The ranges exceed the arrays.</exception>
    internal static void Compute(G1Affine[] src, int srcStart, int stride, G1Affine[] dst, int dstStart, int pairs)
    {
        if (srcStart < 0 || dstStart < 0 || pairs < 0 || stride < 1 || (pairs > 0 && (long)srcStart + (2L * pairs - 1) * stride >= src.Length) || (long)dstStart + pairs > dst.Length)
            throw new ArgumentException($"{pairs} pairs from {srcStart} (stride {stride}) into {dstStart} exceed the arrays ({src.Length}, {dst.Length})", nameof(pairs));
        if (pairs == 0) return;
        bool inPlace = ReferenceEquals(src, dst) && srcStart == dstStart && stride == 1;
        ReadOnlySpan<G1Affine> Pairs(int lo, int hi) => src.AsSpan(srcStart + 2 * lo * stride, (2 * (hi - lo) - 1) * stride + 1);
        if (pairs < ParallelMinPairs)
        {
            Compute(Pairs(0, pairs), stride, dst.AsSpan(dstStart, pairs));
            return;
        }
        int parts = Math.Min(4 * Environment.ProcessorCount, pairs / (8 * ChunkPairs));
        Parallel.For(0, parts, p =>
        {
            int lo = (int)((long)pairs * p / parts), hi = (int)((long)pairs * (p + 1) / parts);
            Compute(Pairs(lo, hi), stride, dst.AsSpan(dstStart + (inPlace ? 2 * lo : lo), hi - lo));
        });
        if (inPlace)
            for (int p = 1; p < parts; p++)
            {
                int lo = (int)((long)pairs * p / parts), hi = (int)((long)pairs * (p + 1) / parts);
                dst.AsSpan(dstStart + 2 * lo, hi - lo).CopyTo(dst.AsSpan(dstStart + lo));
            }
    }

    /// <summary>
    /// dst[j] = src[2j·stride] + src[(2j + 1)·stride] on one thread. <paramref name="dst"/> may start where
    /// <paramref name="src"/> starts when stride = 1 (pair j is read before dst[j] is written, and dst[j] lies below every
    /// later pair); otherwise they must not overlap.
    /// </summary>
    /// <exception cref="ArgumentException">src is too short for dst.Length pairs.</exception>
    internal static void Compute(ReadOnlySpan<G1Affine> src, int stride, Span<G1Affine> dst)
    {
        if (dst.Length > 0 && src.Length < (2L * dst.Length - 1) * stride + 1) throw new ArgumentException($"{src.Length} points do not make {dst.Length} pairs at stride {stride}", nameof(src));
        if (dst.Length == 0) return;
        var pool = ArrayPool<Fq>.Shared.Rent(4 * ChunkPairs);
        try
        {
            for (int at = 0; at < dst.Length; at += ChunkPairs)
            {
                int len = Math.Min(ChunkPairs, dst.Length - at);
                Chunk(src[(2 * at * stride)..], stride, dst.Slice(at, len), pool);
            }
        }
        finally { ArrayPool<Fq>.Shared.Return(pool); }
    }

    /// <summary>dst[j] = src[2j] + src[2j+1] on one thread (src.Length = 2·dst.Length; dst may start where src starts).</summary>
    /// <exception cref="ArgumentException">src.Length ≠ 2·dst.Length.</exception>
    internal static void Compute(ReadOnlySpan<G1Affine> src, Span<G1Affine> dst)
    {
        if (src.Length != 2 * dst.Length) throw new ArgumentException($"{src.Length} points do not make {dst.Length} pairs", nameof(src));
        Compute(src, 1, dst);
    }

    /// <summary>The pairs of one chunk with one inversion; scratch holds 4·⌈n/8⌉·8 elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chunk(ReadOnlySpan<G1Affine> src, int stride, Span<G1Affine> dst, Fq[] scratch)
    {
        int n = dst.Length, n8 = (n + 7) & ~7;
        var den = scratch.AsSpan(0, n8);
        var prefix = scratch.AsSpan(n8, n8);
        var num = scratch.AsSpan(2 * n8, n8);
        var inv = scratch.AsSpan(3 * n8, n8);
        for (int i = 0; i < n; i++)
        {
            ref readonly var a = ref src[2 * i * stride];
            ref readonly var p = ref src[(2 * i + 1) * stride];
            if (a.IsInfinity || p.IsInfinity) { den[i] = Fq.One; num[i] = Fq.Zero; }
            else if (a.X != p.X) { Fq.Sub(p.X, a.X, out den[i]); Fq.Sub(p.Y, a.Y, out num[i]); }
            else if (a.Y == p.Y)
            {
                Fq.Double(p.Y, out den[i]);
                Fq.Square(p.X, out var xx);
                Fq.Double(xx, out var t);
                Fq.Add(t, xx, out num[i]);
            }
            else { den[i] = Fq.One; num[i] = Fq.Zero; } // P + (−P)
        }
        for (int i = n; i < n8; i++) { den[i] = Fq.One; num[i] = Fq.Zero; }
        FqBatch.InverseEach8(den, prefix, inv);
        FqBatch.Mul(num, inv, num);    // λ
        FqBatch.Mul(num, num, prefix); // λ²
        for (int i = 0; i < n; i++)
        {
            ref readonly var a = ref src[2 * i * stride];
            Fq.Sub(prefix[i], a.X, out var x3);
            Fq.Sub(x3, src[(2 * i + 1) * stride].X, out den[i]); // x3
            Fq.Sub(a.X, den[i], out inv[i]);          // x_a − x3
        }
        inv[n..].Clear();
        FqBatch.Mul(inv, num, inv);    // λ·(x_a − x3) = y3 + y_a
        for (int i = 0; i < n; i++)
        {
            var a = src[2 * i * stride]; // copies: dst[i] may overwrite pair i (in place)
            var p = src[(2 * i + 1) * stride];
            if (p.IsInfinity) { dst[i] = a; continue; }
            if (a.IsInfinity) { dst[i] = p; continue; }
            if (a.X == p.X && a.Y != p.Y) { dst[i] = G1Affine.Infinity; continue; }
            Fq.Sub(inv[i], a.Y, out var y3);
            dst[i] = new G1Affine(den[i], y3);
        }
    }

    /// <summary>The Jacobian twin of <see cref="Compute(ReadOnlySpan{G1Affine}, Span{G1Affine})"/> (tests).</summary>
    internal static void PairSumsJacobian(ReadOnlySpan<G1Affine> src, Span<G1Affine> dst)
    {
        var jac = new G1Jacobian[dst.Length];
        for (int j = 0; j < dst.Length; j++) jac[j] = G1Jacobian.FromAffine(src[2 * j]) + src[2 * j + 1];
        G1Jacobian.BatchToAffine(jac, dst);
    }

    /// <summary>
    /// Σ of the points, by pairwise levels of <see cref="Compute(G1Affine[], int, int, G1Affine[], int, int)"/> in place down to
    /// a few points and a Jacobian sum of those. Overwrites <paramref name="points"/>[0 … count). When
    /// <paramref name="prefixes"/> is not empty, it also gets prefixes[r] = Σ_(i &lt; 2^r) points[i] for every r with
    /// 2^r ≤ count and r &lt; prefixes.Length (after r levels, entry 0 holds exactly that sum); the other entries are left alone.
    /// </summary>
    /// <exception cref="ArgumentException">count exceeds points.</exception>
    internal static G1Jacobian Sum(G1Affine[] points, int count, Span<G1Jacobian> prefixes = default)
    {
        if (count < 0 || count > points.Length) throw new ArgumentException($"{count} points with {points.Length} slots", nameof(count));
        int full = count, round = 0;
        while (count > 32)
        {
            if (round < prefixes.Length) prefixes[round] = G1Jacobian.FromAffine(points[0]);
            int pairs = count / 2;
            Compute(points, 0, 1, points, 0, pairs);
            if ((count & 1) != 0) points[pairs] = points[count - 1];
            count = (count + 1) / 2;
            round++;
        }
        // Entry i now sums the points [i·2^round, (i + 1)·2^round) ∩ [0, full).
        var acc = G1Jacobian.Infinity;
        for (int i = 0; i < count; i++)
        {
            G1Jacobian.AddMixed(acc, points[i], out acc);
            int r = round + System.Numerics.BitOperations.Log2((uint)(i + 1));
            if ((i & (i + 1)) == 0 && r < prefixes.Length && 1L << r <= full) prefixes[r] = acc;
        }
        return acc;
    }
}
