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
