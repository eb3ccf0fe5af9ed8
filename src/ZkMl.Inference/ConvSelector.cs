using ZkMl.Algebra;

namespace ZkMl.Inference;

/// <summary>
/// The structured selectors of the conv and pooling proof (docs/protocol.md "Conv and pooling layers", docs/conv-design.md
/// §3–4), evaluated as multilinear extensions in O(bits · states) field operations by a bit-serial automaton, never by
/// summing over the image: the verifier's S̃ in Phase 2 (<see cref="Phase2Term.SelectorAt"/>) and Ĩ_N. Points are in
/// the project's bit order (coordinate 0 = the most significant index bit).
/// </summary>
internal static class ConvSelector
{
    /// <summary>
    /// S̃(r, σ, ρ) for S(y, u, d) = [y &lt; outSize]·[u &lt; inSize]·[u + pad = stride·y + d] over y ∈ {0,1}^|r|,
    /// u ∈ {0,1}^|σ|, d ∈ {0,1}^|ρ|: the MLE of one spatial dimension's convolution window selector.
    /// </summary>
    /// <remarks>
    /// The automaton reads bit j (least significant first) of y, u and d together; its state is the carry of
    /// u + pad − stride·y − d (bit j adds u_j + pad_j − d_j − stride·y_j, which must be even; the new carry is
    /// half of it) and two "less than so far" flags for y &lt; outSize and u &lt; inSize. Each variable sits at one
    /// bit position, so the MLE is the product of per-bit transfer matrices whose entries are sums of products of
    /// eq(coordinate, bit); positions past a variable's width read the constant 0.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">stride &lt; 1, pad &lt; 0 or a size &lt; 0.</exception>
    public static Fr Window(ReadOnlySpan<Fr> r, ReadOnlySpan<Fr> sigma, ReadOnlySpan<Fr> rho, int stride, int pad, int outSize, int inSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(pad);
        ArgumentOutOfRangeException.ThrowIfNegative(outSize);
        ArgumentOutOfRangeException.ThrowIfNegative(inSize);
        int width = Math.Max(Math.Max(r.Length, sigma.Length), Math.Max(rho.Length, Math.Max(Bits(pad), Math.Max(Bits(outSize), Bits(inSize)))));
        int n = width + Bits(stride) + 2;                        // enough for the carry to drain
        int cMin = -(stride + 2), cMax = 3, nc = cMax - cMin + 1; // the carry stays in [−(stride+1), 2]
        var state = new Fr[nc * 4];
        var next = new Fr[nc * 4];
        state[(0 - cMin) * 4] = Fr.One;                           // carry 0, both flags "not less"
        Span<Fr> wy = stackalloc Fr[2], wu = stackalloc Fr[2], wd = stackalloc Fr[2];
        for (int j = 0; j < n; j++)
        {
            BitWeights(r, j, wy);
            BitWeights(sigma, j, wu);
            BitWeights(rho, j, wd);
            int pj = (pad >> Math.Min(j, 30)) & 1, oj = (outSize >> Math.Min(j, 30)) & 1, ij = (inSize >> Math.Min(j, 30)) & 1;
            if (j >= 31) pj = oj = ij = 0;
            Array.Clear(next);
            for (int c = cMin; c <= cMax; c++)
                for (int f = 0; f < 4; f++)
                {
                    var w = state[(c - cMin) * 4 + f];
                    if (w.IsZero) continue;
                    bool ltY = (f & 1) != 0, ltU = (f & 2) != 0;
                    for (int yb = 0; yb < 2; yb++)
                    {
                        if (wy[yb].IsZero) continue;
                        for (int ub = 0; ub < 2; ub++)
                        {
                            if (wu[ub].IsZero) continue;
                            for (int db = 0; db < 2; db++)
                            {
                                if (wd[db].IsZero) continue;
                                int t = c + ub + pj - db - stride * yb;
                                if ((t & 1) != 0) continue;
                                int c2 = t >> 1;
                                if (c2 < cMin || c2 > cMax) throw new InvalidOperationException("carry out of range (automaton bug)");
                                bool ly = yb < oj || (yb == oj && ltY), lu = ub < ij || (ub == ij && ltU);
                                int idx = (c2 - cMin) * 4 + (ly ? 1 : 0) + (lu ? 2 : 0);
                                next[idx] += w * wy[yb] * wu[ub] * wd[db];
                            }
                        }
                    }
                }
            (state, next) = (next, state);
        }
        return state[(0 - cMin) * 4 + 3];                          // carry 0, y < outSize, u < inSize
    }

    /// <summary>
    /// Σ_{d &lt; dCount} S̃(r, σ, bits(d)) (Boolean d): the pooling window selector P̃(r, σ) of one dimension in one automaton
    /// run, O(bits · states), whatever the window size. The d track is summed (both bit values with weight 1) and a third
    /// flag compares d with <paramref name="dCount"/> like y and u with their sizes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">stride &lt; 1, pad &lt; 0 or a size &lt; 0.</exception>
    public static Fr WindowSum(ReadOnlySpan<Fr> r, ReadOnlySpan<Fr> sigma, int dCount, int stride, int pad, int outSize, int inSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(pad);
        ArgumentOutOfRangeException.ThrowIfNegative(dCount);
        ArgumentOutOfRangeException.ThrowIfNegative(outSize);
        ArgumentOutOfRangeException.ThrowIfNegative(inSize);
        int dBits = Bits(dCount);
        int width = Math.Max(Math.Max(r.Length, sigma.Length), Math.Max(dBits, Math.Max(Bits(pad), Math.Max(Bits(outSize), Bits(inSize)))));
        int n = width + Bits(stride) + 2;
        int cMin = -(stride + 2), cMax = 3, nc = cMax - cMin + 1;
        var state = new Fr[nc * 8];
        var next = new Fr[nc * 8];
        state[(0 - cMin) * 8] = Fr.One;
        Span<Fr> wy = stackalloc Fr[2], wu = stackalloc Fr[2];
        for (int j = 0; j < n; j++)
        {
            BitWeights(r, j, wy);
            BitWeights(sigma, j, wu);
            int dMax = j < dBits ? 1 : 0;                         // d's bits past its width are 0
            int pj = j < 31 ? (pad >> j) & 1 : 0, oj = j < 31 ? (outSize >> j) & 1 : 0, ij = j < 31 ? (inSize >> j) & 1 : 0, kj = j < 31 ? (dCount >> j) & 1 : 0;
            Array.Clear(next);
            for (int c = cMin; c <= cMax; c++)
                for (int f = 0; f < 8; f++)
                {
                    var w = state[(c - cMin) * 8 + f];
                    if (w.IsZero) continue;
                    bool ltY = (f & 1) != 0, ltU = (f & 2) != 0, ltD = (f & 4) != 0;
                    for (int yb = 0; yb < 2; yb++)
                    {
                        if (wy[yb].IsZero) continue;
                        for (int ub = 0; ub < 2; ub++)
                        {
                            if (wu[ub].IsZero) continue;
                            var wyu = w * wy[yb] * wu[ub];
                            for (int db = 0; db <= dMax; db++)
                            {
                                int t = c + ub + pj - db - stride * yb;
                                if ((t & 1) != 0) continue;
                                int c2 = t >> 1;
                                if (c2 < cMin || c2 > cMax) throw new InvalidOperationException("carry out of range (automaton bug)");
                                bool ly = yb < oj || (yb == oj && ltY), lu = ub < ij || (ub == ij && ltU), ld = db < kj || (db == kj && ltD);
                                next[(c2 - cMin) * 8 + (ly ? 1 : 0) + (lu ? 2 : 0) + (ld ? 4 : 0)] += wyu;
                            }
                        }
                    }
                }
            (state, next) = (next, state);
        }
        return state[(0 - cMin) * 8 + 7];                          // carry 0, y < outSize, u < inSize, d < dCount
    }

    /// <summary>
    /// Σ_{y &lt; n} eq(a, y)·eq(b, y) over y ∈ {0,1}^|a| (|a| = |b|): the MLE at b of the table y ↦ eq(a, y)·[y &lt; n], in O(|a|)
    /// (the "less than" automaton of <see cref="LessThan"/> with the per-bit weights (1 − a_j)(1 − b_j), a_j·b_j).
    /// </summary>
    public static Fr PairLessThan(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, long n)
    {
        if (a.Length != b.Length) throw new ArgumentException("points of different lengths");
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Fr less = Fr.Zero, notLess = Fr.One;
        bool all = n >= 1L << Math.Min(a.Length, 62);
        for (int j = 0; j < a.Length; j++)
        {
            var x = a[a.Length - 1 - j];
            var z = b[b.Length - 1 - j];
            Fr w1 = x * z, w0 = (Fr.One - x) * (Fr.One - z);   // eq(x, bit)·eq(z, bit) for bit 1 and 0
            if (all) { notLess *= w0 + w1; continue; }
            int nj = j < 62 ? (int)((n >> j) & 1) : 0;
            Fr l2 = nj == 1 ? w0 * (less + notLess) + w1 * less : w0 * less;
            Fr n2 = nj == 1 ? w1 * notLess : w0 * notLess + w1 * (less + notLess);
            less = l2;
            notLess = n2;
        }
        return all ? notLess : less;
    }

    /// <summary>eq(a, y)·eq(b, y) at one Boolean y (|a| = |b| bits, coordinate 0 = the most significant bit).</summary>
    public static Fr PairAt(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, long y)
    {
        var v = Fr.One;
        for (int j = 0; j < a.Length; j++)
        {
            bool bit = ((y >> (a.Length - 1 - j)) & 1) != 0;
            v *= bit ? a[j] * b[j] : (Fr.One - a[j]) * (Fr.One - b[j]);
        }
        return v;
    }

    /// <summary>Ĩ_n(r): the MLE of [y &lt; n] over y ∈ {0,1}^|r| (two states: "less than so far").</summary>
    public static Fr LessThan(ReadOnlySpan<Fr> r, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (n >= 1L << Math.Min(r.Length, 62)) return Fr.One;   // every y is below n
        Fr less = Fr.Zero, notLess = Fr.One;
        Span<Fr> w = stackalloc Fr[2];
        for (int j = 0; j < r.Length; j++)
        {
            BitWeights(r, j, w);
            int nj = (n >> j) & 1;
            // bit 0 vs n_j = 1: less; bit 1 vs n_j = 0: not less; equal bits keep the flag.
            Fr l2 = nj == 1 ? w[0] * (less + notLess) + w[1] * less : w[0] * less;
            Fr n2 = nj == 1 ? w[1] * notLess : w[0] * notLess + w[1] * (less + notLess);
            less = l2;
            notLess = n2;
        }
        return less;
    }

    /// <summary>The same MLE by the direct sum over the satisfying (y, d) pairs: the oracle of the tests.</summary>
    public static Fr WindowBySum(ReadOnlySpan<Fr> r, ReadOnlySpan<Fr> sigma, ReadOnlySpan<Fr> rho, int stride, int pad, int outSize, int inSize)
    {
        var er = ZkMl.Proofs.Polynomials.Eq.Table(r);
        var es = ZkMl.Proofs.Polynomials.Eq.Table(sigma);
        var ed = ZkMl.Proofs.Polynomials.Eq.Table(rho);
        Fr sum = Fr.Zero;
        for (int y = 0; y < er.Length; y++)
        {
            if (y >= outSize) continue;
            for (int d = 0; d < ed.Length; d++)
            {
                long u = (long)stride * y + d - pad;
                if (u < 0 || u >= inSize || u >= es.Length) continue;
                sum += er[y] * ed[d] * es[u];
            }
        }
        return sum;
    }

    /// <summary>eq(coordinate, 0) and eq(coordinate, 1) of bit position j (LSB = 0) of a point; (1, 0) past its width.</summary>
    private static void BitWeights(ReadOnlySpan<Fr> point, int j, Span<Fr> w)
    {
        if (j >= point.Length) { w[0] = Fr.One; w[1] = Fr.Zero; return; }
        var x = point[point.Length - 1 - j];
        w[0] = Fr.One - x;
        w[1] = x;
    }

    private static int Bits(int v) => v <= 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)v);
}
