using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>
/// The inner loop of a sumcheck round over a range of pairs, shared by <see cref="SumcheckProver"/>'s dense rounds and
/// <see cref="TermTiling"/>: acc[p] += Σ_{j ∈ [start, end)} w_j·Σ_t c_t Π_{k ∈ F_t} (lo_k + X_p·(hi_k − lo_k)) with
/// lo_k = P_k[j &amp; mask_k] and hi_k = P_k[(j + half) &amp; mask_k] (mask_k = |P_k| − 1; a dense input of 2·half entries
/// reads P_k[j], P_k[j + half]). Field sums are exact, so every path below gives the same acc.
/// </summary>
/// <remarks>
/// <see cref="Accumulate"/> takes <see cref="Accumulate8"/> when <see cref="FrBatch.IsVectorized"/> (AVX2): eight consecutive
/// j side by side, every product of a term and the weight product as one <see cref="FrBatch.Mul8"/>; the scalar twin
/// <see cref="AccumulateScalar"/> (one <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/> per product) runs otherwise and on the tail.
/// </remarks>
internal static class RoundKernel
{
    /// <summary>Pairs below this count stay on the scalar loop (nothing to batch).</summary>
    internal const int MinVectorPairs = 8;

    /// <summary>Most Fr the vector path stack-allocates per call (32 KiB); a sum of more factors/terms takes the scalar loop.</summary>
    internal const int MaxVectorScratch = 1024;

    /// <summary>The Fr that <see cref="Accumulate8"/> stack-allocates for these counts.</summary>
    internal static long VectorScratch(int arrays, int d, int points, int terms) =>
        8L * (Math.Max(1, arrays * (d + 1)) + points + 2 + terms);

    /// <summary>
    /// total[p] += the sum of <see cref="Accumulate"/> over all pairs j &lt; half, in parallel blocks (each block's partial sums
    /// added to <paramref name="total"/> under a lock).
    /// </summary>
    internal static void AccumulateAll(int half, Fr[][] arrays, int[] masks, int[][] factors, int[] kinds, Fr[] coefficients,
        int[] points, int d, Fr[]? weights, Fr[] total)
    {
        int np = points.Length;
        var gate = new object();
        Parallelism.For(half, (start, end) =>
        {
            Span<Fr> acc = stackalloc Fr[np];
            acc.Clear();
            Accumulate(start, end, half, arrays, masks, factors, kinds, coefficients, points, d, weights, acc);
            lock (gate)
            {
                for (int i = 0; i < np; i++) Fr.Add(total[i], acc[i], out total[i]);
            }
        });
    }

    /// <summary>The round kernel (see the class); takes the vector path when it is vectorized and its scratch is small.</summary>
    /// <param name="start">First pair j.</param>
    /// <param name="end">One past the last pair.</param>
    /// <param name="half">The distance between a pair's lo and hi index (before masking).</param>
    /// <param name="arrays">The factors' tables, one per used factor.</param>
    /// <param name="masks">Per used factor: its table length − 1 (a power of two minus one).</param>
    /// <param name="factors">Per term: the indices into <paramref name="arrays"/> of its factors (none: the constant 1).</param>
    /// <param name="kinds">Per term: 1 (coefficient one), −1 (minus one) or 0 (multiply by <paramref name="coefficients"/>).</param>
    /// <param name="coefficients">Per term: its coefficient (read for kind 0).</param>
    /// <param name="points">The evaluation points X (each ≤ <paramref name="d"/>).</param>
    /// <param name="d">The largest point.</param>
    /// <param name="weights">w_j (indexed by j), or null for w = 1.</param>
    /// <param name="acc">One accumulator per point, added to.</param>
    internal static void Accumulate(int start, int end, int half, Fr[][] arrays, int[] masks, int[][] factors, int[] kinds, Fr[] coefficients,
        int[] points, int d, Fr[]? weights, Span<Fr> acc)
    {
        if (FrBatch.IsVectorized && end - start >= MinVectorPairs && VectorScratch(arrays.Length, d, points.Length, factors.Length) <= MaxVectorScratch)
            Accumulate8(start, end, half, arrays, masks, factors, kinds, coefficients, points, d, weights, acc);
        else
            AccumulateScalar(start, end, half, arrays, masks, factors, kinds, coefficients, points, d, weights, acc);
    }

    /// <summary>The scalar twin of <see cref="Accumulate"/>: one pair at a time, the terms combined before the weight.</summary>
    internal static void AccumulateScalar(int start, int end, int half, Fr[][] arrays, int[] masks, int[][] factors, int[] kinds, Fr[] coefficients,
        int[] points, int d, Fr[]? weights, Span<Fr> acc)
    {
        int nu = arrays.Length, np = points.Length, stride = d + 1;
        Span<Fr> vals = stackalloc Fr[Math.Max(1, nu * stride)];
        for (int j = start; j < end; j++)
        {
            for (int u = 0; u < nu; u++)
            {
                var a = arrays[u];
                int mask = masks[u];
                var row = vals.Slice(u * stride, stride);
                row[0] = a[j & mask];
                if (d == 0) continue;
                Fr.Sub(a[(j + half) & mask], row[0], out var diff);
                for (int t = 1; t <= d; t++) Fr.Add(row[t - 1], diff, out row[t]);
            }
            for (int pi = 0; pi < np; pi++)
            {
                var sum = SumcheckProver.TermSum(vals, stride, points[pi], factors, kinds, coefficients);
                if (weights != null) Fr.Mul(sum, weights[j], out sum);
                Fr.Add(acc[pi], sum, out acc[pi]);
            }
        }
    }

    /// <summary>
    /// The vector path of <see cref="Accumulate"/>: blocks of eight pairs, the factors' values laid out lane-contiguous
    /// (row (k, X) holds eight Fr), each product and weight one <see cref="FrBatch.Mul8"/>; the tail (fewer than eight) goes to
    /// <see cref="AccumulateScalar"/>. Per-lane sums are folded into <paramref name="acc"/> at the end.
    /// </summary>
    internal static void Accumulate8(int start, int end, int half, Fr[][] arrays, int[] masks, int[][] factors, int[] kinds, Fr[] coefficients,
        int[] points, int d, Fr[]? weights, Span<Fr> acc)
    {
        int nu = arrays.Length, np = points.Length, stride = d + 1, nt = factors.Length;
        Span<Fr> vals = stackalloc Fr[Math.Max(1, nu * stride) * 8];
        Span<Fr> lanes = stackalloc Fr[np * 8];
        Span<Fr> sum = stackalloc Fr[8];
        Span<Fr> prod = stackalloc Fr[8];
        lanes.Clear();
        bool anyScaled = false;
        foreach (var k in kinds) anyScaled |= k == 0;
        Span<Fr> coef8 = stackalloc Fr[anyScaled ? nt * 8 : 1];
        if (anyScaled)
            for (int t = 0; t < nt; t++) coef8.Slice(t * 8, 8).Fill(coefficients[t]);
        ref Fr vBase = ref MemoryMarshal.GetReference(vals);
        ref Fr cBase = ref MemoryMarshal.GetReference(coef8);
        ref Fr s0 = ref MemoryMarshal.GetReference(sum);
        ref Fr p0 = ref MemoryMarshal.GetReference(prod);
        var one = Fr.One;
        int j0 = start;
        for (; j0 + 8 <= end; j0 += 8)
        {
            for (int u = 0; u < nu; u++)
            {
                var a = arrays[u];
                int mask = masks[u];
                int rowBase = u * stride * 8;
                for (int l = 0; l < 8; l++)
                {
                    int j = j0 + l;
                    var lo = a[j & mask];
                    vals[rowBase + l] = lo;
                    if (d == 0) continue;
                    Fr.Sub(a[(j + half) & mask], lo, out var diff);
                    for (int t = 1; t <= d; t++) Fr.Add(vals[rowBase + (t - 1) * 8 + l], diff, out vals[rowBase + t * 8 + l]);
                }
            }
            for (int pi = 0; pi < np; pi++)
            {
                int x = points[pi];
                sum.Clear();
                for (int ti = 0; ti < nt; ti++)
                {
                    var f = factors[ti];
                    // src: the term's product over the eight lanes (a factor's row itself for one factor, else prod).
                    ref Fr src = ref p0;
                    if (f.Length == 0) prod.Fill(one);
                    else if (f.Length == 1) src = ref Unsafe.Add(ref vBase, (f[0] * stride + x) * 8);
                    else
                    {
                        FrBatch.Mul8(ref Unsafe.Add(ref vBase, (f[0] * stride + x) * 8), ref Unsafe.Add(ref vBase, (f[1] * stride + x) * 8), ref p0);
                        for (int q = 2; q < f.Length; q++) FrBatch.Mul8(ref p0, ref Unsafe.Add(ref vBase, (f[q] * stride + x) * 8), ref p0);
                    }
                    switch (kinds[ti])
                    {
                        case 1:
                            for (int l = 0; l < 8; l++) Fr.Add(sum[l], Unsafe.Add(ref src, l), out sum[l]);
                            break;
                        case -1:
                            for (int l = 0; l < 8; l++) Fr.Sub(sum[l], Unsafe.Add(ref src, l), out sum[l]);
                            break;
                        default:
                            FrBatch.Mul8(ref src, ref Unsafe.Add(ref cBase, ti * 8), ref p0);
                            for (int l = 0; l < 8; l++) Fr.Add(sum[l], prod[l], out sum[l]);
                            break;
                    }
                }
                if (weights != null) FrBatch.Mul8(ref s0, ref weights[j0], ref s0);
                var lane = lanes.Slice(pi * 8, 8);
                for (int l = 0; l < 8; l++) Fr.Add(lane[l], sum[l], out lane[l]);
            }
        }
        for (int pi = 0; pi < np; pi++)
        {
            var total = acc[pi];
            for (int l = 0; l < 8; l++) Fr.Add(total, lanes[pi * 8 + l], out total);
            acc[pi] = total;
        }
        if (j0 < end) AccumulateScalar(j0, end, half, arrays, masks, factors, kinds, coefficients, points, d, weights, acc);
    }
}
