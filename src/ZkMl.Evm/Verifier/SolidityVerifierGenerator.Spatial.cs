using System.Globalization;
using System.Numerics;
using ZkMl.Compiler.Model;
using ZkMl.Inference;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// The generated verifier of keys with conv and pooling layers (docs/protocol.md "Conv and pooling layers"): the dense
/// protocol's lookups, matmul sumcheck (dense and conv Phase-1 terms) and batched opening, plus the Phase-2 sumcheck,
/// the max-pool zero-checks and their claims, step for step as <see cref="InferenceVerifier"/>. Kept apart from the dense
/// <c>Main</c> so that dense verifiers stay byte for byte as they are.
/// </summary>
public static partial class SolidityVerifierGenerator
{
    /// <summary>One 32-bit field of a spatial key's batch record.</summary>
    private readonly record struct Field(string Name, long Value);

    /// <summary>
    /// The batch record of a spatial key for 2^b rows: proof length, n, N1, N2, h_w, h_t, mult, then per layer ℓ &lt; T a tabled
    /// layer's W1 indices of A (ℓ &lt; H) and R_i and f indices of its activation and limb segments, a max pool's W1 indices of Y
    /// and D and the f index of D's range segment.
    /// </summary>
    private static List<Field> SpatialFields(Circuit c, int b)
    {
        var vk = c.Vk;
        var ks = vk.Shape;
        var bs = new BatchShape(vk, b);
        Layout w1 = bs.W1!, f = bs.F!, w2 = bs.W2!;
        long Idx(Layout lay, int item) => lay.Offset(item) >> lay.LogSize(item);
        var r = new List<Field>
        {
            new("proof length", ProofParts.Length(vk, bs, ProofParts.VectorCount(vk), ProofParts.OpeningVars(vk, bs))),
            new("n (f vars)", f.NumVars), new("N1 (W1 vars)", w1.NumVars), new("N2 (W2 vars)", w2.NumVars),
            new("h_w index", Idx(w2, 0)), new("h_t index", Idx(w2, 1)), new("mult index", Idx(w1, bs.MultItem)),
        };
        for (int l = 0; l < c.T; l++)
        {
            if (!ks.Tabled(l))
            {
                r.Add(new($"Y_{l} index", Idx(w1, bs.AItem[l])));
                r.Add(new($"D_{l} index", Idx(w1, bs.DItem[l])));
                r.Add(new($"f D_{l} index", Idx(f, bs.FD[l])));
                continue;
            }
            if (l < c.H) r.Add(new($"A_{l} index", Idx(w1, bs.AItem[l])));
            for (int i = 0; i < vk.Layers[l].Limbs; i++) r.Add(new($"R_{l},{i} index", Idx(w1, bs.RItem[l][i])));
            r.Add(new($"f act_{l} index", Idx(f, bs.FAct[l])));
            for (int i = 0; i < vk.Layers[l].Limbs; i++) r.Add(new($"f limb_{l},{i} index", Idx(f, bs.FLimb[l][i])));
        }
        return r;
    }

    /// <summary>The record field named <paramref name="name"/> (see <see cref="SpatialFields"/>).</summary>
    private static int SField(Circuit c, string name) => SpatialFields(c, 0).FindIndex(f => f.Name == name) is var i and >= 0 ? i : throw new InvalidOperationException($"no batch field {name}");

    /// <summary>One Phase-2 term as the generated code evaluates it (the same list as <c>InferenceProver.Phase2Terms</c>).</summary>
    private sealed record STerm(int Layer, LayerKey Key, string Kind, int Vars, int Opened);

    private static List<STerm> SpatialTerms(VerifyingKey vk)
    {
        var r = new List<STerm>();
        foreach (int l in vk.Shape.Phase2Layers)
        {
            var lk = vk.Layers[l];
            switch (lk.Kind)
            {
                case LayerKind.Conv: r.Add(new(l, lk, "conv", lk.WindowInVars, l - 1)); break;
                case LayerKind.AveragePool: r.Add(new(l, lk, "avg", lk.InVars, l - 1)); break;
                default:
                    r.Add(new(l, lk, "maxY", lk.OutVars, l));
                    r.Add(new(l, lk, "maxWin", lk.InVars, l - 1));
                    break;
            }
        }
        return r;
    }

    private static string SpatialMain(Circuit c)
    {
        var vk = c.Vk;
        var ks = vk.Shape;
        var y = new YulWriter();
        int L = c.L, H = c.H, T = c.T, m = c.TableVars, nm = vk.ModelVars;
        if (T < 1) throw new InvalidOperationException("a spatial key without lookups");
        var mm = Enumerable.Range(0, L).Reverse().Where(ks.InMatmul).ToArray();
        int iMax = ProofParts.MatmulVars(vk);
        var terms = SpatialTerms(vk);
        int n2 = terms.Max(t => t.Vars);
        var pools = ks.MaxPoolLayers.ToArray();
        string Slot(int w) => "0x" + (32 * w).ToString("x", CultureInfo.InvariantCulture);
        // ctx: words 0 … 19 as the dense verifier; per layer ℓ at 20 + 8ℓ: r_b, r_o (pointers), ρ (pointer), b(·), a or τ, w, z_ℓ;
        // then λ, λ₂, the Phase-2 point, the cv values (calldata), the mp_y values (calldata); per max pool k its zero-check point and D values
        string LSlot(int l, int k) => Slot(20 + 8 * l + k);
        int extra = 20 + 8 * L;
        string SLambda = Slot(extra), SLambda2 = Slot(extra + 1), SPt2 = Slot(extra + 2), SCv = Slot(extra + 3), SMpY = Slot(extra + 4);
        string SZc(int k) => Slot(extra + 5 + 2 * k);
        string SD(int k) => Slot(extra + 6 + 2 * k);
        // then the address of the selectors' eq-table memo buckets (eqMemo)
        string SMemo = Slot(extra + 5 + 2 * pools.Length);
        string Memo = $"add(ctx, {SMemo})";
        // then the calldata cursor where the first part (verifyFirstPart) stopped
        string SCursor = Slot(extra + 6 + 2 * pools.Length);
        int ctxWords = extra + 7 + 2 * pools.Length;
        string Q(string label) => VerifierTemplates.Literal(label);
        string Cols(int i) => $"calldataload(add(mload(add(ctx, {Slot(SlotCols)})), {32 * i}))";
        string Rw() => $"mload(add(ctx, {Slot(SlotRw)}))";

        // Ĩ_n and the channel factor at constant (k, n): straight-line functions, emitted at the end (LessThanFixed)
        var lessThans = new SortedSet<(bool Pair, int K, int N)>();
        string LT(string pt, int k, int n)
        {
            lessThans.Add((false, k, n));
            return $"lessThan{k}_{n}({pt})";
        }
        string PLT(string a, string sg, int k, int n)
        {
            lessThans.Add((true, k, n));
            return $"pairLessThan{k}_{n}({a}, {sg})";
        }

        y.Line(VerifierTemplates.SpatialCore.TrimEnd('\n').TrimStart(' '));
        y.Blank();
        // (the template's mleX needs these even when layer 0 is spatial and X̃ is mleXS: unused functions are not compiled)
        XChunk(y, vk);
        int xLo0 = Math.Min(BitOperations.Log2((uint)(32 / vk.XBytes)), vk.Layers[0].InVars);
        EqTableFixed(y, "eqTableXLo", xLo0);
        EqTableFixed(y, "eqTableXHi", vk.Layers[0].InVars - xLo0);
        // eqTableK(pt, k): the straight-line table for every k ≤ 5 a selector or X̃ uses, the core's loop otherwise
        var eqKs = new SortedSet<int>();
        foreach (var lk in vk.Layers.Where(l => l.IsSpatial))
        {
            eqKs.UnionWith([lk.OutBits.H, lk.OutBits.W, lk.InBits.H, lk.InBits.W, lk.WindowBits.H, lk.WindowBits.W]);
        }
        eqKs.RemoveWhere(k => k < 1 || k > 5);
        foreach (int k in eqKs) EqTableFixed(y, $"eqTableFixed{k}", k);
        y.Blank();
        y.Comment("eqTable(pt, k) (see there), straight-line for the k " + (eqKs.Count == 0 ? "(none)" : string.Join(", ", eqKs)));
        y.Open("function eqTableK(pt, k) -> t");
        if (eqKs.Count == 0) y.Line("t := eqTable(pt, k)");
        else
        {
            y.Line("switch k");
            foreach (int k in eqKs) y.Line($"case {k} {{ t := eqTableFixed{k}(pt) }}");
            y.Line("default { t := eqTable(pt, k) }");
        }
        y.Close();
        if (vk.Layers[0].IsSpatial) SpatialInput(y, vk, Memo);
        EqTableFixed(y, "eqTableOut", vk.Layers[^1].OutVars);
        y.Blank();
        y.Comment("Layers (0 = input side): " + string.Join("; ", vk.Layers.Select((l, i) => $"{i}: {l.Kind} 2^{l.InVars}→2^{l.OutVars}" + (l.Geometry is { } g ? $" [{g.InC}×{g.InH}×{g.InW}]→[{g.OutC}×{g.OutH}×{g.OutW}] k {g.KH}×{g.KW} s {g.StrideH},{g.StrideW} p {g.PadTop},{g.PadLeft}" : ""))));
        y.Comment("the first part (on NAMEFirstPart): the statement, the lookups, the matmul sumcheck, Phase 2; returns its memory");
        y.Open("function verifyFirstPart(pf, pfLen, pi, piWords, layouts)");
        y.Line($"let ctx := alloc({Slot(ctxWords)})");
        y.Line("let memo := alloc(0x800) // the 64 buckets of eqMemo, zeroed");
        y.Line("calldatacopy(memo, calldatasize(), 0x800)");
        y.Line($"mstore({Memo}, memo)");
        y.Line("decodeStatement(ctx, pi, piWords)");
        y.Line("let lay := add(layouts, mul(mload(add(ctx, 0x20)), BATCH_RECORD_BYTES))");
        y.Line("mstore(add(ctx, 0x40), lay)");
        y.Line("if iszero(eq(pfLen, layField(lay, 0))) { fail() }");
        y.Line("let g2 := alloc(0x100)");
        string[] g2n = ["G2_X_C1", "G2_X_C0", "G2_Y_C1", "G2_Y_C0", "TAU_G2_X_C1", "TAU_G2_X_C0", "TAU_G2_Y_C1", "TAU_G2_Y_C0"];
        for (int i = 0; i < 8; i++) y.Line($"mstore(add(g2, {Slot(i)}), {g2n[i]})");
        y.Line($"mstore(add(ctx, {Slot(SlotG2)}), g2)");
        bool split = vk.ModelParts.Count > 0;
        y.Line($"mstore(add(ctx, {Slot(SlotGroups)}), {(split ? "0" : "MODEL_X")})");
        y.Line($"mstore(add(ctx, {Slot(SlotGroups + 1)}), {(split ? "0" : "MODEL_Y")})");
        y.Line($"mstore(0x00, {Q(Protocol.Domain)})");
        y.Line("mstore(0x00, keccak256(0x00, 17))");
        y.Line($"trAbsorbWord({Q(Protocol.Labels.Vk)}, VK_DIGEST)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Io)}, pi, shl(5, piWords))");
        y.Line("let cd := lookups(ctx, pf)");
        y.Line("cd := layerPoints(ctx, cd)");
        y.Line("cd := matmul(ctx, cd)");
        y.Line("cd := phase2(ctx, cd)");
        FirstPartReturn(y, SCursor);

        y.Blank();
        y.Comment("the verifier: the first part on NAMEFirstPart (staticcall with this call's calldata under its selector), whose memory");
        y.Comment("becomes this call's memory; then the max-pool zero-checks, the claims and the batched opening");
        SecondPartEntry(y, SCursor);
        if (pools.Length > 0) y.Line("cd := maxPools(ctx, cd)");
        OpeningSplits(y, c, comments: false);
        y.Line("opening(ctx, cd, g2, splits)");
        y.Line("mstore(0x00, 1)");
        y.Line("return(0x00, 0x20)");
        y.Close();

        // ---- lookups: W1, W2, β, α, LogUp, cols, f(r_w), t(r_t)
        y.Blank();
        y.Comment($"W1, W2 commitments, β, α, LogUp (table 2^{m}), cols ({c.ColumnCount}), the filler hint; checks f(r_w) and t(r_t)");
        y.Open("function lookups(ctx, cd) -> cdOut");
        y.Line("g1Check(cd)");
        y.Line("g1Check(add(cd, 0x40))");
        y.Line($"calldatacopy(add(ctx, {Slot(SlotGroups + 2)}), cd, 0x80)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.W1)}, cd, 0x40)");
        y.Line($"mstore(add(ctx, {Slot(SlotBeta)}), trChallenge({Q(Protocol.Labels.Beta)}))");
        y.Line($"mstore(add(ctx, {Slot(SlotAlpha)}), trChallenge({Q(Protocol.Labels.Alpha)}))");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.W2)}, add(cd, 0x40), 0x40)");
        y.Line("let n := layField(mload(add(ctx, 0x40)), 1)");
        y.Line("let rw := alloc(shl(5, n))");
        y.Line($"let rt := alloc({32 * m})");
        y.Line("let lu := alloc(0xe0)");
        y.Line($"mstore(add(ctx, {Slot(SlotRw)}), rw)");
        y.Line($"mstore(add(ctx, {Slot(SlotRt)}), rt)");
        y.Line($"mstore(add(ctx, {Slot(SlotLu)}), lu)");
        y.Line($"cdOut := logUp(mload(add(ctx, {Slot(SlotAlpha)})), n, {m}, add(cd, 0x80), rw, rt, lu)");
        y.Line($"frRange(cdOut, {c.ColumnCount + 1})");
        y.Line($"mstore(add(ctx, {Slot(SlotCols)}), cdOut)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Cols)}, cdOut, {32 * c.ColumnCount})");
        y.Line("checkWitness(ctx)");
        y.Line("checkTable(ctx)");
        if (c.OutputTabled)
        {
            int cbo = ks.ColumnOffset[L - 1];
            y.Comment($"the output layer's A_{L - 1}(p_{L - 1}) in cols is the public output's MLE Ỹ at p_{L - 1}");
            y.Line($"if iszero(eq(calldataload(add(cdOut, {32 * (cbo + 1)})), mleY(ctx, add(rw, shl(5, sub(n, add(mload(add(ctx, 0x20)), {vk.Layers[^1].OutVars}))))))) {{ fail() }}");
        }
        y.Line($"cdOut := add(cdOut, {32 * c.ColumnCount + 32})");
        y.Close();

        y.Blank();
        y.Comment("f(r_w) = Σ_seg sel_seg(r_w)·(tag + β·col + β²·a) + (1 − Σ_seg sel_seg(r_w))·1; a max pool's D segment is (1, D, 0)");
        y.Open("function checkWitness(ctx)");
        y.Line("let lay := mload(add(ctx, 0x40))");
        y.Line("let b := mload(add(ctx, 0x20))");
        y.Line($"let rw := {Rw()}");
        y.Line("let n := layField(lay, 1)");
        y.Line($"let beta := mload(add(ctx, {Slot(SlotBeta)}))");
        y.Line($"let cols := mload(add(ctx, {Slot(SlotCols)}))");
        y.Line("let acc := 0");
        y.Line("let sels := 0");
        y.Line("let sel := 0");
        long covered = 0;
        for (int l = 0; l < T; l++)
        {
            var lk = vk.Layers[l];
            int cb = ks.ColumnOffset[l];
            int o = lk.OutVars;
            if (!ks.Tabled(l))
            {
                var (wh, ww) = lk.WindowBits;
                y.Comment($"max pool {l}: D's range segment (1, D_{l}, 0)");
                y.Line($"sel := selectorBits(rw, sub(n, add(b, {o + wh + ww})), layField(lay, {SField(c, $"f D_{l} index")}))");
                y.Line("sels := addmod(sels, sel, R_MOD)");
                y.Line($"acc := addmod(acc, mulmod(sel, addmod(1, mulmod(beta, calldataload(add(cols, {32 * cb})), R_MOD), R_MOD), R_MOD), R_MOD)");
                covered += 1L << (o + wh + ww);
                continue;
            }
            y.Comment($"layer {l}: activation segment (tag {l + 2}, Q_{l}, A_{l}), then {lk.Limbs} limb segments");
            y.Line($"sel := selectorBits(rw, sub(n, add(b, {o})), layField(lay, {SField(c, $"f act_{l} index")}))");
            y.Line("sels := addmod(sels, sel, R_MOD)");
            y.Line($"acc := addmod(acc, mulmod(sel, addmod({l + 2}, mulmod(beta, addmod(calldataload(add(cols, {32 * cb})), mulmod(beta, calldataload(add(cols, {32 * (cb + 1)})), R_MOD), R_MOD), R_MOD), R_MOD), R_MOD), R_MOD)");
            for (int i = 0; i < lk.Limbs; i++)
            {
                y.Line($"sel := selectorBits(rw, sub(n, add(b, {o})), layField(lay, {SField(c, $"f limb_{l},{i} index")}))");
                y.Line("sels := addmod(sels, sel, R_MOD)");
                y.Line($"acc := addmod(acc, mulmod(sel, addmod(1, mulmod(beta, calldataload(add(cols, {32 * (cb + 2 + i)})), R_MOD), R_MOD), R_MOD), R_MOD)");
            }
            covered += (1L + lk.Limbs) << o;
        }
        y.Line("acc := addmod(acc, frSub(1, sels), R_MOD)");
        y.Line($"let lu := mload(add(ctx, {Slot(SlotLu)}))");
        y.Line("if iszero(eq(acc, mload(add(lu, 0x60)))) { fail() }");
        y.Line($"let cf := calldataload(add(cols, {32 * c.ColumnCount}))");
        y.Line($"if iszero(eq(mulmod(cf, frSub(mload(add(ctx, {Slot(SlotAlpha)})), 1), R_MOD), 1)) {{ fail() }}");
        y.Line($"mstore(add(ctx, {Slot(SlotHwHalf)}), frSub(mload(lu), mulmod(cf, frSub(1, mulmod(shl(b, {covered}), inv2Pow(n), R_MOD)), R_MOD)))");
        y.Line($"mstore(add(ctx, {Slot(SlotHwRw)}), frSub(mload(add(lu, 0x40)), mulmod(cf, frSub(1, sels), R_MOD)))");
        y.Comment("N2 = n: h_t sits in h'_w's filler tail (BatchShape.HtInFiller), so W2 on h'_w's item is h'_w + sel_t·h_t and both");
        y.Comment("h'_w claims get h_t's share: 2^-(n−m)·h_t(½ᵐ), sel_t(r_w)·h_t(r_t) (r_t = r_w's last m coordinates)");
        y.Open("if eq(layField(lay, 3), n)");
        y.Line($"let k := sub(n, {m})");
        y.Line($"mstore(add(ctx, {Slot(SlotHwHalf)}), addmod(mload(add(ctx, {Slot(SlotHwHalf)})), mulmod(mload(add(lu, 0x20)), inv2Pow(k), R_MOD), R_MOD))");
        y.Line($"mstore(add(ctx, {Slot(SlotHwRw)}), addmod(mload(add(ctx, {Slot(SlotHwRw)})), mulmod(selectorBits(rw, k, layField(lay, 5)), mload(add(lu, 0x80)), R_MOD), R_MOD))");
        y.Close();
        y.Close();

        y.Blank();
        y.Comment("t(r_t) = Σ_seg sel_seg(r_t)·(tag + β·(q_lo + local index)) + β²·a_col(r_t) (segments: the tabled layers, then the range)");
        y.Open("function checkTable(ctx)");
        y.Line($"let rt := mload(add(ctx, {Slot(SlotRt)}))");
        y.Line($"let beta := mload(add(ctx, {Slot(SlotBeta)}))");
        y.Line($"let acc := mulmod(mulmod(beta, beta, R_MOD), {Cols(c.ColumnCount - 1)}, R_MOD)");
        var tl = c.Table!;
        var layerOf = Enumerable.Range(0, T).Where(ks.Tabled).ToArray();
        for (int seg = 0; seg <= ks.RangeItem; seg++)
        {
            bool range = seg == ks.RangeItem;
            int s = tl.LogSize(seg);
            long idx = tl.Offset(seg) >> s;
            var qlo = range ? BigInteger.Zero : Mod(vk.Layers[layerOf[seg]].QMin);
            int tag = range ? 1 : layerOf[seg] + 2;
            y.Line($"acc := addmod(acc, mulmod(selectorBits(rt, {m - s}, {idx}), addmod({tag}, mulmod(beta, addmod({Hex(qlo)}, localIndex(add(rt, {32 * (m - s)}), {s}), R_MOD), R_MOD), R_MOD), R_MOD), R_MOD)");
        }
        y.Line($"if iszero(eq(acc, mload(add(mload(add(ctx, {Slot(SlotLu)})), 0xa0)))) {{ fail() }}");
        y.Close();

        foreach (int l in layerOf)
        {
            var lk = vk.Layers[l];
            int cb = ks.ColumnOffset[l];
            var minv = BigInteger.ModPow(Mod(lk.Multiplier), R - 2, R);
            y.Blank();
            y.Comment($"Z̃_{l}(p_{l}) = (Q·2^{lk.Shift} + Σ_i 2^(i·{vk.LimbBits})·R_i − 2^{lk.Shift - 1})·M⁻¹, M = {lk.Multiplier}");
            y.Open($"function requantized{l}(cols) -> z");
            y.Line($"z := mulmod(calldataload(add(cols, {32 * cb})), {Hex(BigInteger.One << lk.Shift)}, R_MOD)");
            for (int i = 0; i < lk.Limbs; i++)
                y.Line($"z := addmod(z, mulmod(calldataload(add(cols, {32 * (cb + 2 + i)})), {Hex(BigInteger.One << (i * vk.LimbBits))}, R_MOD), R_MOD)");
            y.Line($"z := addmod(z, {Hex(R - (BigInteger.One << (lk.Shift - 1)))}, R_MOD)");
            y.Line($"z := mulmod(z, {Hex(minv)}, R_MOD)");
            y.Close();
        }

        // ---- every layer's point and claim z_ℓ
        y.Blank();
        y.Comment("points (r_b, r_o) and claims z_ℓ: the output layer at out_r (claim Ỹ) unless it is tabled, every tabled ℓ at p_ℓ = the last b + o_ℓ coordinates of r_w");
        y.Open("function layerPoints(ctx, cd) -> cdOut");
        y.Line("let b := mload(add(ctx, 0x20))");
        y.Line("let rb := 0");
        if (!c.OutputTabled)
        {
            y.Line($"rb := challenges({Q(Protocol.Labels.OutR)}, add(b, {vk.Layers[^1].OutVars}))");
            y.Line($"mstore(add(ctx, {Slot(SlotRout)}), rb)");
            y.Line($"mstore(add(ctx, {LSlot(L - 1, 0)}), rb)");
            y.Line($"mstore(add(ctx, {LSlot(L - 1, 1)}), add(rb, shl(5, b)))");
            y.Line($"mstore(add(ctx, {LSlot(L - 1, 6)}), mleY(ctx, rb))");
        }
        for (int l = T - 1; l >= 0; l--)
        {
            y.Line($"rb := add({Rw()}, shl(5, sub(layField(mload(add(ctx, 0x40)), 1), add(b, {vk.Layers[l].OutVars}))))");
            y.Line($"mstore(add(ctx, {LSlot(l, 0)}), rb)");
            y.Line($"mstore(add(ctx, {LSlot(l, 1)}), add(rb, shl(5, b)))");
            if (ks.Tabled(l)) y.Line($"mstore(add(ctx, {LSlot(l, 6)}), requantized{l}(mload(add(ctx, {Slot(SlotCols)}))))");
        }
        y.Line("cdOut := cd");
        y.Close();

        // ---- the matmul sumcheck (dense layers and the conv layers' Phase 1)
        y.Blank();
        y.Comment($"biases (ℓ = {string.Join(", ", mm)}), λ, ONE sumcheck of {iMax} rounds of Σ_j λ^j·2^({iMax} − n_ℓ)·(z_ℓ − bias term), then a ‖ w (conv: τ ‖ K̃(r_c, ρ))");
        y.Open("function matmul(ctx, cd) -> cdOut");
        y.Line("let claim := 0");
        y.Line("let cj := 1");
        y.Line("let t := 0");
        for (int j = 0; j < mm.Length; j++)
        {
            y.Line($"mstore(add(ctx, {LSlot(mm[j], 3)}), frAt(add(cd, {32 * j})))");
            y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Bias)}, add(cd, {32 * j}), 0x20)");
        }
        y.Line($"let lambda := trChallenge({Q(Protocol.Labels.MmLambda)})");
        y.Line($"mstore(add(ctx, {SLambda}), lambda)");
        for (int j = 0; j < mm.Length; j++)
        {
            int l = mm[j];
            var lk = vk.Layers[l];
            string bias = $"mload(add(ctx, {LSlot(l, 3)}))";
            if (lk.Kind == LayerKind.Conv)
            {
                var (oc, oh, ow) = lk.OutBits;
                var g = lk.Geometry!;
                y.Line($"t := mulmod({bias}, mulmod({LT($"add(mload(add(ctx, {LSlot(l, 1)})), {32 * oc})", oh, g.OutH)}, {LT($"add(mload(add(ctx, {LSlot(l, 1)})), {32 * (oc + oh)})", ow, g.OutW)}, R_MOD), R_MOD)");
            }
            else y.Line($"t := {bias}");
            y.Line($"claim := addmod(claim, mulmod(cj, mulmod({Hex(BigInteger.One << (iMax - ProofParts.MatmulVars(lk)))}, frSub(mload(add(ctx, {LSlot(l, 6)})), t), R_MOD), R_MOD), R_MOD)");
            if (j + 1 < mm.Length) y.Line("cj := mulmod(cj, lambda, R_MOD)");
        }
        y.Line($"let rho := alloc({32 * iMax})");
        y.Line($"let e, v := sumcheck2(claim, {iMax}, add(cd, {32 * mm.Length}), rho)");
        y.Line("let fin := 0");
        y.Line("cj := 1");
        for (int j = 0; j < mm.Length; j++)
        {
            int l = mm[j];
            y.Line($"mstore(add(ctx, {LSlot(l, 4)}), frAt(add(v, {64 * j})))");
            y.Line($"mstore(add(ctx, {LSlot(l, 5)}), frAt(add(v, {64 * j + 32})))");
            y.Line($"mstore(add(ctx, {LSlot(l, 2)}), add(rho, {32 * (iMax - ProofParts.MatmulVars(vk.Layers[l]))}))");
            y.Line($"fin := addmod(fin, mulmod(cj, mulmod(mload(add(ctx, {LSlot(l, 4)})), mload(add(ctx, {LSlot(l, 5)})), R_MOD), R_MOD), R_MOD)");
            if (j + 1 < mm.Length) y.Line("cj := mulmod(cj, lambda, R_MOD)");
        }
        y.Line("if iszero(eq(e, fin)) { fail() }");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Mm)}, v, {64 * mm.Length})");
        if (vk.Layers[0].Kind == LayerKind.Dense)
            y.Line($"if iszero(eq(mload(add(ctx, {LSlot(0, 4)})), mleX(ctx, mload(add(ctx, {LSlot(0, 0)})), mload(add(ctx, {LSlot(0, 2)}))))) {{ fail() }}");
        y.Line($"cdOut := add(v, {64 * mm.Length})");
        y.Close();

        // ---- Phase 2
        y.Blank();
        y.Comment($"Phase 2: mp_y ({pools.Length}), λ₂, the sumcheck of {n2} rounds over the {terms.Count} terms (" + string.Join(", ", terms.Select(t => $"{t.Kind} {t.Layer}")) + "), cv, the selectors");
        y.Open("function phase2(ctx, cd) -> cdOut");
        y.Line("let b := mload(add(ctx, 0x20))");
        if (pools.Length > 0)
        {
            y.Line($"frRange(cd, {pools.Length})");
            y.Line($"mstore(add(ctx, {SMpY}), cd)");
            y.Line($"trAbsorbCalldata({Q(Protocol.ConvLabels.MpY)}, cd, {32 * pools.Length})");
        }
        y.Line($"let lambda := trChallenge({Q(Protocol.ConvLabels.CvLambda)})");
        y.Line($"mstore(add(ctx, {SLambda2}), lambda)");
        y.Line("let claim := 0");
        y.Line("let cj := 1");
        for (int j = 0; j < terms.Count; j++)
        {
            var tm = terms[j];
            int l = tm.Layer;
            string target = tm.Kind switch
            {
                "conv" => $"mload(add(ctx, {LSlot(l, 4)}))",
                "avg" => $"mload(add(ctx, {LSlot(l, 6)}))",
                "maxY" => $"calldataload(add(cd, {32 * Array.IndexOf(pools, l)}))",
                _ => $"frSub(addmod(calldataload(add(cd, {32 * Array.IndexOf(pools, l)})), 1, R_MOD), addmod(poolValidity{l}(ctx), {Cols(ks.ColumnOffset[l])}, R_MOD))",
            };
            y.Line($"claim := addmod(claim, mulmod(cj, mulmod({Hex(BigInteger.One << (n2 - tm.Vars))}, {target}, R_MOD), R_MOD), R_MOD)");
            if (j + 1 < terms.Count) y.Line("cj := mulmod(cj, lambda, R_MOD)");
        }
        y.Line($"let pt := alloc({32 * n2})");
        y.Line($"mstore(add(ctx, {SPt2}), pt)");
        y.Line($"let e, v := sumcheck2(claim, {n2}, add(cd, {32 * pools.Length}), pt)");
        y.Line($"frRange(v, {terms.Count})");
        y.Line($"mstore(add(ctx, {SCv}), v)");
        y.Line("let fin := 0");
        y.Line("cj := 1");
        for (int j = 0; j < terms.Count; j++)
        {
            y.Line($"fin := addmod(fin, mulmod(cj, mulmod(calldataload(add(v, {32 * j})), selector{j}(ctx, add(pt, {32 * (n2 - terms[j].Vars)})), R_MOD), R_MOD), R_MOD)");
            if (j + 1 < terms.Count) y.Line("cj := mulmod(cj, lambda, R_MOD)");
        }
        y.Line("if iszero(eq(e, fin)) { fail() }");
        y.Line($"trAbsorbCalldata({Q(Protocol.ConvLabels.Cv)}, v, {32 * terms.Count})");
        for (int j = 0; j < terms.Count; j++)
        {
            if (terms[j].Opened >= 0) continue;
            y.Comment($"term {j} opens the public input: X̃ at (r_b, {(terms[j].Kind == "conv" ? "ρ_i, " : "")}σ)");
            y.Line($"if iszero(eq(calldataload(add(v, {32 * j})), mleXS(ctx, phase2Rb{j}(ctx), phase2Point{j}(ctx)))) {{ fail() }}");
        }
        y.Line($"cdOut := add(v, {32 * terms.Count})");
        y.Close();

        // per term: its selector at σ and the opened point after r_b
        for (int j = 0; j < terms.Count; j++)
        {
            var tm = terms[j];
            int l = tm.Layer;
            var lk = tm.Key;
            var g = lk.Geometry!;
            var (ic, ih, iw) = lk.InBits;
            var (oc, oh, ow) = lk.OutBits;
            var (wh, ww) = lk.WindowBits;
            y.Blank();
            y.Comment($"term {j} ({tm.Kind}, layer {l}): its selector at sigma ({tm.Vars} coordinates)");
            y.Open($"function selector{j}(ctx, sigma) -> s");
            string geoH = DimGeometry(tm.Kind == "conv" ? 1 << wh : g.KH, g.StrideH, g.PadTop, g.OutH, g.InH, oh, ih, wh);
            string geoW = DimGeometry(tm.Kind == "conv" ? 1 << ww : g.KW, g.StrideW, g.PadLeft, g.OutW, g.InW, ow, iw, ww);
            if (tm.Kind == "conv")
            {
                // S̃_h(r_y, σ_u, ρ_y)·S̃_w(r_x, σ_v, ρ_x): r_o = (r_c, r_y, r_x), ρ = (ρ_i, ρ_y, ρ_x) of Phase 1, σ = (u, v)
                y.Line($"let ry := add(mload(add(ctx, {LSlot(l, 1)})), {32 * oc})");
                y.Line($"let rho := add(mload(add(ctx, {LSlot(l, 2)})), {32 * ic})");
                // (the kernel side padded to 2^wh: every d < 2^wh weighted by eq(ρ_y, d), so windowFold applies)
                y.Line($"s := windowFold(ry, eqMemo({Memo}, sigma, {ih}), rho, {geoH})");
                y.Line($"s := mulmod(s, windowFold(add(ry, {32 * oh}), eqMemo({Memo}, add(sigma, {32 * ih}), {iw}), add(rho, {32 * wh}), {geoW}), R_MOD)");
            }
            else
            {
                // pools, σ = (c, ·, ·): Σ_(c<C) eq(r_c, c)·eq(σ_c, c) times per dimension the window sum (average: weight 1; max: the
                // slot weights eq(r_dy, ·), eq(r_dx, ·) at p_D) or, for MaxY, the validity weights W_h, W_w
                if (tm.Kind == "avg") y.Line($"let ro := mload(add(ctx, {LSlot(l, 1)}))");
                else y.Line($"let ro := add({Rw()}, shl(5, sub(layField(mload(add(ctx, 0x40)), 1), {lk.OutVars + wh + ww})))");
                string wy = tm.Kind == "avg" ? "0" : $"eqMemo({Memo}, add(ro, {32 * lk.OutVars}), {wh})";
                string wx = tm.Kind == "avg" ? "0" : $"eqMemo({Memo}, add(ro, {32 * (lk.OutVars + wh)}), {ww})";
                y.Line($"s := {PLT("ro", "sigma", oc, g.OutC)}");
                // a max pool's window side 2^wh: its weights eq(r_dy, ·) sum to 1 over a whole window, and windowFold applies
                bool foldH = tm.Kind != "avg" && g.KH == 1 << wh, foldW = tm.Kind != "avg" && g.KW == 1 << ww;
                if (tm.Kind == "maxY")
                {
                    // W_h(y) = eq(r_y, y)·[y < H_out]·1 when every window lies inside the input: Σ_y eq(r_y, y)·eq(σ_y, y) over y < H_out
                    y.Line(foldH && WindowsInside(g.KH, g.StrideH, g.PadTop, g.OutH, g.InH)
                        ? $"s := mulmod(s, {PLT($"add(ro, {32 * oc})", $"add(sigma, {32 * oc})", oh, g.OutH)}, R_MOD)"
                        : $"s := mulmod(s, validDim({Memo}, add(ro, {32 * oc}), add(sigma, {32 * oc}), {wy}, {geoH}), R_MOD)");
                    y.Line(foldW && WindowsInside(g.KW, g.StrideW, g.PadLeft, g.OutW, g.InW)
                        ? $"s := mulmod(s, {PLT($"add(ro, {32 * (oc + oh)})", $"add(sigma, {32 * (oc + oh)})", ow, g.OutW)}, R_MOD)"
                        : $"s := mulmod(s, validDim({Memo}, add(ro, {32 * (oc + oh)}), add(sigma, {32 * (oc + oh)}), {wx}, {geoW}), R_MOD)");
                }
                else if (tm.Kind == "maxWin" && Tiled(g.KH, g.StrideH, g.PadTop, g.OutH, g.InH, oh, ih, wh) && Tiled(g.KW, g.StrideW, g.PadLeft, g.OutW, g.InW, ow, iw, ww))
                {
                    // windows that tile the input (stride = side = 2^wh, no padding, ih = oh + wh): u = y·2^wh + d is y's bits then d's,
                    // so Ŝ_h(σ_u) = Σ_(y<H_out) eq(r_y, y)·eq(σ_u,hi, y) · Σ_d eq(r_dy, d)·eq(σ_u,lo, d): O(bits), no table, no fold
                    y.Line($"s := mulmod(s, mulmod({PLT($"add(ro, {32 * oc})", $"add(sigma, {32 * ic})", oh, g.OutH)}, eqPair(add(ro, {32 * lk.OutVars}), add(sigma, {32 * (ic + oh)}), {wh}), R_MOD), R_MOD)");
                    y.Line($"s := mulmod(s, mulmod({PLT($"add(ro, {32 * (oc + oh)})", $"add(sigma, {32 * (ic + ih)})", ow, g.OutW)}, eqPair(add(ro, {32 * (lk.OutVars + wh)}), add(sigma, {32 * (ic + ih + ow)}), {ww}), R_MOD), R_MOD)");
                }
                else
                {
                    y.Line(foldH
                        ? $"s := mulmod(s, windowFold(add(ro, {32 * oc}), eqMemo({Memo}, add(sigma, {32 * ic}), {ih}), add(ro, {32 * lk.OutVars}), {geoH}), R_MOD)"
                        : $"s := mulmod(s, winDim({Memo}, add(ro, {32 * oc}), add(sigma, {32 * ic}), {wy}, {geoH}), R_MOD)");
                    y.Line(foldW
                        ? $"s := mulmod(s, windowFold(add(ro, {32 * (oc + oh)}), eqMemo({Memo}, add(sigma, {32 * (ic + ih)}), {iw}), add(ro, {32 * (lk.OutVars + wh)}), {geoW}), R_MOD)"
                        : $"s := mulmod(s, winDim({Memo}, add(ro, {32 * (oc + oh)}), add(sigma, {32 * (ic + ih)}), {wx}, {geoW}), R_MOD)");
                }
            }
            y.Close();

            y.Blank();
            y.Comment($"term {j}: the opened point after r_b ({(tm.Kind == "conv" ? "ρ_i ‖ σ" : "σ")})");
            y.Open($"function phase2Point{j}(ctx) -> p");
            string sigma = $"add(mload(add(ctx, {SPt2})), {32 * (n2 - tm.Vars)})";
            if (tm.Kind == "conv" && ic > 0) y.Line($"p := concat(mload(add(ctx, {LSlot(l, 2)})), {ic}, {sigma}, {tm.Vars})");
            else y.Line($"p := {sigma}");
            y.Close();

            y.Blank();
            y.Comment($"term {j}: r_b of its opened point");
            y.Open($"function phase2Rb{j}(ctx) -> p");
            if (tm.Kind is "maxY" or "maxWin")
                y.Line($"p := add({Rw()}, shl(5, sub(layField(mload(add(ctx, 0x40)), 1), add(mload(add(ctx, 0x20)), {lk.OutVars + wh + ww}))))");
            else y.Line($"p := mload(add(ctx, {LSlot(l, 0)}))");
            y.Close();
        }

        // max-pool validity Ĩ_C(r_c)·V̂_h·V̂_w at p_D
        foreach (int l in pools)
        {
            var lk = vk.Layers[l];
            var g = lk.Geometry!;
            var (oc, oh, ow) = lk.OutBits;
            var (wh, ww) = lk.WindowBits;
            y.Blank();
            y.Comment($"max pool {l}: Ĩ_C(r_c)·V̂_h(r_y, r_dy)·V̂_w(r_x, r_dx) at p_D, V̂_h = Σ_(d<kh) eq(r_dy, d)·Σ_y eq(r_y, y)·[0 ≤ s·y + d − p < H_in]");
            y.Open($"function poolValidity{l}(ctx) -> v");
            y.Line($"let ro := add({Rw()}, shl(5, sub(layField(mload(add(ctx, 0x40)), 1), {lk.OutVars + wh + ww})))");
            y.Line($"v := {LT("ro", oc, g.OutC)}");
            // V̂_h = Ĩ_{H_out}(r_y) when every window lies inside the input and its 2^wh weights eq(r_dy, ·) sum to 1
            y.Line(g.KH == 1 << wh && WindowsInside(g.KH, g.StrideH, g.PadTop, g.OutH, g.InH)
                ? $"v := mulmod(v, {LT($"add(ro, {32 * oc})", oh, g.OutH)}, R_MOD)"
                : $"v := mulmod(v, validDim({Memo}, add(ro, {32 * oc}), 0, eqMemo({Memo}, add(ro, {32 * lk.OutVars}), {wh}), {DimGeometry(g.KH, g.StrideH, g.PadTop, g.OutH, g.InH, oh, lk.InBits.H, wh)}), R_MOD)");
            y.Line(g.KW == 1 << ww && WindowsInside(g.KW, g.StrideW, g.PadLeft, g.OutW, g.InW)
                ? $"v := mulmod(v, {LT($"add(ro, {32 * (oc + oh)})", ow, g.OutW)}, R_MOD)"
                : $"v := mulmod(v, validDim({Memo}, add(ro, {32 * (oc + oh)}), 0, eqMemo({Memo}, add(ro, {32 * (lk.OutVars + wh)}), {ww}), {DimGeometry(g.KW, g.StrideW, g.PadLeft, g.OutW, g.InW, ow, lk.InBits.W, ww)}), R_MOD)");
            y.Close();
        }

        // ---- max-pool zero-checks
        foreach (int d in pools.Select(l => vk.Layers[l].Geometry!.Window + 1).Distinct().Order()) ZeroCheckFixed(y, d);
        if (pools.Length > 0)
        {
            y.Blank();
            y.Comment("each max pool (ℓ = " + string.Join(", ", pools) + "): τ, the zero-check of Ĩ·Π_w D_w (degree kh·kw + 1), the D values");
            y.Open("function maxPools(ctx, cd) -> cdOut");
            y.Line("let b := mload(add(ctx, 0x20))");
            y.Line("let tau := 0");
            y.Line("let pt := 0");
            y.Line("let e := 0");
            y.Line("let p := 0");
            for (int k = 0; k < pools.Length; k++)
            {
                int l = pools[k];
                var lk = vk.Layers[l];
                var g = lk.Geometry!;
                var (oc, oh, ow) = lk.OutBits;
                y.Line($"tau := challenges({Q(Protocol.ConvLabels.MpTau)}, add(b, {lk.OutVars}))");
                y.Line($"pt := alloc(shl(5, add(b, {lk.OutVars})))");
                y.Line($"e, cd := zeroCheckDeg{g.Window + 1}(0, tau, add(b, {lk.OutVars}), cd, pt)");
                y.Line($"frRange(cd, {g.Window})");
                y.Line($"mstore(add(ctx, {SZc(k)}), pt)");
                y.Line($"mstore(add(ctx, {SD(k)}), cd)");
                y.Line("p := add(pt, shl(5, b))");
                y.Line($"let prod{k} := mulmod({LT("p", oc, g.OutC)}, mulmod({LT($"add(p, {32 * oc})", oh, g.OutH)}, {LT($"add(p, {32 * (oc + oh)})", ow, g.OutW)}, R_MOD), R_MOD)");
                for (int s = 0; s < g.Window; s++) y.Line($"prod{k} := mulmod(prod{k}, calldataload(add(cd, {32 * s})), R_MOD)");
                y.Line($"if iszero(eq(e, prod{k})) {{ fail() }}");
                y.Line($"trAbsorbCalldata({Q(Protocol.ConvLabels.Mp)}, cd, {32 * g.Window})");
                y.Line($"cd := add(cd, {32 * g.Window})");
            }
            y.Line("cdOut := cd");
            y.Close();
        }

        // ---- the batched opening, its claims written out (SolidityVerifierGenerator.Opening.cs), in InferenceVerifier's order:
        // the lookups', the columns' (a max pool's D, a tabled layer's A and R_i), the matmul layers', the Phase-2 values', the
        // max pools' D at their zero-check points
        {
            var nw = LayDim(1);
            var n1 = LayDim(2);
            var nW2 = LayDim(3);
            Dim Field(int f) => LayDim(f);
            string lu = $"mload(add(ctx, {Slot(SlotLu)}))";
            string rwEnd = $"add(mload(add(ctx, {Slot(SlotRw)})), shl(5, {nw.Yul}))";
            string rtEnd = $"add(mload(add(ctx, {Slot(SlotRt)})), {32 * m})";
            string rhoEnd = $"add(mload(add(ctx, {LSlot(mm[0], 2)})), {32 * ProofParts.MatmulVars(vk.Layers[mm[0]])})";
            string routEnd = $"add(mload(add(ctx, {Slot(SlotRout)})), shl(5, add(b, {vk.Layers[^1].OutVars})))";
            string pt2End = $"add(mload(add(ctx, {SPt2})), {32 * n2})";
            bool atRout(int l) => l == L - 1 && !c.OutputTabled;
            // r_o of layer ℓ (its first len coordinates), r_b of layer ℓ, ρ_ℓ of the matmul sumcheck (its first len coordinates)
            Seg Ro(int l, int len) => atRout(l) ? new("rout", routEnd, Dim.C(vk.Layers[l].OutVars - len), Dim.C(len)) : new("rw", rwEnd, Dim.C(vk.Layers[l].OutVars - len), Dim.C(len));
            Seg Rb(int l) => atRout(l) ? new("rout", routEnd, Dim.C(vk.Layers[l].OutVars), DimB) : new("rw", rwEnd, Dim.C(vk.Layers[l].OutVars), DimB);
            Seg Rho(int l, int len) => new("rho", rhoEnd, Dim.C(ProofParts.MatmulVars(vk.Layers[l]) - len), Dim.C(len));
            // the column point of a layer < T: the last b + s coordinates of r_w (s = o_ℓ, a max pool's o_ℓ + wh + ww)
            int ColVars(int l) => vk.Layers[l].OutVars + (ks.Tabled(l) ? 0 : vk.Layers[l].WindowBits.H + vk.Layers[l].WindowBits.W);
            var cl = new List<OClaim>();
            var rt = new Seg("rt", rtEnd, Dim.C(0), Dim.C(m));
            int s0 = ColVars(0);
            cl.Add(new("h'_w(½ⁿ) on C_2", GroupW2, $"mload(add(ctx, {Slot(SlotHwHalf)}))", nW2, Field(4), [], Half: nw));
            cl.Add(new("h_t(½ᵐ) on C_2", GroupW2, $"mload(add({lu}, 0x20))", nW2, Field(5), [], Half: Dim.C(m)));
            cl.Add(new("h'_w(r_w) on C_2", GroupW2, $"mload(add(ctx, {Slot(SlotHwRw)}))", nW2, Field(4),
                [new("rw", rwEnd, Dim.E($"add(b, {s0})"), Dim.E($"sub({nw.Yul}, add(b, {s0}))"), Start: $"mload(add(ctx, {Slot(SlotRw)}))"), new("rw", rwEnd, Dim.C(s0), DimB), new("rw", rwEnd, Dim.C(0), Dim.C(s0))]));
            cl.Add(new("h_t(r_t) on C_2", GroupW2, $"mload(add({lu}, 0x80))", nW2, Field(5), [rt]));
            cl.Add(new("mult(r_t) on C_1", GroupW1, $"mload(add({lu}, 0xc0))", n1, Field(6), [rt]));
            int acol = ks.ActColItem;
            cl.Add(new("a_col(r_t) on C_model", GroupModel, Cols(c.ColumnCount - 1), Dim.C(nm), Dim.C(checked((int)(c.Model.Offset(acol) >> c.Model.LogSize(acol)))), [rt]));
            for (int l = 0; l < T; l++)
            {
                var lk = vk.Layers[l];
                int cb = ks.ColumnOffset[l];
                int s = ColVars(l);
                var fields = new List<(int Field, int Col, string Name)>();
                if (!ks.Tabled(l)) fields.Add((SField(c, $"D_{l} index"), cb, $"D_{l}"));
                else
                {
                    if (l < H) fields.Add((SField(c, $"A_{l} index"), cb + 1, $"A_{l}"));
                    for (int i = 0; i < lk.Limbs; i++) fields.Add((SField(c, $"R_{l},{i} index"), cb + 2 + i, $"R_{l},{i}"));
                }
                foreach (var (field, col, name) in fields)
                    cl.Add(new($"{name} at its r_w point on C_1", GroupW1, Cols(col), n1, Field(field), [new("rw", rwEnd, Dim.C(s), DimB), new("rw", rwEnd, Dim.C(0), Dim.C(s))]));
            }
            foreach (int l in mm)
            {
                var lk = vk.Layers[l];
                int wi = KeyShape.WeightItem(l), bi = KeyShape.BiasItem(l);
                var bIdx = Dim.C(checked((int)(c.Model.Offset(bi) >> c.Model.LogSize(bi))));
                var wIdx = Dim.C(checked((int)(c.Model.Offset(wi) >> c.Model.LogSize(wi))));
                if (lk.Kind == LayerKind.Conv)
                {
                    int oc = lk.OutBits.C, kv = lk.KernelInVars;
                    cl.Add(new($"b_{l}(r_c) on C_model", GroupModel, $"mload(add(ctx, {LSlot(l, 3)}))", Dim.C(nm), bIdx, [Ro(l, oc)]));
                    cl.Add(new($"K_{l}(r_c, ρ) on C_model", GroupModel, $"mload(add(ctx, {LSlot(l, 5)}))", Dim.C(nm), wIdx, [Ro(l, oc), Rho(l, kv)]));
                    continue;
                }
                cl.Add(new($"b_{l}(r_o) on C_model", GroupModel, $"mload(add(ctx, {LSlot(l, 3)}))", Dim.C(nm), bIdx, [Ro(l, lk.OutVars)]));
                cl.Add(new($"W_{l}(ρ, r_o) on C_model", GroupModel, $"mload(add(ctx, {LSlot(l, 5)}))", Dim.C(nm), wIdx, [Rho(l, lk.InVars), Ro(l, lk.OutVars)]));
                if (l >= 1)
                {
                    string field = ks.Tabled(l - 1) ? $"A_{l - 1} index" : $"Y_{l - 1} index";
                    cl.Add(new($"{field[..^6]}(r_b, ρ) on C_1", GroupW1, $"mload(add(ctx, {LSlot(l, 4)}))", n1, Field(SField(c, field)), [Rb(l), Rho(l, lk.InVars)]));
                }
            }
            for (int j = 0; j < terms.Count; j++)
            {
                var tm = terms[j];
                if (tm.Opened < 0) continue;
                int ol = tm.Opened, l = tm.Layer;
                int s = vk.Layers[ol].OutVars;
                string field = ks.Tabled(ol) ? $"A_{ol} index" : $"Y_{ol} index";
                int ic = tm.Key.InBits.C;
                int after = tm.Kind == "conv" ? ic + tm.Vars : tm.Vars;
                if (after != s) throw new InvalidOperationException($"term {j}: opened point of {after} coordinates for an item of {s}");
                var (wh, ww) = tm.Key.WindowBits;
                var rb = tm.Kind is "maxY" or "maxWin" ? new Seg("rw", rwEnd, Dim.C(tm.Key.OutVars + wh + ww), DimB) : Rb(l);
                var sigma = new Seg("pt2", pt2End, Dim.C(0), Dim.C(tm.Vars));
                Seg[] suffix = tm.Kind == "conv" && ic > 0 ? [rb, Rho(l, ic), sigma] : [rb, sigma];
                cl.Add(new($"Phase-2 value {j} ({tm.Kind}, layer {l}) on C_1", GroupW1, $"calldataload(add(mload(add(ctx, {SCv})), {32 * j}))", n1, Field(SField(c, field)), suffix));
            }
            for (int k = 0; k < pools.Length; k++)
            {
                int l = pools[k];
                var lk = vk.Layers[l];
                var g = lk.Geometry!;
                var (wh, ww) = lk.WindowBits;
                int o = lk.OutVars;
                string zcEnd = $"add(mload(add(ctx, {SZc(k)})), shl(5, add(b, {o})))";
                int slot = 0;
                for (int dy = 0; dy < g.KH; dy++)
                    for (int dx = 0; dx < g.KW; dx++)
                    {
                        var bits = Enumerable.Range(0, wh).Select(t => (dy >> (wh - 1 - t)) & 1).Concat(Enumerable.Range(0, ww).Select(t => (dx >> (ww - 1 - t)) & 1)).ToArray();
                        cl.Add(new($"D_{l}(zero-check point, {dy}, {dx}) on C_1", GroupW1, $"calldataload(add(mload(add(ctx, {SD(k)})), {32 * slot++}))", n1, Field(SField(c, $"D_{l} index")),
                            [new($"zc{k}", zcEnd, Dim.C(o), DimB), new($"zc{k}", zcEnd, Dim.C(0), Dim.C(o)), Seg.Constant(bits)]));
                    }
            }
            if (cl.Count != SpatialClaimCount(vk, terms)) throw new InvalidOperationException($"{cl.Count} claims written, the key has {SpatialClaimCount(vk, terms)}");
            EmitOpening(y, cl, [Dim.C(nm), n1, nW2], OpeningSplitBits(c), OpeningConstMax(c, T >= 1));
        }
        foreach (var (pair, k, n) in lessThans) LessThanFixed(y, pair, k, n);
        return y.ToString();
    }

    /// <summary>
    /// <c>lessThan{k}_{n}(pt)</c> = SpatialCore's <c>lessThan(pt, k, n)</c>, or <c>pairLessThan{k}_{n}(a, s)</c> = its
    /// <c>pairLessThan(a, s, k, n)</c>: the same two-state automaton (LSB first) with the bits of n known here, straight-line,
    /// the states 0 and 1 of its start folded into the first products.
    /// </summary>
    private static void LessThanFixed(YulWriter y, bool pair, int k, int n)
    {
        y.Blank();
        y.Comment(pair ? $"pairLessThan(a, s, {k}, {n}) straight-line (see there)" : $"lessThan(pt, {k}, {n}) straight-line (see there)");
        y.Open(pair ? $"function pairLessThan{k}_{n}(a, s) -> v" : $"function lessThan{k}_{n}(pt) -> v");
        bool all = (long)n >= 1L << k;
        if (all && !pair)
        {
            y.Line("v := 1");
            y.Close();
            return;
        }
        static string Mul(string a, string b) => a == "0" || b == "0" ? "0" : a == "1" ? b : b == "1" ? a : $"mulmod({a}, {b}, R_MOD)";
        static string Add(string a, string b) => a == "0" ? b : b == "0" ? a : $"addmod({a}, {b}, R_MOD)";
        if (all) y.Line("v := 1");
        else y.Line("let less := 0 let notLess := 1");
        string less = "0", notLess = "1";
        for (int j = 0; j < k; j++)
        {
            int off = 32 * (k - 1 - j);
            string At(string p) => off == 0 ? $"mload({p})" : $"mload(add({p}, {off}))";
            var block = new List<string>();
            if (pair)
            {
                block.Add($"let x := {At("a")}");
                block.Add($"let z := {At("s")}");
                block.Add("let w1 := mulmod(x, z, R_MOD)");
                block.Add("let w0 := mulmod(addmod(1, sub(R_MOD, x), R_MOD), addmod(1, sub(R_MOD, z), R_MOD), R_MOD)");
            }
            else
            {
                block.Add($"let w1 := {At("pt")}");
                block.Add("let w0 := addmod(1, sub(R_MOD, w1), R_MOD)");
            }
            if (all)
            {
                block.Add("v := mulmod(v, addmod(w0, w1, R_MOD), R_MOD)");
                y.Line("{ " + string.Join(" ", block) + " }");
                continue;
            }
            string both = Add(less, notLess);
            string l2, n2;
            if (((n >> j) & 1) == 1)
            {
                l2 = Add(Mul("w0", both), Mul("w1", less));
                n2 = Mul("w1", notLess);
            }
            else
            {
                n2 = Add(Mul("w0", notLess), Mul("w1", both));
                l2 = Mul("w0", less);
            }
            if (l2 is not ("0" or "1")) block.Add($"let l2 := {l2}");
            if (n2 is not ("0" or "1")) block.Add($"let n2 := {n2}");
            if (l2 is not ("0" or "1")) block.Add("less := l2");
            if (n2 is not ("0" or "1")) block.Add("notLess := n2");
            less = l2 is "0" or "1" ? l2 : "less";
            notLess = n2 is "0" or "1" ? n2 : "notLess";
            y.Line("{ " + string.Join(" ", block) + " }");
        }
        if (!all) y.Line($"v := {less}");
        y.Close();
    }

    /// <summary>
    /// <c>zeroCheckDeg{d}(e, tau, n, cd, pt)</c>: SpatialCore's <c>zeroCheckD</c> for a fixed degree d, without its two inner loops
    /// (the message's sum in groups of four unreduced terms, Horner straight-line); the same checks, absorbs and challenges.
    /// </summary>
    private static void ZeroCheckFixed(YulWriter y, int d)
    {
        string At(int k) => k == 0 ? "cd" : $"add(cd, {32 * k})";
        y.Blank();
        y.Comment($"zeroCheckD(e, tau, n, {d}, cd, pt) straight-line (see there)");
        y.Open($"function zeroCheckDeg{d}(e, tau, n, cd, pt) -> eOut, cdOut");
        y.Line($"trAbsorbWord({VerifierTemplates.Label("Sumcheck.Claim")}, e)");
        y.Line("eOut := e");
        y.Open("for { let i := 0 } lt(i, n) { i := add(i, 1) }");
        var groups = new List<string>();
        for (int k0 = 0; k0 < d; k0 += 4)
        {
            var terms = Enumerable.Range(k0, Math.Min(4, d - k0)).Select(k => $"frAt({At(k)})").ToList();
            while (terms.Count > 1) terms = terms.Chunk(2).Select(p => p.Length == 2 ? $"add({p[0]}, {p[1]})" : p[0]).ToList();
            groups.Add(terms[0]);
        }
        string sum = groups.Count == 1 ? $"mod({groups[0]}, R_MOD)" : groups.Skip(1).Aggregate(groups[0], (a, g) => $"addmod({a}, {g}, R_MOD)");
        y.Line($"let sum := {sum}");
        y.Line($"trAbsorbCalldata({VerifierTemplates.Label("Sumcheck.Round")}, cd, {32 * d})");
        y.Line("let r := mod(mload(0x00), R_MOD) // absorb-challenge: the round's new state is its challenge");
        y.Line("mstore(add(pt, shl(5, i)), r)");
        y.Line("let h := calldataload(" + At(d - 1) + ")");
        for (int k = d - 2; k >= 0; k--) y.Line($"h := addmod(mulmod(h, r, R_MOD), calldataload({At(k)}), R_MOD)");
        y.Line("eOut := addmod(mulmod(h, r, R_MOD), addmod(eOut, sub(R_MOD, mulmod(mload(add(tau, shl(5, i))), sum, R_MOD)), R_MOD), R_MOD)");
        y.Line($"cd := add(cd, {32 * d})");
        y.Close();
        y.Line("cdOut := cd");
        y.Close();
    }

    /// <summary>
    /// Whether a max pool's windows tile one dimension of its input: side = stride = 2^dBits, no padding, every window inside,
    /// and the input's padded bits are the output's plus the window's (so an input index is an output index followed by d).
    /// </summary>
    private static bool Tiled(int k, int stride, int pad, int outSize, int inSize, int outBits, int inBits, int dBits) =>
        k == 1 << dBits && stride == k && WindowsInside(k, stride, pad, outSize, inSize) && inBits == outBits + dBits;

    /// <summary>Whether every window of one dimension lies inside the input: 0 ≤ s·y − p and s·y − p + k ≤ inSize for all y &lt; outSize.</summary>
    private static bool WindowsInside(int k, int stride, int pad, int outSize, int inSize) => pad == 0 && stride * (outSize - 1) + k <= inSize;

    /// <summary>One dimension's constants packed as the template's geo record (32-bit fields, least significant first).</summary>
    private static string DimGeometry(int dCount, int stride, int pad, int outSize, int inSize, int outBits, int inBits, int dBits)
    {
        BigInteger v = 0;
        int[] f = [dCount, stride, pad, outSize, inSize, outBits, inBits, dBits];
        for (int i = f.Length - 1; i >= 0; i--) v = (v << 32) | (uint)f[i];
        return Hex(v);
    }

    /// <summary>The number of batched-opening claims of a spatial key (the C# verifier's list, docs/protocol.md "Opening claims").</summary>
    private static int SpatialClaimCount(VerifyingKey vk, List<STerm> terms)
    {
        var ks = vk.Shape;
        int n = 6;
        for (int l = 0; l < ks.T; l++) n += ks.Tabled(l) ? (l < ks.H ? 1 : 0) + vk.Layers[l].Limbs : 1;
        foreach (int l in Enumerable.Range(0, vk.Layers.Count).Where(ks.InMatmul))
            n += vk.Layers[l].Kind == LayerKind.Conv ? 2 : 2 + (l >= 1 ? 1 : 0);
        n += terms.Count(t => t.Opened >= 0);
        foreach (int l in ks.MaxPoolLayers) n += vk.Layers[l].Geometry!.Window;
        return n;
    }

    /// <summary>
    /// <c>mleXS(ctx, rb, pt)</c>: X̃(r_b, pt) of a spatial input [C][H][W] over the B real rows, each value at its padded position
    /// (pt = (c, u, v) coordinates of the padded layout), range-checked; one calldata word per image row, all-zero rows skipped.
    /// </summary>
    private static void SpatialInput(YulWriter y, VerifyingKey vk, string memo)
    {
        var g = vk.Layers[0].Geometry!;
        var (ic, ih, iw) = vk.Layers[0].InBits;
        int rowBytes = g.InW * vk.XBytes;
        // the word's values in groups of up to 4 (as the dense xChunk): an all-zero group (most of an MNIST row) is skipped
        // whole; in a non-zero group each non-zero value is range-checked and multiplied by its ex entry
        int group = Math.Min(4, 32 / vk.XBytes);
        y.Comment($"s + Σ_(k < cnt) x_k·ex[k] over the values x_k of one input word w ({vk.XBytes} bytes each, zero from cnt on), |x_k| ≤ X_BOUND");
        if (vk.XBytes == 1 && vk.InputBound == 127)
        {
            // as xChunk: bytes summed as unsigned values, four products per reduction, an all-zero group of 4 skipped by one
            // test; a word with a byte ≥ 0x80 (a negative input, or the invalid −128) corrected once by xChunkNegative
            y.Open("function xsWord(s, w, cnt, ex) -> t");
            y.Line("t := s");
            for (int j0 = 0; j0 < Math.Min(32, g.InW); j0 += 4)
            {
                var terms = Enumerable.Range(j0, 4).Select(j => $"mulmod(byte({j}, w), mload({(j == 0 ? "ex" : $"add(ex, {32 * j})")}), R_MOD)").ToArray();
                y.Line($"if and(shr({224 - 8 * j0}, w), 0xffffffff) {{ t := addmod(t, add(add({terms[0]}, {terms[1]}), add({terms[2]}, {terms[3]})), R_MOD) }}");
            }
            y.Line("if and(w, 0x8080808080808080808080808080808080808080808080808080808080808080) { t := xChunkNegative(w, cnt, ex, t) }");
            y.Close();
        }
        else
        {
            y.Open("function xsWord(s, w, cnt, ex) -> t");
            y.Line("t := s");
            y.Open($"for {{ let j := 0 }} lt(j, cnt) {{ j := add(j, {group}) }}");
            y.Open($"if shr({256 - 8 * vk.XBytes * group}, shl(mul(j, {8 * vk.XBytes}), w))");
            y.Line($"let jEnd := add(j, {group})");
            y.Line("if gt(jEnd, cnt) { jEnd := cnt }");
            y.Open("for { let k := j } lt(k, jEnd) { k := add(k, 1) }");
            y.Line($"let v := signextend({vk.XBytes - 1}, shr({256 - 8 * vk.XBytes}, shl(mul(k, {8 * vk.XBytes}), w)))");
            y.Line("if v { t := xAcc(t, v, mload(add(ex, shl(5, k)))) }");
            y.Close();
            y.Close();
            y.Close();
            y.Close();
        }
        y.Comment($"X̃(r_b, c, u, v) of the [{g.InC}][{g.InH}][{g.InW}] input at its padded positions [{1 << ic}][{1 << ih}][{1 << iw}]; |x| ≤ X_BOUND");
        y.Open("function mleXS(ctx, rb, pt) -> acc");
        y.Line("let eqb := eqTable(rb, mload(add(ctx, 0x20)))");
        y.Line($"let ec := eqTableK(pt, {ic})");
        // (through the selectors' memo: a conv layer 0 with one input channel opens X̃ at its own σ, whose tables it built)
        y.Line($"let ey := eqMemo({memo}, add(pt, {32 * ic}), {ih})");
        y.Line($"let ex := eqMemo({memo}, add(pt, {32 * (ic + ih)}), {iw})");
        y.Line("let xrow := add(mload(add(ctx, 0x60)), 0x20)");
        y.Open("for { let row := 0 } lt(row, mload(ctx)) { row := add(row, 1) }");
        y.Line("let rowAcc := 0");
        y.Open($"for {{ let ch := 0 }} lt(ch, {g.InC}) {{ ch := add(ch, 1) }}");
        y.Line("let chAcc := 0");
        y.Open($"for {{ let u := 0 }} lt(u, {g.InH}) {{ u := add(u, 1) }}");
        y.Line("let s := 0");
        if (rowBytes <= 32)
        {
            // a whole image row in one calldata word (MNIST: 28 bytes): no loop over the row's words
            string w = rowBytes == 32 ? "calldataload(xrow)" : $"and(calldataload(xrow), {Hex(((BigInteger.One << (8 * rowBytes)) - 1) << (256 - 8 * rowBytes))})";
            y.Line($"let w := {w}");
            y.Line($"if w {{ s := xsWord(0, w, {g.InW}, ex) }}");
        }
        else
        {
            y.Open($"for {{ let x := 0 }} lt(x, {g.InW}) {{ }}");
            y.Line($"let left := sub({g.InW}, x)");
            y.Line($"let cnt := div(32, {vk.XBytes})");
            y.Line("if lt(left, cnt) { cnt := left }");
            y.Line($"let w := calldataload(add(xrow, mul(x, {vk.XBytes})))");
            y.Line($"let used := mul(cnt, {8 * vk.XBytes})");
            y.Line("if lt(used, 256) { w := and(w, not(shr(used, not(0)))) }");
            y.Line("if w { s := xsWord(s, w, cnt, add(ex, shl(5, x))) }");
            y.Line("x := add(x, cnt)");
            y.Close();
        }
        y.Line("if s { chAcc := addmod(chAcc, mulmod(s, mload(add(ey, shl(5, u))), R_MOD), R_MOD) }");
        y.Line($"xrow := add(xrow, {rowBytes})");
        y.Close();
        y.Line("if chAcc { rowAcc := addmod(rowAcc, mulmod(chAcc, mload(add(ec, shl(5, ch))), R_MOD), R_MOD) }");
        y.Close();
        y.Line("acc := addmod(acc, mulmod(rowAcc, mload(add(eqb, shl(5, row))), R_MOD), R_MOD)");
        y.Close();
        y.Close();
    }
}
