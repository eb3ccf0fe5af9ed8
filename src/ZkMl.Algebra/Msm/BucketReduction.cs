using System.Buffers;

namespace ZkMl.Algebra;

/// <summary>
/// The bucket reduction of Pippenger's method, Σ_j (j + 1)·B_j over a range of buckets, in affine coordinates with
/// shared inversions: the range is cut into K segments of L buckets, each with its own running sum and
/// partial sum; the K segments step down together, so each step is 2K independent affine additions
/// (running_s += B, sum_s += the previous running_s) that share ONE field inversion (Montgomery's trick). An
/// affine addition then costs ≈ 6 multiplications (3 for the addition, 3 for its share of the batch inversion)
/// against ≈ 11 + 16 for the mixed plus full Jacobian additions of the running-sum loop. The segments are joined
/// by a short Jacobian running sum over their totals: Σ_s sum_s + L·Σ_s s·T_s (T_s = the segment's bucket total).
/// </summary>
/// <remarks>
/// Every special case of the affine law is handled per addition: either operand at infinity, P + P (doubling,
/// denominator 2y; y ≠ 0 on BN254 G1, whose order is odd) and P + (−P) (infinity). Below
/// <see cref="AffineMinBuckets"/> buckets the batches would be too short to amortise the inversion and the
/// Jacobian loop (<see cref="ReduceJacobian"/>, also the tests' reference) is used.
/// </remarks>
internal static class BucketReduction
{
    /// <summary>Bucket count from which the affine reduction is used.</summary>
    internal const int AffineMinBuckets = 2048;

    /// <summary>
    /// Σ_(j∈[lo,hi)) (j + 1)·B_j for the buckets B_j = Σ_u sets[u][j] (+ overflows[u][j] where that array exists).
    /// </summary>
    internal static G1Jacobian Reduce(G1Affine[][] sets, G1Jacobian[]?[] overflows, int lo, int hi)
        => hi - lo < AffineMinBuckets ? ReduceJacobian(sets, overflows, lo, hi) : ReduceAffine(sets, overflows, lo, hi, SegmentsFor(hi - lo));

    /// <summary>Segments for m buckets: 2K additions per inversion, and the Jacobian join (≈ 2K additions) small against 2m.</summary>
    internal static int SegmentsFor(int m) => Math.Clamp(m / 32, 1, 512);

    /// <summary>
    /// The Jacobian running-sum reduction: from the top, running += B_j and sum += running give Σ (j − lo + 1)·B_j,
    /// and lo·Σ B_j is added (so threads can reduce disjoint slices of one bucket range).
    /// </summary>
    internal static G1Jacobian ReduceJacobian(G1Affine[][] sets, G1Jacobian[]?[] overflows, int lo, int hi)
    {
        var running = G1Jacobian.Infinity;
        var sum = G1Jacobian.Infinity;
        for (int j = hi - 1; j >= lo; j--)
        {
            AddBucket(ref running, sets, overflows, j);
            G1Jacobian.Add(sum, running, out sum);
        }
        if (lo > 0) G1Jacobian.Add(sum, running.ScalarMul(Fr.FromUInt64((ulong)lo)), out sum);
        return sum;
    }

    /// <summary>acc += bucket j of every set (its affine part and, if any, its Jacobian overflow).</summary>
    internal static void AddBucket(ref G1Jacobian acc, G1Affine[][] sets, G1Jacobian[]?[] overflows, int j)
    {
        for (int u = 0; u < sets.Length; u++)
        {
            G1Jacobian.AddMixed(acc, sets[u][j], out acc);
            var o = overflows[u];
            if (o != null && !o[j].IsInfinity) G1Jacobian.Add(acc, o[j], out acc);
        }
    }

    /// <summary>The affine reduction with <paramref name="segments"/> segments (at least 1).</summary>
    internal static G1Jacobian ReduceAffine(G1Affine[][] sets, G1Jacobian[]?[] overflows, int lo, int hi, int segments)
    {
        int m = hi - lo;
        if (m <= 0) return G1Jacobian.Infinity;
        int len = (m + segments - 1) / segments;      // L buckets per segment
        int k = (m + len - 1) / len;                  // K segments actually needed
        int pad = k * len - m;                        // empty buckets below the range so that K·L = m + pad
        var b = ArrayPool<G1Affine>.Shared.Rent(k * len);
        var state = ArrayPool<G1Affine>.Shared.Rent(2 * k);
        var addend = ArrayPool<G1Affine>.Shared.Rent(2 * k);
        var scratch = ArrayPool<Fq>.Shared.Rent(4 * k);
        try
        {
            // b[pad + j − lo] = B_j: the sets summed (batched), then the overflows.
            var buckets = b.AsSpan(0, k * len);
            buckets[..pad].Clear();
            var range = buckets[pad..];
            sets[0].AsSpan(lo, m).CopyTo(range);
            for (int u = 1; u < sets.Length; u++) AddInPlace(range, sets[u].AsSpan(lo, m), scratch);
            AddOverflows(range, overflows, lo);

            // Segment s holds b[s·L, (s + 1)·L); at step t it adds b[(s + 1)·L − 1 − t] to its running sum and the
            // running sum before the step to its partial sum, so after L steps and one more partial addition,
            // sum_s = Σ_(i<L) (i + 1)·b[s·L + i] and running_s = T_s.
            var st = state.AsSpan(0, 2 * k);
            SegmentSums(buckets, k, len, st, addend.AsSpan(0, 2 * k), scratch.AsSpan(0, 4 * k));

            // Σ_j (j' + 1)·b[j'] = Σ_s sum_s + L·Σ_s s·T_s, where j' = j − lo + pad; subtract pad·Σ T_s, add lo·Σ T_s.
            var result = Join(st[..k], st[k..], len, out var total);
            long shift = (long)lo - pad;
            if (shift > 0) G1Jacobian.Add(result, Times(total, (ulong)shift), out result);
            else if (shift < 0) G1Jacobian.Add(result, Times(total, (ulong)(-shift)).Negate(), out result);
            return result;
        }
        finally
        {
            ArrayPool<G1Affine>.Shared.Return(b);
            ArrayPool<G1Affine>.Shared.Return(state);
            ArrayPool<G1Affine>.Shared.Return(addend);
            ArrayPool<Fq>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The K segments of L buckets side by side: segment s holds buckets[s·L, (s + 1)·L); at step t it adds
    /// buckets[(s + 1)·L − 1 − t] to its running sum and the running sum before the step to its partial sum (2K
    /// independent affine additions sharing one inversion), so after L steps and one more partial addition
    /// st[K + s] = Σ_(i&lt;L) (i + 1)·buckets[s·L + i] and st[s] = the segment's total.
    /// </summary>
    private static void SegmentSums(ReadOnlySpan<G1Affine> buckets, int k, int len, Span<G1Affine> st, Span<G1Affine> ad, Span<Fq> fq)
    {
        st.Clear();
        for (int t = 0; t < len; t++)
        {
            for (int s = 0; s < k; s++)
            {
                ad[s] = buckets[(s + 1) * len - 1 - t];
                ad[k + s] = st[s];
            }
            AddInPlace(st, ad, fq);
        }
        st[..k].CopyTo(ad);
        AddInPlace(st[k..], ad[..k], fq);
    }

    /// <summary>
    /// sums[w] = Σ_(j&lt;buckets) (j + 1)·B_(w·buckets + j) for the <paramref name="windows"/> bucket ranges of
    /// <see cref="Msm"/>'s pooled windows (B = set + overflow): each window is cut into S segments of L = buckets/S, all
    /// windows' segments step side by side in <see cref="SegmentSums"/> (one batch of 2·windows·S affine additions per step,
    /// S chosen so that a batch holds at least 256 where the windows have that many buckets in all), and each window joins
    /// its segments as <see cref="ReduceAffine"/> does: Σ_s sum_s + L·Σ_s s·T_s. The overflow entries are first added into
    /// <paramref name="set"/> (a scratch array).
    /// </summary>
    internal static void ReduceWindows(G1Affine[] set, G1Jacobian[]? overflow, int windows, int buckets, Span<G1Jacobian> sums)
    {
        var range = set.AsSpan(0, windows * buckets);
        if (overflow != null) AddOverflows(range, [overflow], 0);
        int per = 1;
        while (per < buckets && 2 * windows * per < 256) per *= 2; // buckets is a power of two
        int k = windows * per, len = buckets / per;
        var state = ArrayPool<G1Affine>.Shared.Rent(2 * k);
        var addend = ArrayPool<G1Affine>.Shared.Rent(2 * k);
        var scratch = ArrayPool<Fq>.Shared.Rent(4 * k);
        try
        {
            var st = state.AsSpan(0, 2 * k);
            SegmentSums(range, k, len, st, addend.AsSpan(0, 2 * k), scratch.AsSpan(0, 4 * k));
            for (int w = 0; w < windows; w++)
                sums[w] = Join(st[(w * per)..((w + 1) * per)], st[(k + w * per)..(k + (w + 1) * per)], len, out _);
        }
        finally
        {
            ArrayPool<G1Affine>.Shared.Return(state);
            ArrayPool<G1Affine>.Shared.Return(addend);
            ArrayPool<Fq>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Σ_(s&lt;K) sum_s + L·Σ_s s·T_s: the running sums of K consecutive segments of L buckets joined (segment totals
    /// <paramref name="totals"/>, partial sums <paramref name="partials"/>), i.e. Σ_j (j + 1)·B_j over the K·L buckets; also
    /// returns Σ_s T_s.
    /// </summary>
    private static G1Jacobian Join(ReadOnlySpan<G1Affine> totals, ReadOnlySpan<G1Affine> partials, int len, out G1Jacobian total)
    {
        int k = totals.Length;
        var weighted = G1Jacobian.Infinity; // Σ_s s·T_s by a running sum over the segments
        total = G1Jacobian.Infinity;
        for (int s = k - 1; s >= 1; s--)
        {
            G1Jacobian.AddMixed(total, totals[s], out total);
            G1Jacobian.Add(weighted, total, out weighted);
        }
        G1Jacobian.AddMixed(total, totals[0], out total);
        var result = len == 1 ? weighted : Times(weighted, (ulong)len);
        for (int s = 0; s < k; s++) G1Jacobian.AddMixed(result, partials[s], out result);
        return result;
    }

    /// <summary>range[j − lo] += overflows[u][j] for every overflow entry that is not infinity (few: batched once).</summary>
    private static void AddOverflows(Span<G1Affine> range, G1Jacobian[]?[] overflows, int lo)
    {
        foreach (var o in overflows)
        {
            if (o == null) continue;
            var idx = new List<int>();
            for (int j = 0; j < range.Length; j++) if (!o[lo + j].IsInfinity) idx.Add(j);
            if (idx.Count == 0) continue;
            var jac = new G1Jacobian[idx.Count];
            for (int i = 0; i < idx.Count; i++) jac[i] = o[lo + idx[i]];
            var add = new G1Affine[idx.Count];
            G1Jacobian.BatchToAffine(jac, add);
            var acc = new G1Affine[idx.Count];
            for (int i = 0; i < idx.Count; i++) acc[i] = range[idx[i]];
            var fq = new Fq[2 * idx.Count];
            AddInPlace(acc, add, fq);
            for (int i = 0; i < idx.Count; i++) range[idx[i]] = acc[i];
        }
    }

    /// <summary>k·p for a small non-negative k by double-and-add.</summary>
    private static G1Jacobian Times(in G1Jacobian p, ulong k)
    {
        var r = G1Jacobian.Infinity;
        for (int bit = 63 - System.Numerics.BitOperations.LeadingZeroCount(k | 1); bit >= 0; bit--)
        {
            G1Jacobian.Double(r, out r);
            if ((k >> bit & 1) != 0) G1Jacobian.Add(r, p, out r);
        }
        return r;
    }

    /// <summary>
    /// acc[i] += add[i] for every i (equal lengths), all in affine coordinates, with one field inversion per chunk of
    /// scratch.Length / 2 additions (the whole span when the scratch holds 2·acc.Length elements).
    /// </summary>
    internal static void AddInPlace(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add, Span<Fq> scratch)
    {
        int chunk = scratch.Length / 2;
        if (chunk < 1) throw new ArgumentException("the scratch must hold at least 2 elements", nameof(scratch));
        for (int at = 0; at < acc.Length; at += chunk)
        {
            int len = Math.Min(chunk, acc.Length - at);
            AddChunk(acc.Slice(at, len), add.Slice(at, len), scratch);
        }
    }

    /// <summary>
    /// <see cref="AddChunk"/> with the independent products eight at a time (<see cref="FqBatch"/>: vector lanes, or scalar
    /// products that do not wait for each other; with the AVX2 or AVX-512 kernel AddChunk takes the limb form instead): the batch
    /// inversion as eight interleaved chains, then λ, λ² and λ·(x_a − x3). Same special cases, same resulting points.
    /// </summary>
    private static void AddChunkVector(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add)
    {
        int n = acc.Length, n8 = (n + 7) & ~7;
        var pool = ArrayPool<Fq>.Shared.Rent(4 * n8);
        try
        {
            var den = pool.AsSpan(0, n8);
            var prefix = pool.AsSpan(n8, n8);
            var num = pool.AsSpan(2 * n8, n8);
            var inv = pool.AsSpan(3 * n8, n8);
            for (int i = 0; i < n; i++)
            {
                ref readonly var a = ref acc[i];
                ref readonly var p = ref add[i];
                if (a.IsInfinity || p.IsInfinity) { den[i] = Fq.One; num[i] = Fq.Zero; } // no addition
                else if (a.X != p.X) { Fq.Sub(p.X, a.X, out den[i]); Fq.Sub(p.Y, a.Y, out num[i]); }
                else if (a.Y == p.Y) Msm.DoublingSlope(p, out den[i], out num[i]); // doubling
                else { den[i] = Fq.One; num[i] = Fq.Zero; } // P + (−P) = infinity
            }
            for (int i = n; i < n8; i++) { den[i] = Fq.One; num[i] = Fq.Zero; }
            FqBatch.InverseEach8(den, prefix, inv);
            FqBatch.Mul(num, inv, num);       // λ
            FqBatch.Mul(num, num, prefix);    // λ²
            for (int i = 0; i < n; i++)
            {
                ref readonly var a = ref acc[i];
                Fq.Sub(prefix[i], a.X, out var x3);
                Fq.Sub(x3, add[i].X, out den[i]);   // x3
                Fq.Sub(a.X, den[i], out inv[i]);    // x_a − x3
            }
            inv[n..].Clear();
            FqBatch.Mul(inv, num, inv);       // λ·(x_a − x3) = y3 + y_a
            for (int i = 0; i < n; i++)
            {
                ref var a = ref acc[i];
                ref readonly var p = ref add[i];
                if (p.IsInfinity) continue;
                if (a.IsInfinity) { a = p; continue; }
                if (a.X == p.X && a.Y != p.Y) { a = G1Affine.Infinity; continue; }
                Fq.Sub(inv[i], a.Y, out var y3);
                a = new G1Affine(den[i], y3);
            }
        }
        finally { ArrayPool<Fq>.Shared.Return(pool); }
    }

    /// <summary>
    /// <see cref="AddInPlace"/> for one chunk with ONE field inversion (Montgomery's trick, fused: the forward pass forms
    /// the denominators and their prefix products, the backward pass peels off each inverse and applies it).
    /// </summary>
    private static void AddChunk(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add, Span<Fq> scratch)
    {
        int n = acc.Length;
        if (n >= Msm.FlushVectorMin && Msm.UseVectorFlush)
        {
            var limbs = Msm.LimbFlushKind();
            if (limbs == FqBatch.Mul8Kernel.Avx512) AffineBatchAvx512.AddInPlace(acc, add);
            else if (limbs == FqBatch.Mul8Kernel.Avx2) AffineBatchAvx2.AddInPlace(acc, add);
            else AddChunkVector(acc, add);
            return;
        }
        var den = scratch[..n];
        var prefix = scratch.Slice(n, n);
        var run = Fq.One;
        for (int i = 0; i < n; i++)
        {
            ref readonly var a = ref acc[i];
            ref readonly var p = ref add[i];
            Fq d;
            if (a.IsInfinity || p.IsInfinity) d = Fq.One;          // no addition: the other operand is the sum
            else if (a.X != p.X) Fq.Sub(p.X, a.X, out d);
            else if (a.Y == p.Y) Fq.Double(p.Y, out d);            // doubling
            else d = Fq.One;                                       // P + (−P) = infinity
            den[i] = d;
            prefix[i] = run;
            Fq.Mul(run, d, out run);
        }
        Fq.InverseVartime(run, out run); // (d_0 ⋯ d_(n−1))⁻¹; every d_i ≠ 0
        for (int i = n - 1; i >= 0; i--)
        {
            Fq.Mul(run, prefix[i], out var inv); // d_i⁻¹
            Fq.Mul(run, den[i], out run);        // (d_0 ⋯ d_(i−1))⁻¹
            ref var a = ref acc[i];
            ref readonly var p = ref add[i];
            if (p.IsInfinity) continue;
            if (a.IsInfinity) { a = p; continue; }
            Fq lambda;
            if (a.X != p.X)
            {
                Fq.Sub(p.Y, a.Y, out var num);
                Fq.Mul(num, inv, out lambda);
            }
            else if (a.Y == p.Y)
            {
                Fq.Square(p.X, out var xx);
                Fq.Double(xx, out var num);
                Fq.Add(num, xx, out num);
                Fq.Mul(num, inv, out lambda);
            }
            else { a = G1Affine.Infinity; continue; }
            Fq.Square(lambda, out var x3);
            Fq.Sub(x3, a.X, out x3);
            Fq.Sub(x3, p.X, out x3);
            Fq.Sub(a.X, x3, out var y3);
            Fq.Mul(y3, lambda, out y3);
            Fq.Sub(y3, a.Y, out y3);
            a = new G1Affine(x3, y3);
        }
    }
}
