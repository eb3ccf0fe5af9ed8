using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>
/// The batch-affine bucket additions of <see cref="Msm"/> with every field operation in four-lane AVX2 vectors of nine 29-bit
/// limbs (the radix of <see cref="Mont29Avx2{TModulus}"/>): the four operands of four additions are converted once, the
/// batch inversion, λ, λ², x3 and y3 run in the limb form, and only x3 and y3 are converted back. The eight-lane flush
/// (<see cref="FqBatch.Mul8"/> per product) converted both operands and the result of each of the six products per addition and
/// did the six subtractions with scalar limbs.
/// </summary>
/// <remarks>
/// <para>
/// Values in limb form are nine vectors (limb i of lanes 0…3 in vector i), each limb below 2^29 after normalisation. The
/// bounds that keep every step exact: the product <see cref="Mul"/> takes a &lt; 2p and b &lt; 2p and returns a value below 2p
/// congruent to a·b·2^−256 (its column sums are those of <see cref="Mont29Avx2{TModulus}"/>, and a·b·2^5 &lt; 4p²·2^5 &lt; p·2^261
/// because 4p &lt; 2^256, so (a·b·2^5 + m·p) / 2^261 &lt; 2p), so products feed products without a reduction. <see cref="SubAddP"/>
/// returns a − b + p for normalised a (any value below 2^260) and canonical b: differences of canonical values are below 2p,
/// λ² − x_q − x_p + 2p stays below 4p and λ·(x_q − x3) − y_q + p below 3p, and <see cref="CondSubP"/> (three and two times)
/// makes x3 and y3 canonical.
/// </para>
/// <para>
/// A pair with equal x (a doubling, or opposite points whose sum is infinity) gets its denominator and numerator from the scalar
/// formulas (2y and 3x², or 1 and 0), patched into its lane; the padding lanes of a last group of fewer than four take 1 and 0
/// and are not written back. The results are canonical, so every bucket ends with the limbs the scalar flush gives.
/// </para>
/// </remarks>
internal static class AffineBatchAvx2
{
    private const ulong Mask29 = (1UL << 29) - 1;

    /// <summary>Vectors per value (nine 29-bit limbs).</summary>
    private const int L = 9;

    /// <summary>Whether the CPU runs this path (AVX2).</summary>
    internal static bool IsSupported => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Scratch vectors <see cref="Flush"/> needs for <paramref name="count"/> additions.</summary>
    internal static int ScratchLength(int count) => 3 * L * ((count + 3) / 4);

    /// <summary>
    /// bucket[pendIdx[k]] += pendPt[k] (or pendPt[pendIdx[k]] when <paramref name="pointsByBucket"/>) for k &lt; count
    /// (distinct buckets, none infinity, no pending point infinity), and busy[pendIdx[k]] cleared unless busy is empty.
    /// <paramref name="scratch"/> holds at least <see cref="ScratchLength"/> vectors.
    /// </summary>
    internal static void Flush(Span<G1Affine> bucket, Span<bool> busy, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt,
        bool pointsByBucket, int count, Vector256<ulong>[] scratch)
    {
        int groups = (count + 3) / 4;
        // Per group g: the denominators at 27g, the numerators at 27g + 9, the prefix products at 27g + 18.
        Span<Vector256<ulong>> t = stackalloc Vector256<ulong>[5 * L];
        ref var xq = ref t[0];
        ref var yq = ref t[L];
        ref var xp = ref t[2 * L];
        ref var yp = ref t[3 * L];
        ref var w = ref t[4 * L];
        ref var s0 = ref scratch[0];
        var one = Fq.One;
        for (int g = 0; g < groups; g++)
        {
            ref var den = ref Unsafe.Add(ref s0, 3 * L * g);
            ref var num = ref Unsafe.Add(ref den, L);
            int k0 = 4 * g;
            Load(bucket, pendIdx, pendPt, pointsByBucket, k0, count, ref xq, ref yq, ref xp, ref yp);
            SubAddP(ref xp, ref xq, ref den);
            SubAddP(ref yp, ref yq, ref num);
            for (int l = 0; l < 4; l++)
            {
                int k = k0 + l;
                if (k >= count) { SetLane(ref den, l, one); SetLane(ref num, l, default); continue; }
                ref readonly var q = ref bucket[pendIdx[k]];
                ref readonly var p = ref pendPt[pointsByBucket ? pendIdx[k] : k];
                if (!Msm.SameX(q, p)) continue;
                if (q.Y == p.Y)
                {
                    Msm.DoublingSlope(p, out var d, out var nn);
                    SetLane(ref den, l, d);
                    SetLane(ref num, l, nn);
                }
                else { SetLane(ref den, l, one); SetLane(ref num, l, default); } // opposite points: infinity
            }
        }

        // Montgomery's trick as four lane chains: prefix[g] = Π_(g' < g) den[g'].
        ref var pre0 = ref Unsafe.Add(ref s0, 2 * L);
        for (int i = 0; i < L; i++) Unsafe.Add(ref pre0, i) = Vector256.Create(LimbOf(one, i));
        for (int g = 1; g < groups; g++)
            Mul(ref Unsafe.Add(ref s0, 3 * L * (g - 1) + 2 * L), ref Unsafe.Add(ref s0, 3 * L * (g - 1)), ref Unsafe.Add(ref s0, 3 * L * g + 2 * L));
        ref var acc = ref w;
        Mul(ref Unsafe.Add(ref s0, 3 * L * (groups - 1) + 2 * L), ref Unsafe.Add(ref s0, 3 * L * (groups - 1)), ref acc);
        CondSubP(ref acc);
        InvertLanes(ref acc);

        Span<Vector256<ulong>> u = stackalloc Vector256<ulong>[3 * L];
        ref var inv = ref u[0];
        ref var lambda = ref u[L];
        ref var sq = ref u[2 * L];
        for (int g = groups - 1; g >= 0; g--)
        {
            ref var den = ref Unsafe.Add(ref s0, 3 * L * g);
            ref var num = ref Unsafe.Add(ref den, L);
            ref var pre = ref Unsafe.Add(ref den, 2 * L);
            Mul(ref acc, ref pre, ref inv);   // den⁻¹
            Mul(ref acc, ref den, ref acc);   // (Π_(g' < g) den)⁻¹
            Mul(ref num, ref inv, ref lambda); // λ
            Mul(ref lambda, ref lambda, ref sq);
            int k0 = 4 * g;
            Load(bucket, pendIdx, pendPt, pointsByBucket, k0, count, ref xq, ref yq, ref xp, ref Unsafe.NullRef<Vector256<ulong>>());
            // x3 = λ² − x_q − x_p (λ² below 2p: the sum below 4p, then canonical); x_q − x3 + p; y3 = λ·(x_q − x3) − y_q
            // (below 3p, then canonical). The products' values stay below 2p, which is all their inputs need.
            SubAddP(ref sq, ref xq, ref sq);
            SubAddP(ref sq, ref xp, ref sq);
            CondSubP(ref sq);
            CondSubP(ref sq);
            CondSubP(ref sq);
            SubAddP(ref xq, ref sq, ref inv);
            Mul(ref inv, ref lambda, ref inv);
            SubAddP(ref inv, ref yq, ref inv);
            CondSubP(ref inv);
            CondSubP(ref inv);
            Store(bucket, busy, pendIdx, pendPt, pointsByBucket, k0, count, ref sq, ref inv);
        }
    }

    /// <summary>
    /// acc[i] += add[i] for every i (either may be infinity) with the limb-form additions: the pairs with an operand at infinity
    /// are settled first, the others go through <see cref="Flush"/> as one batch.
    /// </summary>
    internal static void AddInPlace(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add)
    {
        int n = acc.Length;
        var idx = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        try
        {
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (add[i].IsInfinity) continue;
                if (acc[i].IsInfinity) { acc[i] = add[i]; continue; }
                idx[m++] = i;
            }
            if (m == 0) return;
            var scratch = System.Buffers.ArrayPool<Vector256<ulong>>.Shared.Rent(ScratchLength(m));
            try { Flush(acc, default, idx.AsSpan(0, m), add, true, m, scratch); }
            finally { System.Buffers.ArrayPool<Vector256<ulong>>.Shared.Return(scratch); }
        }
        finally { System.Buffers.ArrayPool<int>.Shared.Return(idx); }
    }

    /// <summary>
    /// The x and y of the bucket and the pending point of additions k0 … k0 + 3 in limb form (lanes past count repeat addition
    /// k0); <paramref name="yp"/> may be a null reference (not needed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(Span<G1Affine> bucket, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt, bool pointsByBucket,
        int k0, int count, ref Vector256<ulong> xq, ref Vector256<ulong> yq, ref Vector256<ulong> xp, ref Vector256<ulong> yp)
    {
        int i0 = pendIdx[k0], i1 = pendIdx[k0 + 1 < count ? k0 + 1 : k0], i2 = pendIdx[k0 + 2 < count ? k0 + 2 : k0], i3 = pendIdx[k0 + 3 < count ? k0 + 3 : k0];
        ref var q0 = ref Words(ref bucket[i0]);
        ref var q1 = ref Words(ref bucket[i1]);
        ref var q2 = ref Words(ref bucket[i2]);
        ref var q3 = ref Words(ref bucket[i3]);
        if (!pointsByBucket)
        {
            i0 = k0; i1 = k0 + 1 < count ? k0 + 1 : k0; i2 = k0 + 2 < count ? k0 + 2 : k0; i3 = k0 + 3 < count ? k0 + 3 : k0;
        }
        ref var p0 = ref Words(ref Unsafe.AsRef(in pendPt[i0]));
        ref var p1 = ref Words(ref Unsafe.AsRef(in pendPt[i1]));
        ref var p2 = ref Words(ref Unsafe.AsRef(in pendPt[i2]));
        ref var p3 = ref Words(ref Unsafe.AsRef(in pendPt[i3]));
        ToLimbs(ref q0, ref q1, ref q2, ref q3, 0, ref xq);
        ToLimbs(ref q0, ref q1, ref q2, ref q3, 4, ref yq);
        ToLimbs(ref p0, ref p1, ref p2, ref p3, 0, ref xp);
        if (!Unsafe.IsNullRef(ref yp)) ToLimbs(ref p0, ref p1, ref p2, ref p3, 4, ref yp);
    }

    /// <summary>Writes (x3, y3) into the buckets of additions k0 … min(k0 + 4, count) − 1 (infinity for opposite points) and frees them.</summary>
    private static void Store(Span<G1Affine> bucket, Span<bool> busy, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt,
        bool pointsByBucket, int k0, int count, ref Vector256<ulong> x3, ref Vector256<ulong> y3)
    {
        FromLimbs(ref x3, out var x0, out var x1, out var x2, out var xl3);
        FromLimbs(ref y3, out var y0, out var y1, out var y2, out var yl3);
        int end = Math.Min(count, k0 + 4);
        for (int k = k0; k < end; k++)
        {
            int idx = pendIdx[k];
            ref var bq = ref bucket[idx];
            if (!busy.IsEmpty) busy[idx] = false;
            ref readonly var p = ref pendPt[pointsByBucket ? idx : k];
            if (Msm.SameX(bq, p) && bq.Y != p.Y) { bq = G1Affine.Infinity; continue; }
            ref var dst = ref Words(ref bq);
            var (xv, yv) = (k - k0) switch { 0 => (x0, y0), 1 => (x1, y1), 2 => (x2, y2), _ => (xl3, yl3) };
            xv.StoreUnsafe(ref dst);
            yv.StoreUnsafe(ref dst, 4);
        }
    }

    private static ref ulong Words(ref G1Affine p) => ref Unsafe.As<G1Affine, ulong>(ref p);

    /// <summary>Limb i (29 bits) of an element's stored (Montgomery) value.</summary>
    private static ulong LimbOf(in Fq e, int i)
    {
        int bit = 29 * i, word = bit >> 6, shift = bit & 63;
        ulong v = Word(e, word) >> shift;
        if (shift > 35 && word < 3) v |= Word(e, word + 1) << (64 - shift);
        return i == 8 ? v : v & Mask29;
    }

    private static ulong Word(in Fq e, int i) => i switch { 0 => e.L0, 1 => e.L1, 2 => e.L2, _ => e.L3 };

    /// <summary>Sets lane l of a limb-form value to an element's stored limbs (any value below 2^256; tests set values up to 2p).</summary>
    internal static void SetLane(ref Vector256<ulong> v, int l, in Fq e)
    {
        for (int i = 0; i < L; i++)
        {
            ref var limb = ref Unsafe.Add(ref v, i);
            limb = limb.WithElement(l, LimbOf(e, i));
        }
    }

    /// <summary>Lane l of a normalised limb-form value below 2^256, as an element's stored limbs (not reduced).</summary>
    internal static Fq GetLane(ref Vector256<ulong> v, int l)
    {
        Span<ulong> w = stackalloc ulong[4];
        for (int i = 0; i < L; i++)
        {
            ulong limb = Unsafe.Add(ref v, i).GetElement(l);
            int bit = 29 * i, word = bit >> 6, shift = bit & 63;
            w[word] |= limb << shift;
            if (shift > 35 && word < 3) w[word + 1] |= limb >> (64 - shift);
        }
        return new Fq(w[0], w[1], w[2], w[3]);
    }

    /// <summary>
    /// The limb form of the four elements at word offset <paramref name="at"/> (0: x, 4: y) of four points: transposed to
    /// limb-major 64-bit words, then cut into 29-bit limbs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ToLimbs(ref ulong e0, ref ulong e1, ref ulong e2, ref ulong e3, int at, ref Vector256<ulong> r)
    {
        Mont29Avx2<FqBatch.Modulus>.TransposeRows4(Vector256.LoadUnsafe(ref e0, (nuint)at), Vector256.LoadUnsafe(ref e1, (nuint)at),
            Vector256.LoadUnsafe(ref e2, (nuint)at), Vector256.LoadUnsafe(ref e3, (nuint)at),
            out var a0, out var a1, out var a2, out var a3);
        Mont29Avx2<FqBatch.Modulus>.Split29(a0, a1, a2, a3, out r, out Unsafe.Add(ref r, 1), out Unsafe.Add(ref r, 2), out Unsafe.Add(ref r, 3), out Unsafe.Add(ref r, 4),
            out Unsafe.Add(ref r, 5), out Unsafe.Add(ref r, 6), out Unsafe.Add(ref r, 7), out Unsafe.Add(ref r, 8));
    }

    /// <summary>Four canonical elements from limb form, each as the vector of its four 64-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FromLimbs(ref Vector256<ulong> t, out Vector256<ulong> e0, out Vector256<ulong> e1, out Vector256<ulong> e2, out Vector256<ulong> e3)
    {
        Mont29Avx2<FqBatch.Modulus>.Join29(t, Unsafe.Add(ref t, 1), Unsafe.Add(ref t, 2), Unsafe.Add(ref t, 3), Unsafe.Add(ref t, 4), Unsafe.Add(ref t, 5),
            Unsafe.Add(ref t, 6), Unsafe.Add(ref t, 7), Unsafe.Add(ref t, 8), out var w0, out var w1, out var w2, out var w3);
        Mont29Avx2<FqBatch.Modulus>.TransposeRows4(w0, w1, w2, w3, out e0, out e1, out e2, out e3);
    }

    /// <summary>
    /// r = a − b + p, normalised (r may be a or b). a: normalised limbs of any value below 2^260; b: canonical. Limb-wise with
    /// the constant K = p written with every limb below the top one raised by 2^29 − 1 (and the first by 2^29, the top lowered
    /// by 1), so that a_i + K_i − b_i ≥ 0 below the top limb; the top limb may reach −1 before the carries come in, and the
    /// total a − b + p &gt; 0 makes it non-negative after them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SubAddP(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> r)
    {
        const ulong Up = 1UL << 29;
        var m = Vector256.Create(Mask29);
        var d0 = a + Vector256.Create(FqBatch.Modulus.Q0 + Up) - b;
        var d1 = Unsafe.Add(ref a, 1) + Vector256.Create(FqBatch.Modulus.Q1 + Up - 1) - Unsafe.Add(ref b, 1) + (d0 >>> 29);
        var d2 = Unsafe.Add(ref a, 2) + Vector256.Create(FqBatch.Modulus.Q2 + Up - 1) - Unsafe.Add(ref b, 2) + (d1 >>> 29);
        var d3 = Unsafe.Add(ref a, 3) + Vector256.Create(FqBatch.Modulus.Q3 + Up - 1) - Unsafe.Add(ref b, 3) + (d2 >>> 29);
        var d4 = Unsafe.Add(ref a, 4) + Vector256.Create(FqBatch.Modulus.Q4 + Up - 1) - Unsafe.Add(ref b, 4) + (d3 >>> 29);
        var d5 = Unsafe.Add(ref a, 5) + Vector256.Create(FqBatch.Modulus.Q5 + Up - 1) - Unsafe.Add(ref b, 5) + (d4 >>> 29);
        var d6 = Unsafe.Add(ref a, 6) + Vector256.Create(FqBatch.Modulus.Q6 + Up - 1) - Unsafe.Add(ref b, 6) + (d5 >>> 29);
        var d7 = Unsafe.Add(ref a, 7) + Vector256.Create(FqBatch.Modulus.Q7 + Up - 1) - Unsafe.Add(ref b, 7) + (d6 >>> 29);
        var d8 = Unsafe.Add(ref a, 8) + Vector256.Create(FqBatch.Modulus.Q8 - 1) - Unsafe.Add(ref b, 8) + (d7 >>> 29);
        r = d0 & m;
        Unsafe.Add(ref r, 1) = d1 & m;
        Unsafe.Add(ref r, 2) = d2 & m;
        Unsafe.Add(ref r, 3) = d3 & m;
        Unsafe.Add(ref r, 4) = d4 & m;
        Unsafe.Add(ref r, 5) = d5 & m;
        Unsafe.Add(ref r, 6) = d6 & m;
        Unsafe.Add(ref r, 7) = d7 & m;
        Unsafe.Add(ref r, 8) = d8;
    }

    /// <summary>r = r − p where r ≥ p (normalised limbs, value below 2^260), else r unchanged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CondSubP(ref Vector256<ulong> r)
    {
        var t0 = r; var t1 = Unsafe.Add(ref r, 1); var t2 = Unsafe.Add(ref r, 2); var t3 = Unsafe.Add(ref r, 3); var t4 = Unsafe.Add(ref r, 4);
        var t5 = Unsafe.Add(ref r, 5); var t6 = Unsafe.Add(ref r, 6); var t7 = Unsafe.Add(ref r, 7); var t8 = Unsafe.Add(ref r, 8);
        Mont29Avx2<FqBatch.Modulus>.SubtractPOnce(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        r = t0;
        Unsafe.Add(ref r, 1) = t1; Unsafe.Add(ref r, 2) = t2; Unsafe.Add(ref r, 3) = t3; Unsafe.Add(ref r, 4) = t4;
        Unsafe.Add(ref r, 5) = t5; Unsafe.Add(ref r, 6) = t6; Unsafe.Add(ref r, 7) = t7; Unsafe.Add(ref r, 8) = t8;
    }

    /// <summary>
    /// r ≡ a·b·2^−256 (mod p), below 2p (not reduced: <see cref="CondSubP"/> makes it canonical), for a, b &lt; 2p in
    /// normalised limb form (r may be a or b): b enters shifted left by 5 bits (below 2^261), then the nine Montgomery rounds
    /// of radix 2^29 of <see cref="Mont29Avx2{TModulus}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Mul(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> r)
    {
        // a's limbs are read from memory in every round (vpmuludq's memory operand) rather than held in registers: with
        // nine column accumulators, nine limbs of a do not fit AVX2's sixteen registers, and the spills cost more than the loads.
        var m = Vector256.Create(Mask29);
        Vector256<ulong> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default, t8 = default;
        Round(((b << 5) & m), ref a, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        Round(((Unsafe.Add(ref b, 1) << 5) & m) | (b >>> 24), ref a, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0);
        Round(((Unsafe.Add(ref b, 2) << 5) & m) | (Unsafe.Add(ref b, 1) >>> 24), ref a, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1);
        Round(((Unsafe.Add(ref b, 3) << 5) & m) | (Unsafe.Add(ref b, 2) >>> 24), ref a, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2);
        Round(((Unsafe.Add(ref b, 4) << 5) & m) | (Unsafe.Add(ref b, 3) >>> 24), ref a, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3);
        Round(((Unsafe.Add(ref b, 5) << 5) & m) | (Unsafe.Add(ref b, 4) >>> 24), ref a, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(((Unsafe.Add(ref b, 6) << 5) & m) | (Unsafe.Add(ref b, 5) >>> 24), ref a, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5);
        Round(((Unsafe.Add(ref b, 7) << 5) & m) | (Unsafe.Add(ref b, 6) >>> 24), ref a, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6);
        Round((Unsafe.Add(ref b, 8) << 5) | (Unsafe.Add(ref b, 7) >>> 24), ref a, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7);

        Mont29Avx2<FqBatch.Modulus>.Normalize(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        r = t0;
        Unsafe.Add(ref r, 1) = t1; Unsafe.Add(ref r, 2) = t2; Unsafe.Add(ref r, 3) = t3; Unsafe.Add(ref r, 4) = t4;
        Unsafe.Add(ref r, 5) = t5; Unsafe.Add(ref r, 6) = t6; Unsafe.Add(ref r, 7) = t7; Unsafe.Add(ref r, 8) = t8;
    }

    /// <summary>
    /// One Montgomery round of <see cref="Mul"/> over the nine columns starting at <paramref name="c0"/> (the caller rotates
    /// them), with a's limbs read from memory: c += a·yi, mm = c0·(−p⁻¹) mod 2^29, c += mm·p, c0's carry moves into c1, c0 = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(Vector256<ulong> yi, ref Vector256<ulong> a,
        ref Vector256<ulong> c0, ref Vector256<ulong> c1, ref Vector256<ulong> c2, ref Vector256<ulong> c3, ref Vector256<ulong> c4,
        ref Vector256<ulong> c5, ref Vector256<ulong> c6, ref Vector256<ulong> c7, ref Vector256<ulong> c8)
    {
        var y = yi.AsUInt32();
        c0 += Avx2.Multiply(a.AsUInt32(), y);
        c1 += Avx2.Multiply(Unsafe.Add(ref a, 1).AsUInt32(), y);
        c2 += Avx2.Multiply(Unsafe.Add(ref a, 2).AsUInt32(), y);
        c3 += Avx2.Multiply(Unsafe.Add(ref a, 3).AsUInt32(), y);
        c4 += Avx2.Multiply(Unsafe.Add(ref a, 4).AsUInt32(), y);
        c5 += Avx2.Multiply(Unsafe.Add(ref a, 5).AsUInt32(), y);
        c6 += Avx2.Multiply(Unsafe.Add(ref a, 6).AsUInt32(), y);
        c7 += Avx2.Multiply(Unsafe.Add(ref a, 7).AsUInt32(), y);
        c8 += Avx2.Multiply(Unsafe.Add(ref a, 8).AsUInt32(), y);
        var mm = (Avx2.Multiply(c0.AsUInt32(), Vector256.Create(FqBatch.Modulus.Inv29).AsUInt32()) & Vector256.Create(Mask29)).AsUInt32();
        c0 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q0).AsUInt32());
        c1 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q1).AsUInt32());
        c2 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q2).AsUInt32());
        c3 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q3).AsUInt32());
        c4 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q4).AsUInt32());
        c5 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q5).AsUInt32());
        c6 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q6).AsUInt32());
        c7 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q7).AsUInt32());
        c8 += Avx2.Multiply(mm, Vector256.Create(FqBatch.Modulus.Q8).AsUInt32());
        c1 += c0 >>> 29;
        c0 = default;
    }

    /// <summary>v = v⁻¹ lane by lane (every lane non-zero): the four elements share one scalar inversion.</summary>
    private static void InvertLanes(ref Vector256<ulong> v)
    {
        FromLimbs(ref v, out var e0, out var e1, out var e2, out var e3);
        Span<Fq> lane = stackalloc Fq[4];
        e0.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref lane[0]));
        e1.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref lane[1]));
        e2.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref lane[2]));
        e3.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref lane[3]));
        FqBatch.InvertEachVartime(lane);
        for (int l = 0; l < 4; l++) SetLane(ref v, l, lane[l]);
    }
}
