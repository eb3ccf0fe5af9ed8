using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Inference;

/// <summary>
/// The conv and pooling parts of the inference proof (docs/protocol.md "Conv and pooling layers"): the prover's
/// tables of the Phase-1 term (T), the Phase-2 terms (the batch- and channel-folded input and the window selector
/// tables), the max-pool window differences D, and the verifier's closed-form selector values (by
/// <see cref="ConvSelector"/>: O(bits) per evaluation, O(kernel) evaluations per dimension for pooling).
/// Every tensor is in the padded layout [B'][C'][H'][W'] (docs/conv-design.md §2).
/// </summary>
internal static class SpatialProof
{
    /// <summary>The max-pool zero-check's point <paramref name="zc"/> extended by window slot (dy, dx): a point of the D segment (prover and verifier).</summary>
    public static Fr[] SlotPoint(ReadOnlySpan<Fr> zc, int dy, int dx, int wh, int ww)
    {
        var p = new Fr[zc.Length + wh + ww];
        zc.CopyTo(p);
        Eq.BooleanPoint(dy, wh).CopyTo(p, zc.Length);
        Eq.BooleanPoint(dx, ww).CopyTo(p, zc.Length + wh);
        return p;
    }

    /// <summary>
    /// The table u ↦ Σ_{y &lt; outSize} eqY[y]·Σ_{d &lt; dCount} dWeight[d]·[u = stride·y + d − pad, 0 ≤ u &lt; inSize] over
    /// 2^<paramref name="inBits"/> entries: S̃(r_y, u, ρ) with dWeight = eq(ρ, ·) (conv, all d &lt; 2^|ρ|), the pooling
    /// window sum with dWeight = 1 (d &lt; kh), or the max-pool slot weight eq(r_d, ·) (d &lt; kh).
    /// </summary>
    public static Fr[] SelectorTable(Fr[] eqY, int outSize, ReadOnlySpan<Fr> dWeight, int stride, int pad, int inSize, int inBits)
    {
        var t = new Fr[1 << inBits];
        for (int y = 0; y < outSize && y < eqY.Length; y++)
            for (int d = 0; d < dWeight.Length; d++)
            {
                int u = stride * y + d - pad;
                if (u < 0 || u >= inSize) continue;
                t[u] += eqY[y] * dWeight[d];
            }
        return t;
    }

    /// <summary>The verifier's S̃(r_y, σ, ·) weighted by <paramref name="dWeight"/> over d &lt; dWeight.Length (Boolean d): Σ_d w_d·S̃(r_y, σ, bits(d)).</summary>
    public static Fr SelectorSum(ReadOnlySpan<Fr> ry, ReadOnlySpan<Fr> sigma, ReadOnlySpan<Fr> dWeight, int dBits, int stride, int pad, int outSize, int inSize)
    {
        var acc = Fr.Zero;
        for (int d = 0; d < dWeight.Length; d++)
            if (!dWeight[d].IsZero) acc += dWeight[d] * ConvSelector.Window(ry, sigma, Eq.BooleanPoint(d, dBits), stride, pad, outSize, inSize);
        return acc;
    }

    /// <summary>eq(r, d) for d &lt; count (the first <paramref name="count"/> entries of the eq table).</summary>
    public static Fr[] EqPrefix(ReadOnlySpan<Fr> r, int count) => Eq.Table(r)[..count];

    /// <summary>All-ones weights (the pooling window sum).</summary>
    public static Fr[] Ones(int count)
    {
        var w = new Fr[count];
        Array.Fill(w, Fr.One);
        return w;
    }

    /// <summary>
    /// Σ_b eqB[b]·Σ_c eqC[c]·A[b, c, ·] over a row-major [rows × C'·hw] integer tensor: a table of hw entries
    /// (the (u, v) plane of the input at (r_b, r_c)); <paramref name="eqC"/> null keeps the channels (C'·hw entries).
    /// </summary>
    public static Fr[] Fold(long[] a, int rows, int rowLength, Fr[] eqB, Fr[]? eqC, int hw)
    {
        var byRow = new Fr[rowLength];
        for (int r = 0; r < rows; r++)
        {
            var w = eqB[r];
            if (w.IsZero) continue;
            long o = (long)r * rowLength;
            for (int i = 0; i < rowLength; i++)
                if (a[o + i] != 0) byRow[i] += w * Fr.FromInt64(a[o + i]);
        }
        if (eqC == null) return byRow;
        var t = new Fr[hw];
        int channels = rowLength / hw;
        for (int c = 0; c < channels; c++)
        {
            var w = eqC[c];
            if (w.IsZero) continue;
            for (int i = 0; i < hw; i++) t[i] += w * byRow[c * hw + i];
        }
        return t;
    }

    /// <summary>
    /// Phase 1's T(i, dy, dx) = Σ_{y &lt; H_out, x &lt; W_out} eq(r_y, y)·eq(r_x, x)·Ab[i, s_h·y + dy − p_top, s_w·x + dx − p_left]
    /// (zero outside the input) over [C_in'][kh'][kw'], from the batch-folded input Ab [C_in'][H_in'][W_in'].
    /// </summary>
    public static Fr[] ConvT(LayerKey lk, Fr[] ab, ReadOnlySpan<Fr> ry, ReadOnlySpan<Fr> rx)
    {
        var g = lk.Geometry!;
        var (ic, ih, iw) = lk.InBits;
        var (wh, ww) = lk.WindowBits;
        var eqY = Eq.Table(ry);
        var eqX = Eq.Table(rx);
        int kh = 1 << wh, kw = 1 << ww, hp = 1 << ih, wp = 1 << iw;
        var t = new Fr[(1 << ic) * kh * kw];
        // eq(r_y, y)·eq(r_x, x) per output position, then one multiply-add per (i, dy, dx, y, x) with an input entry
        for (int i = 0; i < g.InC; i++)
            for (int dy = 0; dy < kh; dy++)
                for (int dx = 0; dx < kw; dx++)
                {
                    var acc = Fr.Zero;
                    for (int y = 0; y < g.OutH; y++)
                    {
                        int u = g.StrideH * y + dy - g.PadTop;
                        if (u < 0 || u >= g.InH) continue;
                        var rowAcc = Fr.Zero;
                        int rowBase = (i * hp + u) * wp;
                        for (int x = 0; x < g.OutW; x++)
                        {
                            int v = g.StrideW * x + dx - g.PadLeft;
                            if (v < 0 || v >= g.InW) continue;
                            var e = ab[rowBase + v];
                            if (!e.IsZero) rowAcc += eqX[x] * e;
                        }
                        acc += eqY[y] * rowAcc;
                    }
                    t[(i * kh + dy) * kw + dx] = acc;
                }
        return t;
    }

    /// <summary>
    /// A max pool's window differences D [B'][C'][H_out'][W_out'][kh'][kw']: Y − A at each valid slot (real channel,
    /// real output, dy &lt; kh, dx &lt; kw, inside the input), 1 elsewhere.
    /// </summary>
    public static long[] WindowDifferences(LayerKey lk, long[] input, long[] y, int rows)
    {
        var g = lk.Geometry!;
        var (ic, ih, iw) = lk.InBits;
        var (oc, oh, ow) = lk.OutBits;
        var (wh, ww) = lk.WindowBits;
        int inRow = 1 << (ic + ih + iw), outRow = 1 << (oc + oh + ow), slots = 1 << (wh + ww);
        var d = new long[(long)rows * outRow * slots];
        Array.Fill(d, 1L);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < g.OutC; c++)
                for (int yy = 0; yy < g.OutH; yy++)
                    for (int xx = 0; xx < g.OutW; xx++)
                    {
                        long oi = (long)r * outRow + ((c << oh) + yy << ow) + xx;
                        long yv = y[oi];
                        for (int dy = 0; dy < g.KH; dy++)
                        {
                            int u = g.StrideH * yy + dy - g.PadTop;
                            if (u < 0 || u >= g.InH) continue;
                            for (int dx = 0; dx < g.KW; dx++)
                            {
                                int v = g.StrideW * xx + dx - g.PadLeft;
                                if (v < 0 || v >= g.InW) continue;
                                long av = input[(long)r * inRow + ((c << ih) + u << iw) + v];
                                d[oi * slots + (dy << ww) + dx] = yv - av;
                            }
                        }
                    }
        return d;
    }

    /// <summary>The indicator [c &lt; C]·[y &lt; H_out]·[x &lt; W_out] over [B'][C'][H_out'][W_out'] (the zero-check's I).</summary>
    public static Fr[] OutputIndicator(LayerKey lk, int rows)
    {
        var g = lk.Geometry!;
        var (oc, oh, ow) = lk.OutBits;
        int outRow = 1 << (oc + oh + ow);
        var t = new Fr[(long)rows * outRow];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < g.OutC; c++)
                for (int yy = 0; yy < g.OutH; yy++)
                    for (int xx = 0; xx < g.OutW; xx++)
                        t[(long)r * outRow + ((c << oh) + yy << ow) + xx] = Fr.One;
        return t;
    }

    /// <summary>Ĩ at (r_c, r_y, r_x): Ĩ_C(r_c)·Ĩ_{H_out}(r_y)·Ĩ_{W_out}(r_x).</summary>
    public static Fr OutputIndicatorAt(LayerKey lk, ReadOnlySpan<Fr> rc, ReadOnlySpan<Fr> ry, ReadOnlySpan<Fr> rx)
    {
        var g = lk.Geometry!;
        return ConvSelector.LessThan(rc, g.OutC) * ConvSelector.LessThan(ry, g.OutH) * ConvSelector.LessThan(rx, g.OutW);
    }

    /// <summary>
    /// The MLE of the slot validity of one dimension at (r_y, r_d): V̂ = Σ_{d &lt; k} eq(r_d, d)·Σ_u S(r_y, u, d), the inner
    /// hypercube sum as 2^{inBits}·S̃(r_y, ½…½, d) (S̃ is multilinear in u).
    /// </summary>
    public static Fr Validity(ReadOnlySpan<Fr> ry, ReadOnlySpan<Fr> rd, int k, int inBits, int stride, int pad, int outSize, int inSize)
    {
        var half = Fr.FromInt64(2).Inverse();
        var halves = new Fr[inBits];
        Array.Fill(halves, half);
        var scale = Fr.One;
        for (int j = 0; j < inBits; j++) scale += scale;
        return scale * SelectorSum(ry, halves, EqPrefix(rd, k), rd.Length, stride, pad, outSize, inSize);
    }

    /// <summary>The number of coordinates of a point split as (r_c, r_y, r_x) for a [C'][H'][W'] tensor.</summary>
    public static (Fr[] C, Fr[] Y, Fr[] X) Split(ReadOnlySpan<Fr> p, (int C, int H, int W) bits)
        => (p[..bits.C].ToArray(), p.Slice(bits.C, bits.H).ToArray(), p.Slice(bits.C + bits.H, bits.W).ToArray());

    /// <summary>True for a layer whose output is requantized and tabled (all but a max pool).</summary>
    public static bool HasTable(LayerKey lk) => lk.Kind != LayerKind.MaxPool;
}

/// <summary>What a Phase-2 term sums (docs/protocol.md "Conv and pooling layers").</summary>
internal enum Phase2Kind
{
    /// <summary>A conv layer: Σ_{u,v} Ã_{ℓ−1}(r_b, ρ_i, u, v)·S̃_h(r_y, u, ρ_y)·S̃_w(r_x, v, ρ_x) = τ_ℓ.</summary>
    Conv,
    /// <summary>A pool's window: Σ_{c,u,v} Ã_{ℓ−1}(r_b, c, u, v)·E_C(c)·P_h(u)·P_w(v) (average: = z_ℓ; max: the D consistency).</summary>
    PoolWindow,
    /// <summary>A max pool's Σ_{c,y,x} Ỹ_ℓ(r_b, c, y, x)·E_C(c)·W_h(y)·W_w(x) = the MLE of valid·Y at p_D (the prover's `mp_y` value).</summary>
    MaxY,
}

/// <summary>
/// One term of the Phase-2 sumcheck: Σ_x V(Prefix, x)·Sel(x) = Target over <see cref="Vars"/> variables, V the layer's input
/// (or, for <see cref="Phase2Kind.MaxY"/>, its output Y) and Sel a selector the verifier evaluates itself.
/// </summary>
internal sealed class Phase2Term(int layer, LayerKey key, Phase2Kind kind, Fr[] prefix, Fr target)
{
    public int Layer { get; } = layer;
    public LayerKey Key { get; } = key;
    public Phase2Kind Kind { get; } = kind;
    /// <summary>The opened vector's point before x: r_b (and ρ_i for a conv term).</summary>
    public Fr[] Prefix { get; } = prefix;
    public Fr Target { get; } = target;
    /// <summary>The layer whose A the term opens (−1: the public input X).</summary>
    public int OpenedLayer => Kind == Phase2Kind.MaxY ? Layer : Layer - 1;
    public Fr[] Rc { get; init; } = [];
    public Fr[] Ry { get; init; } = [];
    public Fr[] Rx { get; init; } = [];
    /// <summary>A conv layer's Phase-1 window points ρ_y, ρ_x.</summary>
    public Fr[]? RhoY { get; init; }
    public Fr[]? RhoX { get; init; }
    /// <summary>A pool's weights over d &lt; kh (eq(r_dy, d) for the max-pool slot), likewise over dx &lt; kw; unused when <see cref="WholeWindow"/>.</summary>
    public Fr[] WeightY { get; init; } = [];
    public Fr[] WeightX { get; init; } = [];
    /// <summary>The average pool's window: weight 1 for every d &lt; kh, dx &lt; kw (the verifier's selector is then one automaton run per dimension, <see cref="ConvSelector.WindowSum"/>, however large the window).</summary>
    public bool WholeWindow { get; init; }
    private Fr[] WY => WholeWindow ? SpatialProof.Ones(Key.Geometry!.KH) : WeightY;
    private Fr[] WX => WholeWindow ? SpatialProof.Ones(Key.Geometry!.KW) : WeightX;

    public int Vars => Kind switch { Phase2Kind.Conv => Key.WindowInVars, Phase2Kind.PoolWindow => Key.InVars, _ => Key.OutVars };

    /// <summary>E_C: c ↦ eq(r_c, c)·[c &lt; C] over C' entries.</summary>
    private Fr[] ChannelWeights()
    {
        var e = Eq.Table(Rc);
        for (int c = Key.Geometry!.OutC; c < e.Length; c++) e[c] = Fr.Zero;
        return e;
    }

    /// <summary>y ↦ eq(r_y, y)·Σ_{d &lt; k} w_d·[0 ≤ s·y + d − p &lt; inSize] for y &lt; outSize (0 beyond), over 2^|r_y| entries.</summary>
    private static Fr[] ValidWeights(Fr[] ry, Fr[] w, int stride, int pad, int outSize, int inSize)
    {
        var e = Eq.Table(ry);
        for (int y = 0; y < e.Length; y++)
        {
            if (y >= outSize) { e[y] = Fr.Zero; continue; }
            var v = Fr.Zero;
            for (int d = 0; d < w.Length; d++)
            {
                int u = stride * y + d - pad;
                if (u >= 0 && u < inSize) v += w[d];
            }
            e[y] *= v;
        }
        return e;
    }

    private static Fr[] Outer(Fr[] a, Fr[] b)
    {
        var t = new Fr[a.Length * b.Length];
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i].IsZero) continue;
            for (int j = 0; j < b.Length; j++) t[i * b.Length + j] = a[i] * b[j];
        }
        return t;
    }

    /// <summary>The prover's table of the selector.</summary>
    public Fr[] SelectorTable()
    {
        var g = Key.Geometry!;
        var (_, ih, iw) = Key.InBits;
        switch (Kind)
        {
            case Phase2Kind.Conv:
                return Outer(SpatialProof.SelectorTable(Eq.Table(Ry), g.OutH, Eq.Table(RhoY!), g.StrideH, g.PadTop, g.InH, ih),
                             SpatialProof.SelectorTable(Eq.Table(Rx), g.OutW, Eq.Table(RhoX!), g.StrideW, g.PadLeft, g.InW, iw));
            case Phase2Kind.PoolWindow:
                return Outer(ChannelWeights(), Outer(SpatialProof.SelectorTable(Eq.Table(Ry), g.OutH, WY, g.StrideH, g.PadTop, g.InH, ih),
                                                     SpatialProof.SelectorTable(Eq.Table(Rx), g.OutW, WX, g.StrideW, g.PadLeft, g.InW, iw)));
            default:
                return Outer(ChannelWeights(), Outer(ValidWeights(Ry, WY, g.StrideH, g.PadTop, g.OutH, g.InH),
                                                     ValidWeights(Rx, WX, g.StrideW, g.PadLeft, g.OutW, g.InW)));
        }
    }

    /// <summary>
    /// The MLE at σ of <see cref="ValidWeights"/> without its table: Σ_{y &lt; outSize} eq(r_y, y)·eq(σ, y)·v(y) with
    /// v(y) = Σ_{d &lt; k} w_d·[0 ≤ s·y + d − p &lt; inSize] is (Σ_d w_d)·Σ_{y &lt; outSize} eq(r_y, y)·eq(σ, y) (one automaton
    /// run) minus the few edge rows whose window leaves the input (s·y &lt; p at the top, s·y + k − 1 − p ≥ inSize at the
    /// bottom; fewer than k each since the pads are below the kernel): O(k·bits), no allocation of 2^|r_y| entries.
    /// </summary>
    private static Fr ValidAt(Fr[] ry, ReadOnlySpan<Fr> sigma, Fr[] w, int stride, int pad, int outSize, int inSize)
    {
        var full = Fr.Zero;
        foreach (var x in w) full += x;
        var acc = full * ConvSelector.PairLessThan(ry, sigma, outSize);
        int k = w.Length;
        long top = 0;
        for (; top < outSize && stride * top < pad; top++) acc -= ConvSelector.PairAt(ry, sigma, top) * (full - RowWeight(w, stride, pad, inSize, top));
        long first = Math.Max(top, ((long)inSize + pad - k + 1 + stride - 1) / stride);   // ⌈(inSize + p − k + 1)/s⌉
        for (long y = first; y < outSize; y++) acc -= ConvSelector.PairAt(ry, sigma, y) * (full - RowWeight(w, stride, pad, inSize, y));
        return acc;
    }

    private static Fr RowWeight(Fr[] w, int stride, int pad, int inSize, long y)
    {
        var v = Fr.Zero;
        for (int d = 0; d < w.Length; d++)
        {
            long u = stride * y + d - pad;
            if (u >= 0 && u < inSize) v += w[d];
        }
        return v;
    }

    /// <summary>
    /// The verifier's selector at σ: the conv and window selectors in closed form (<see cref="ConvSelector"/>, O(bits) per
    /// evaluation: kh + kw evaluations for a max-pool slot, one per dimension for the average pool's whole window); E_C and
    /// W_h, W_w also in O(bits) and O(kh·bits) (<see cref="ConvSelector.PairLessThan"/>, <see cref="ValidAt"/>): nothing of
    /// the size of the layer is allocated, whatever the key's geometry.
    /// </summary>
    public Fr SelectorAt(ReadOnlySpan<Fr> sigma)
    {
        var g = Key.Geometry!;
        var (wh, ww) = Key.WindowBits;
        if (Kind == Phase2Kind.Conv)
        {
            int ih = Key.InBits.H;
            return ConvSelector.Window(Ry, sigma[..ih], RhoY, g.StrideH, g.PadTop, g.OutH, g.InH)
                 * ConvSelector.Window(Rx, sigma[ih..], RhoX!, g.StrideW, g.PadLeft, g.OutW, g.InW);
        }
        int cb = Rc.Length;
        var ec = ConvSelector.PairLessThan(Rc, sigma[..cb], g.OutC);
        if (Kind == Phase2Kind.PoolWindow)
        {
            var (_, ih, _) = Key.InBits;
            var su = sigma.Slice(cb, ih);
            var sv = sigma[(cb + ih)..];
            if (WholeWindow)
                return ec * ConvSelector.WindowSum(Ry, su, g.KH, g.StrideH, g.PadTop, g.OutH, g.InH)
                          * ConvSelector.WindowSum(Rx, sv, g.KW, g.StrideW, g.PadLeft, g.OutW, g.InW);
            return ec * SpatialProof.SelectorSum(Ry, su, WeightY, wh, g.StrideH, g.PadTop, g.OutH, g.InH)
                      * SpatialProof.SelectorSum(Rx, sv, WeightX, ww, g.StrideW, g.PadLeft, g.OutW, g.InW);
        }
        var (_, oh, _) = Key.OutBits;
        return ec * ValidAt(Ry, sigma.Slice(cb, oh), WY, g.StrideH, g.PadTop, g.OutH, g.InH)
                  * ValidAt(Rx, sigma[(cb + oh)..], WX, g.StrideW, g.PadLeft, g.OutW, g.InW);
    }
}

/// <summary>
/// The max pools' `mp_y` values (one per max pool, ℓ = L−1 … 0), the Phase-2 sumcheck and the opened values
/// Ṽ(Prefix, σ) of its terms (the `cv` message).
/// </summary>
internal sealed record Phase2Proof(Fr[] YValues, ZkMl.Proofs.Sumcheck.SumcheckProof Sumcheck, Fr[] Values);

/// <summary>A max pool's product zero-check and D̃ at its point for each real window slot (the `mp` message).</summary>
internal sealed record MaxPoolProof(ZkMl.Proofs.Sumcheck.SumcheckProof ZeroCheck, Fr[] D);
