using ZkMl.Algebra;

namespace ZkMl.Proofs.Polynomials;

/// <summary>
/// Loops of independent Fr products that the batched openings' provers run over whole tables (the weight tables, the
/// round terms, the joint vector), with the products eight at a time through <see cref="FrBatch.Mul8"/> when it is
/// vectorized; each has a scalar twin (<c>…Scalar</c>, one <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/> per product) that
/// gives the same limbs (<c>ProductKernelTests</c>). Sums are taken in index order in both, so the results are equal,
/// not only congruent.
/// </summary>
internal static class ProductKernels
{
    /// <summary>dst[i] += x·src[i] for every i (dst may not overlap src except at the same start).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    internal static void AddScaled(ReadOnlySpan<Fr> src, in Fr x, Span<Fr> dst)
    {
        int n = src.Length;
        if (dst.Length != n) throw new ArgumentException($"scaled addition needs equal lengths: src {n}, dst {dst.Length}", nameof(dst));
        int i = 0;
        if (FrBatch.IsVectorized && n >= 8)
        {
            Span<Fr> t = stackalloc Fr[8];
            Span<Fr> xb = stackalloc Fr[8];
            xb.Fill(x);
            for (; i + 8 <= n; i += 8)
            {
                src.Slice(i, 8).CopyTo(t);
                FrBatch.Mul8(ref t[0], ref xb[0], ref t[0]);
                for (int l = 0; l < 8; l++) Fr.Add(dst[i + l], t[l], out dst[i + l]);
            }
        }
        for (; i < n; i++)
        {
            Fr.Mul(src[i], x, out var t);
            Fr.Add(dst[i], t, out dst[i]);
        }
    }

    /// <summary>The scalar twin of <see cref="AddScaled"/>.</summary>
    internal static void AddScaledScalar(ReadOnlySpan<Fr> src, in Fr x, Span<Fr> dst)
    {
        if (dst.Length != src.Length) throw new ArgumentException($"scaled addition needs equal lengths: src {src.Length}, dst {dst.Length}", nameof(dst));
        for (int i = 0; i < src.Length; i++)
        {
            Fr.Mul(src[i], x, out var t);
            Fr.Add(dst[i], t, out dst[i]);
        }
    }

    /// <summary>
    /// The round terms of a product e·p bound at index bit 0, over the pairs j ∈ [lo, hi): c0 = Σ e[2j]·p[2j] and
    /// c2 = Σ (e[2j+1] − e[2j])·(p[2j+1] − p[2j]) (the values at X = 0 and the X² coefficient).
    /// </summary>
    /// <exception cref="ArgumentException">A table is shorter than 2·hi.</exception>
    internal static void PairProducts(ReadOnlySpan<Fr> e, ReadOnlySpan<Fr> p, int lo, int hi, out Fr c0, out Fr c2)
    {
        CheckPairs(e, p, lo, hi);
        var a0 = Fr.Zero; var a2 = Fr.Zero;
        int j = lo;
        if (FrBatch.IsVectorized && hi - lo >= 8)
        {
            Span<Fr> e0 = stackalloc Fr[8];
            Span<Fr> p0 = stackalloc Fr[8];
            Span<Fr> de = stackalloc Fr[8];
            Span<Fr> dp = stackalloc Fr[8];
            for (; j + 8 <= hi; j += 8)
            {
                for (int l = 0; l < 8; l++)
                {
                    int k = 2 * (j + l);
                    e0[l] = e[k];
                    p0[l] = p[k];
                    Fr.Sub(e[k + 1], e[k], out de[l]);
                    Fr.Sub(p[k + 1], p[k], out dp[l]);
                }
                FrBatch.Mul8(ref e0[0], ref p0[0], ref e0[0]);
                FrBatch.Mul8(ref de[0], ref dp[0], ref de[0]);
                for (int l = 0; l < 8; l++)
                {
                    Fr.Add(a0, e0[l], out a0);
                    Fr.Add(a2, de[l], out a2);
                }
            }
        }
        AddPairsScalar(e, p, j, hi, ref a0, ref a2);
        c0 = a0; c2 = a2;
    }

    /// <summary>The scalar twin of <see cref="PairProducts"/>.</summary>
    internal static void PairProductsScalar(ReadOnlySpan<Fr> e, ReadOnlySpan<Fr> p, int lo, int hi, out Fr c0, out Fr c2)
    {
        CheckPairs(e, p, lo, hi);
        var a0 = Fr.Zero; var a2 = Fr.Zero;
        AddPairsScalar(e, p, lo, hi, ref a0, ref a2);
        c0 = a0; c2 = a2;
    }

    /// <summary>The pairs [lo, hi) one product at a time (the scalar twin, and the vector path's tail), added to a0, a2.</summary>
    private static void AddPairsScalar(ReadOnlySpan<Fr> e, ReadOnlySpan<Fr> p, int lo, int hi, ref Fr a0, ref Fr a2)
    {
        for (int j = lo; j < hi; j++)
        {
            Fr.Mul(e[2 * j], p[2 * j], out var t);
            Fr.Add(a0, t, out a0);
            Fr.Sub(e[2 * j + 1], e[2 * j], out var d1);
            Fr.Sub(p[2 * j + 1], p[2 * j], out var d2);
            Fr.Mul(d1, d2, out t);
            Fr.Add(a2, t, out a2);
        }
    }

    private static void CheckPairs(ReadOnlySpan<Fr> e, ReadOnlySpan<Fr> p, int lo, int hi)
    {
        if (lo < 0 || hi < lo || e.Length < 2L * hi || p.Length < 2L * hi)
            throw new ArgumentException($"pairs [{lo}, {hi}) need {2L * hi} entries; the tables have {e.Length} and {p.Length}", nameof(hi));
    }
}
