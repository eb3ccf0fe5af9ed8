using System.Globalization;
using System.Numerics;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Proofs.Lookups;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// The generated main part of the verifier of a zero-knowledge key (docs/protocol.md "Inference proof" → "ZK mode" and
/// "On-chain verifier" → "ZK mode"): the exact replay of <c>ZkInference.Verify</c> on top of the fixed ZK core
/// (Templates/ZkCore.yul: the masked sumcheck, the masked LogUp, the ZK batched opening with its hiding HyperKZG). Public
/// inputs, and private inputs with the input range check off or on (then W3, the LogUp's input side and its claims). Kept
/// apart from the dense <c>Main</c> so that default-mode verifiers stay byte for byte as they are.
/// </summary>
public static partial class SolidityVerifierGenerator
{
    // ctx words of a ZK verifier (see ZkMain); per layer ℓ three words at ZkLayerBase + 3ℓ: its point u_ℓ (b + o_ℓ words:
    // out_r for the output layer, the suffix p_ℓ of r_w for a hidden one), V_ℓ = u_ℓ,last(1 − u_ℓ,last), c_ℓ = λ^j.
    private const int ZBeta = 4, ZAlpha = 5, ZRw = 6, ZRt = 7, ZLu = 8, ZCols = 9, ZRout = 10, ZLuPt = 11, ZNlu = 12, ZVlu = 13,
        ZCf = 14, ZFill = 15, ZKappa = 16, ZVk = 17, ZMm = 18, ZBiases = 19, ZPf = 20, ZLambda = 21, ZLayerBase = 22;

    /// <summary>The ZK shape of <paramref name="vk"/> for 2^b rows, or null when the C# verifier rejects that batch size (ZkShape throws).</summary>
    private static ZkShape? ZkShapeOrNull(VerifyingKey vk, int b)
    {
        try { return new ZkShape(vk, b); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>
    /// The batch record of a ZK key for 2^b rows (docs/protocol.md "On-chain verifier" → "ZK mode"): proof length
    /// (<c>ZkShape.ProofLength</c>; 2^32 − 1 for a batch size the C# verifier rejects), n, N1, N2, N, covered entries of f,
    /// the W2 indices of h′_w, h_t, the W1 index of mult, both Libra items (variables and index), the mask region (v_R, j_R),
    /// per hidden ℓ the W1 indices of A_ℓ, R_ℓ,i and the f indices of its segments, then every μ/ν item's index inside the
    /// region (in units of its size), in <c>ZkShape</c>'s order.
    /// </summary>
    private static List<Field> ZkFields(Circuit c, int b)
    {
        var vk = c.Vk;
        var zs = ZkShapeOrNull(vk, b);
        if (zs is null)
        {
            int bOk = Enumerable.Range(0, System.Numerics.BitOperations.Log2((uint)vk.MaxBatch) + 1).FirstOrDefault(k => ZkShapeOrNull(vk, k) is not null, -1);
            if (bOk < 0) throw new InvalidOperationException("no batch size of this key has a ZK shape");
            return ZkFields(c, bOk).Select((f, i) => new Field(f.Name, i == 0 ? uint.MaxValue : 0)).ToList();
        }
        var bs = zs.Batch;
        Layout w1 = bs.W1!, f = bs.F!, w2 = zs.W2;
        long Idx(Layout lay, int item) => lay.Offset(item) >> lay.LogSize(item);
        var (vR, jR) = ZkRegion(zs);
        long Rel(int item) => (w2.Offset(item) - (jR << vR)) >> w2.LogSize(item);
        var r = new List<Field>
        {
            new("proof length", zs.ProofLength(vk)), new("n (f vars)", zs.N), new("N1 (W1 vars)", w1.NumVars), new("N2 (W2 vars)", w2.NumVars),
            new("N (opening vars)", zs.OpeningVars), new("f covered", f.Covered),
            new("h_w index", Idx(w2, 0)), new("h_t index", Idx(w2, 1)), new("mult index", Idx(w1, bs.MultItem)),
            new("Libra LogUp vars", w2.LogSize(zs.LibraLu)), new("Libra LogUp index", Idx(w2, zs.LibraLu)),
            new("Libra matmul vars", w2.LogSize(zs.LibraMm)), new("Libra matmul index", Idx(w2, zs.LibraMm)),
            new("region vars", vR), new("region index", jR),
        };
        for (int l = 0; l < zs.H; l++)
        {
            r.Add(new($"A_{l} index", Idx(w1, bs.AItem[l])));
            for (int i = 0; i < vk.Layers[l].Limbs; i++) r.Add(new($"R_{l},{i} index", Idx(w1, bs.RItem[l][i])));
            r.Add(new($"f act_{l} index", Idx(f, bs.FAct[l])));
            for (int i = 0; i < vk.Layers[l].Limbs; i++) r.Add(new($"f limb_{l},{i} index", Idx(f, bs.FLimb[l][i])));
        }
        foreach (var (name, item) in ZkMaskItems(zs)) r.Add(new(name, Rel(item)));
        return r;
    }

    /// <summary>The μ and ν items of the mask region by name (their order in the batch record).</summary>
    private static List<(string Name, int Item)> ZkMaskItems(ZkShape zs)
    {
        var r = new List<(string, int)>();
        for (int l = 0; l < zs.H; l++)
        {
            r.Add(($"mu_A_{l}", zs.MuA[l]));
            for (int i = 0; i < zs.MuR[l].Length; i++) r.Add(($"mu_R_{l},{i}", zs.MuR[l][i]));
            r.Add(($"nu_Z_{l}", zs.NuZ[l]));
        }
        r.Add(("mu_mult", zs.MuMult));
        r.Add(("mu_hw", zs.MuHw));
        r.Add(("mu_ht", zs.MuHt));
        r.Add(("mu_acol", zs.MuAcol));
        for (int l = 0; l < zs.L; l++) { r.Add(($"mu_W_{l}", zs.MuW[l])); r.Add(($"nu_b_{l}", zs.NuB[l])); }
        if (zs.Private) r.Add(("mu_X", zs.MuX));
        if (zs.RangeCheck) r.Add(("mu_hin", zs.MuHin));
        return r;
    }

    /// <summary>
    /// The mask region of W2: the smallest aligned block (2^{v_R} entries, index j_R) that holds every μ and ν item, v_R ≥ 2
    /// (a ν item has 4 entries). The kind-2 terms of the ZK batched opening are its items (zkRegionEq).
    /// </summary>
    private static (int Vars, long Index) ZkRegion(ZkShape zs)
    {
        var w2 = zs.W2;
        var items = ZkMaskItems(zs).Select(x => x.Item).ToList();
        long lo = items.Min(i => w2.Offset(i)), hi = items.Max(i => w2.Offset(i) + w2.Size(i));
        int v = 2;
        while ((lo >> v) != ((hi - 1) >> v)) v++;
        return (v, lo >> v);
    }

    /// <summary>The record field named <paramref name="name"/> (see <see cref="ZkFields"/>; not a constant field).</summary>
    private static int ZField(Circuit c, string name)
    {
        var names = c.FieldNames();
        int i = names.IndexOf(name);
        return i >= 0 ? i : throw new InvalidOperationException($"no ZK batch field {name} in the record (a constant field is a literal: ZFieldAt)");
    }

    /// <summary>
    /// The Yul expression of field <paramref name="name"/> of the record at <paramref name="lay"/>: its value as a literal when it is
    /// the same at every batch size of the key (<see cref="ZkConstantFields"/>), else <c>layField(lay, index)</c>.
    /// </summary>
    private static string ZFieldAt(Circuit c, string name, string lay)
        => c.ZkConstants.TryGetValue(name, out var v) ? v.ToString(CultureInfo.InvariantCulture) : $"layField({lay}, {ZField(c, name)})";

    /// <summary>
    /// The fields of <see cref="ZkFields"/> with one value at every batch size the key's verifier accepts (not the proof length,
    /// field 0, which the verifier reads at every size): the generated code holds them as literals, so a record holds only what
    /// changes with the batch (docs/protocol.md "On-chain verifier" → "ZK mode": the records of a key with many batch sizes fit
    /// EIP-170's code size).
    /// </summary>
    private static Dictionary<string, long> ZkConstantFields(Circuit c)
    {
        var vk = c.Vk;
        var records = Enumerable.Range(0, System.Numerics.BitOperations.Log2((uint)vk.MaxBatch) + 1)
            .Where(b => ZkShapeOrNull(vk, b) is not null).Select(b => ZkFields(c, b)).ToList();
        var r = new Dictionary<string, long>();
        if (records.Count == 0) return r;
        for (int i = 1; i < records[0].Count; i++)
            if (records.All(f => f[i].Value == records[0][i].Value)) r[records[0][i].Name] = records[0][i].Value;
        return r;
    }

    /// <summary>Checks the key properties the generated ZK code relies on; throws <see cref="InvalidOperationException"/> otherwise.</summary>
    private static (int LuLast, int[] MmDegrees, ZkShape Any) ZkChecks(Circuit c)
    {
        var vk = c.Vk;
        ZkShape? any = null;
        int luLast = -1;
        for (int b = 0; b <= System.Numerics.BitOperations.Log2((uint)vk.MaxBatch); b++)
        {
            var zs = ZkShapeOrNull(vk, b);
            if (zs is null) continue;
            any ??= zs;
            var lu = zs.LuDegrees;
            if (lu.Length != zs.Nlu || lu[..^1].Any(d => d != 2))
                throw new InvalidOperationException($"the masked LogUp's degree profile at b = {b} is not 2 … 2 d_last");
            if (luLast >= 0 && lu[^1] != luLast) throw new InvalidOperationException("the masked LogUp's last degree depends on the batch size");
            luLast = lu[^1];
            if (!zs.MmDegrees.SequenceEqual(any.MmDegrees) || zs.I != any.I) throw new InvalidOperationException("the matmul degree profile depends on the batch size");
            if (!zs.MmLayers.SequenceEqual(Enumerable.Range(0, zs.L).Reverse())) throw new InvalidOperationException("a ZK key whose layers are not all in the matmul");
        }
        if (any is null) throw new InvalidOperationException("no batch size of this key has a ZK shape");
        return (luLast, any.MmDegrees, any);
    }

    /// <summary>Which vectors split at some batch size of a key (docs/protocol.md "ZK mode: split opening vectors"): W1, W2, X′ (and W3 with it).</summary>
    private sealed record SplitKinds(bool W1, bool W2, bool X)
    {
        public bool Any => W1 || W2 || X;
    }

    /// <summary>The split vectors over the key's batch sizes 2^0 … MaxBatch (those the C# verifier accepts).</summary>
    private static SplitKinds ZkSplits(VerifyingKey vk)
    {
        bool w1 = false, w2 = false, x = false;
        for (int b = 0; 1 << b <= vk.MaxBatch; b++)
            if (ZkShapeOrNull(vk, b) is { } zs) { w1 |= zs.SplitW1; w2 |= zs.SplitW2; x |= zs.SplitX; }
        return new SplitKinds(w1, w2, x);
    }

    private static string ZkMain(Circuit c)
    {
        var vk = c.Vk;
        var ks = vk.Shape;
        var y = new YulWriter();
        var (luLast, mmDeg, zs0) = ZkChecks(c);
        int L = c.L, H = c.H, m = c.TableVars, iMax = zs0.I, lm = L, nuCount = zs0.NuCount, cc = c.ColumnCount;
        bool priv = zs0.Private;
        int parts = zs0.Parts, partVars = zs0.PartVars, kSplit = vk.ModelVars - partVars;
        int gW1 = zs0.W1Vector, gW2 = zs0.W2Vector, gX = zs0.XVector;
        bool rc = zs0.RangeCheck;
        int zRin = ZLayerBase + 3 * L, zXin = zRin + 1; // the input range check's r_in and X̂(r_in) (rc only)
        // Split opening vectors (docs/protocol.md "ZK mode: split opening vectors"): which vectors split at some batch size of
        // this key. A key whose batch sizes never split (e.g. max batch 16 at MNIST) gets none of the split code: its bytecode
        // and gas are as before.
        var sp = ZkSplits(vk);
        int zSplit = ZLayerBase + 3 * L + (rc ? 2 : 0), zHiOf = zSplit + 1, zHiAt = zSplit + 2;
        int ctxWords = zSplit + (sp.Any ? 3 : 0);
        string luAt = rc ? "0x140" : "0x100"; // the LogUp proof after D1, D2, W1, W2 (and W3)
        string Slot(int w) => "0x" + (32 * w).ToString("x", CultureInfo.InvariantCulture);
        string Ctx(int w) => $"mload(add(ctx, {Slot(w)}))";
        string Fld(string name) => ZFieldAt(c, name, "lay");
        string LPt(int l) => Ctx(ZLayerBase + 3 * l);
        string LV(int l) => Ctx(ZLayerBase + 3 * l + 1);
        string LC(int l) => Ctx(ZLayerBase + 3 * l + 2);
        var domain = Protocol.ZkDomain;

        y.Line("// ===== the ZK verifier core (fixed) ======================================================");
        bool tail = HasTailClaim(vk, zs0);
        foreach (var line in VerifierTemplates.ZkCore.TrimEnd('\n').Split('\n'))
        {
            if (line.TrimStart().StartsWith("// {{zk:split-ext}}", StringComparison.Ordinal))
            {
                // a term over a whole split vector (X′, W3; k = 0) on one of its halves: its weight at (ext − 1 ‖ r_g) over n + 1
                // coordinates (zkSplitTerms), the kind-0 eq directly (the cache is keyed on the shared r_g, not this point)
                if (!sp.X) continue;
                string ind = line[..line.IndexOf('/', StringComparison.Ordinal)];
                foreach (var l in new[]
                {
                    "let ext := shr(8, kind)",
                    "if ext {",
                    "    kind := and(kind, 0xff)",
                    "    let p := alloc(shl(5, add(n, 1)))",
                    "    mstore(p, sub(ext, 1))",
                    "    mcopy(add(p, 0x20), rg, shl(5, n))",
                    "    rg := p",
                    "    n := add(n, 1)",
                    "    if iszero(kind) { w := zkEqAt(mload(add(t, 0x80)), rg, n) leave }",
                    "}",
                }) y.Raw(ind + l);
                continue;
            }
            if (!line.TrimStart().StartsWith("// {{zk:extra-kinds}}", StringComparison.Ordinal)) { y.Raw(line); continue; }
            // kind 4 (the tail claim's weight, zkTailWeight) only where a claim uses it: every other verifier's source is as before
            if (tail) y.Raw(line[..line.IndexOf('/', StringComparison.Ordinal)] + "case 4 { w := mulmod(w, zkTailWeight(mload(add(t, 0x80)), z, sub(n, k)), R_MOD) }");
        }
        y.Blank();
        y.Line("// ===== this zero-knowledge circuit (generated) ================================================");
        // (also with private inputs: the template's mleX names them; the optimizer drops what is not called)
        XChunk(y, vk);
        int xLo = Math.Min(System.Numerics.BitOperations.Log2((uint)(32 / vk.XBytes)), vk.Layers[0].InVars);
        EqTableFixed(y, "eqTableXLo", xLo);
        EqTableFixed(y, "eqTableXHi", vk.Layers[0].InVars - xLo);
        EqTableFixed(y, "eqTableOut", vk.Layers[^1].OutVars);
        y.Blank();
        y.Comment($"Layers (0 = input side): {string.Join("; ", vk.Layers.Select((l, i) => $"{i}: 2^{l.InVars}→2^{l.OutVars}" + (i < H ? $", M={l.Multiplier}, k={l.Shift}, {l.Limbs} limbs of {vk.LimbBits} bits, QMin={l.QMin}, table 2^{l.TableVars}" : "")))}");
        y.Comment($"zero knowledge, {(priv ? "private inputs (statement B ‖ C_X ‖ Y)" : "public inputs (statement B ‖ X ‖ Y)")}; {parts} model part(s) of 2^{partVars} entries");
        y.Comment("ctx words: 0 B, 1 b, 2 layout record, 3 publicInputs, 4 β, 5 α, 6 r_w, 7 r_t, 8 LogUp values, 9 cols, 10 out_r, 11 LogUp point, 12 N_lu, 13 V_lu,");
        y.Comment($"14 c_f, 15 Fill(r_w), 16 κ, 17 V_κ, 18 matmul values, 19 biases, 20 proof, 21 λ; per layer ℓ at {ZLayerBase} + 3ℓ: u_ℓ, V_ℓ, λ^(L−1−ℓ)");
        y.Open("function verify(pf, pfLen, pi, piWords, layouts)");
        y.Line($"let ctx := alloc({Slot(ctxWords)})");
        y.Line("zkStatement(ctx, pi, piWords)");
        y.Line("let lay := add(layouts, mul(mload(add(ctx, 0x20)), BATCH_RECORD_BYTES))");
        y.Line("mstore(add(ctx, 0x40), lay)");
        y.Line("if iszero(eq(pfLen, layField(lay, 0))) { fail() }");
        y.Line($"mstore(add(ctx, {Slot(ZPf)}), pf)");
        if (sp.Any)
        {
            // bit 0 W1, 1 W2, 2 X′, 3 W3 split at this batch size; the high halves of W1, W2, W3 follow the opening
            y.Line($"let sp := zkSplits(ctx, lay)");
            y.Line($"mstore(add(ctx, {Slot(zSplit)}), sp)");
            y.Line("let hi := sub(add(pf, pfLen), shl(6, add(add(and(sp, 1), and(shr(1, sp), 1)), and(shr(3, sp), 1))))");
            y.Line($"mstore(add(ctx, {Slot(zHiAt)}), hi)");
        }
        y.Comment($"transcript: Transcript({Q(domain)}), absorb vk, io, zk_masks = C_D1 ‖ C_D2, w1; β, α; w2");
        y.Line($"mstore(0x00, {Q(domain)})");
        y.Line($"mstore(0x00, keccak256(0x00, {System.Text.Encoding.ASCII.GetByteCount(domain)}))");
        y.Line($"trAbsorbWord({Q(Protocol.Labels.Vk)}, VK_DIGEST)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Io)}, pi, shl(5, piWords))");
        y.Line($"for {{ let p := pf }} lt(p, add(pf, {luAt})) {{ p := add(p, 0x40) }} {{ g1Check(p) }}");
        y.Line($"trAbsorbCalldata({Q(Protocol.ZkLabels.Masks)}, pf, 0x80)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.W1)}, add(pf, 0x80), 0x40)");
        void High(int bit)
        {
            if (!sp.Any) return;
            y.Line($"if and(sp, {1 << bit}) {{ g1Check(hi) trAbsorbCalldata({Q(Protocol.ZkLabels.High)}, hi, 0x40) hi := add(hi, 0x40) }}");
        }
        if (sp.W1) High(0);
        y.Line($"mstore(add(ctx, {Slot(ZBeta)}), trChallenge({Q(Protocol.Labels.Beta)}))");
        y.Line($"mstore(add(ctx, {Slot(ZAlpha)}), trChallenge({Q(Protocol.Labels.Alpha)}))");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.W2)}, add(pf, 0xc0), 0x40)");
        if (sp.W2) High(1);
        if (rc) y.Line($"trAbsorbCalldata({Q(Protocol.ZkLabels.W3)}, add(pf, 0x100), 0x40)");
        if (rc && sp.X) High(3);
        y.Line($"let cd := zkLookups(ctx, add(pf, {luAt}))");
        y.Line("cd := zkMatmul(ctx, cd)");
        y.Line(sp.Any ? $"if iszero(eq(zkOpen(ctx, cd), mload(add(ctx, {Slot(zHiAt)})))) {{ fail() }}" : "if iszero(eq(zkOpen(ctx, cd), add(pf, pfLen))) { fail() }");
        y.Line("mstore(0x00, 1)");
        y.Line("return(0x00, 0x20)");
        y.Close();

        // ---- statement
        y.Blank();
        y.Comment(priv
            ? "Statement B ‖ C_X ‖ Y (B real output rows): 1 ≤ B ≤ MAX_BATCH, exact word count, zero padding, C_X on the curve. ctx ← B, b, pi."
            : "Statement B ‖ X ‖ Y (B real rows each): 1 ≤ B ≤ MAX_BATCH, exact word count, zero padding (X's range: zkMleX). ctx ← B, b, pi.");
        y.Open("function zkStatement(ctx, pi, words)");
        y.Line("if iszero(words) { fail() }");
        y.Line("let bsz := calldataload(pi)");
        y.Line("if or(iszero(bsz), gt(bsz, MAX_BATCH)) { fail() }");
        y.Line("let b := 0");
        y.Line("for { } lt(shl(b, 1), bsz) { } { b := add(b, 1) }");
        y.Line(priv ? "let body := mul(mul(bsz, OUTPUT_SIZE), Y_BYTES)" : "let body := add(mul(mul(bsz, INPUT_SIZE), X_BYTES), mul(mul(bsz, OUTPUT_SIZE), Y_BYTES))");
        int head = priv ? 3 : 1;
        y.Line($"let head := {head}");
        // a split X′: C_X is two points (low half, high half), four words
        if (priv && sp.X) y.Line($"if iszero(lt(add(b, {vk.Layers[0].InVars}), {ZkShape.SplitVars})) {{ head := 5 g1Check(add(pi, 0x60)) }}");
        y.Line("if iszero(eq(words, add(head, shr(5, add(body, 31))))) { fail() }");
        y.Line("let pad := sub(shl(5, sub(words, head)), body)");
        y.Open("if pad");
        y.Line("if shl(shl(3, sub(32, pad)), calldataload(add(pi, shl(5, sub(words, 1))))) { fail() }");
        y.Close();
        if (priv) y.Line("g1Check(add(pi, 0x20))");
        y.Line("mstore(ctx, bsz)");
        y.Line("mstore(add(ctx, 0x20), b)");
        y.Line("mstore(add(ctx, 0x60), pi)");
        y.Close();

        // ---- the row weights: padded rows are copies of row 0
        y.Blank();
        y.Comment("[eq(r_b, r)]_r with the padded rows' weights added to row 0 (they are its copies)");
        y.Open("function zkRowWeights(ctx, rb) -> eqb");
        y.Line("eqb := zkEqTable(rb, mload(add(ctx, 0x20)))");
        y.Line("let s := mload(eqb)");
        y.Line("for { let r := mload(ctx) } lt(r, shl(mload(add(ctx, 0x20)), 1)) { r := add(r, 1) } { s := addmod(s, mload(add(eqb, shl(5, r))), R_MOD) }");
        y.Line("mstore(eqb, s)");
        y.Close();

        y.Blank();
        y.Comment("Ỹ(r_b, r_o) over the B stated rows (padded rows as row 0) and the OUTPUT_SIZE real columns");
        y.Open("function zkMleY(ctx, rout) -> acc");
        y.Line("let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use");
        y.Line("let eqb := zkRowWeights(ctx, rout)");
        y.Line("let eqo := eqTableOut(add(rout, shl(5, mload(add(ctx, 0x20)))))");
        y.Line("let eqoEnd := add(eqo, shl(5, OUTPUT_SIZE))");
        y.Line(!priv ? "let yp := add(mload(add(ctx, 0x60)), add(0x20, mul(mul(mload(ctx), INPUT_SIZE), X_BYTES)))"
            : sp.X ? $"let yp := add(mload(add(ctx, 0x60)), add(0x60, shl(6, and(shr(2, mload(add(ctx, {Slot(zSplit)}))), 1)))) // after C_X's two or four words"
            : "let yp := add(mload(add(ctx, 0x60)), 0x60)");
        y.Open("for { let row := 0 } lt(row, mload(ctx)) { row := add(row, 1) }");
        y.Line("let rowAcc := 0");
        y.Open("for { let e := eqo } lt(e, eqoEnd) { e := add(e, 0x20) }");
        y.Comment("the signed value v as v + r (mod 2^256: r − |v| for v < 0, r + v < 2^256 else), which mulmod reduces");
        y.Line("rowAcc := addmod(rowAcc, mulmod(add(signextend(sub(Y_BYTES, 1), shr(sub(256, shl(3, Y_BYTES)), calldataload(yp))), q), mload(e), q), q)");
        y.Line("yp := add(yp, Y_BYTES)");
        y.Close();
        y.Line("acc := addmod(acc, mulmod(rowAcc, mload(add(eqb, shl(5, row))), q), q)");
        y.Close();
        y.Close();

        if (!priv)
        {
            y.Blank();
            y.Comment("X̃(r_b, ρ) over the B stated rows (padded rows as row 0) and INPUT_SIZE real columns; checks |x| ≤ X_BOUND (as mleX)");
            y.Open("function zkMleX(ctx, rb, rho) -> acc");
            y.Line("let eqb := zkRowWeights(ctx, rb)");
            y.Line("let eqlo := eqTableXLo(add(rho, shl(5, sub(IN_VARS0, X_LO_VARS))))");
            y.Line("let eqhi := eqTableXHi(rho)");
            y.Line("let xrow := add(mload(add(ctx, 0x60)), 0x20)");
            y.Open("for { let row := 0 } lt(row, mload(ctx)) { row := add(row, 1) }");
            y.Line("let rowAcc := 0");
            y.Open("for { let h := 0 } lt(shl(X_LO_VARS, h), INPUT_SIZE) { h := add(h, 1) }");
            y.Line("let s := xChunk(xrow, h, eqlo)");
            y.Line("if s { rowAcc := addmod(rowAcc, mulmod(s, mload(add(eqhi, shl(5, h))), R_MOD), R_MOD) }");
            y.Close();
            y.Line("acc := addmod(acc, mulmod(rowAcc, mload(add(eqb, shl(5, row))), R_MOD), R_MOD)");
            y.Line("xrow := add(xrow, mul(INPUT_SIZE, X_BYTES))");
            y.Close();
            y.Close();
        }

        y.Blank();
        y.Comment("z(1 − z): the factor of a masked item's mask at its mask coordinate z");
        y.Line("function zkVanish(z) -> v { v := mulmod(z, addmod(1, sub(R_MOD, z), R_MOD), R_MOD) }");

        // ---- lookups
        y.Blank();
        y.Comment($"the masked LogUp (table 2^{m}; rounds 2 … 2 {luLast}), r_N ∉ {{0, 1}}, cols ({cc}) with f̂(r_w) and t̂(r_t), the filler hint c_f");
        y.Open("function zkLookups(ctx, cd) -> cdOut");
        y.Line($"let n := {ZFieldAt(c, "n (f vars)", "mload(add(ctx, 0x40))")}");
        y.Line("let nlu := n");
        y.Line($"if lt(n, {m}) {{ nlu := {m} }}");
        if (rc)
        {
            y.Line($"let nin := add(mload(add(ctx, 0x20)), {vk.Layers[0].InVars}) // n_in = b + i_0");
            y.Line("if lt(nlu, nin) { nlu := nin }");
        }
        y.Line($"mstore(add(ctx, {Slot(ZNlu)}), nlu)");
        y.Line(rc ? "let lc := alloc(0x140) // [9] s̃el(r_in), written by zkLogUpIn" : "let lc := alloc(0x100)");
        if (rc) y.Line("mstore(add(lc, 0x100), nin)");
        y.Line("let p := alloc(shl(5, nlu))");
        y.Line("for { let q := p } lt(q, add(p, shl(5, nlu))) { q := add(q, 0x20) } { mstore(q, 2) }");
        y.Line($"mstore(add(p, shl(5, sub(nlu, 1))), {luLast})");
        y.Line("mstore(add(lc, 0x60), p)");
        y.Line($"mstore(lc, mload(add(ctx, {Slot(ZAlpha)})))");
        y.Line("mstore(add(lc, 0x20), n)");
        y.Line($"mstore(add(lc, 0x40), {m})");
        y.Line("p := alloc(shl(5, n))");
        y.Line("mstore(add(lc, 0x80), p)");
        y.Line($"mstore(add(ctx, {Slot(ZRw)}), p)");
        y.Line($"p := alloc({32 * m})");
        y.Line("mstore(add(lc, 0xa0), p)");
        y.Line($"mstore(add(ctx, {Slot(ZRt)}), p)");
        y.Line("p := alloc(shl(5, nlu))");
        y.Line("mstore(add(lc, 0xc0), p)");
        y.Line($"mstore(add(ctx, {Slot(ZLuPt)}), p)");
        y.Line(rc ? "p := alloc(0x100)" : "p := alloc(0xc0)");
        y.Line("mstore(add(lc, 0xe0), p)");
        y.Line($"mstore(add(ctx, {Slot(ZLu)}), p)");
        y.Line(rc ? "cdOut := zkLogUpIn(lc, cd)" : "cdOut := zkLogUp(lc, cd)");
        y.Line($"p := zkVanish(mload(add(mload(add(ctx, {Slot(ZLuPt)})), shl(5, sub(nlu, 1)))))");
        y.Line("if iszero(p) { fail() }");
        y.Line($"mstore(add(ctx, {Slot(ZVlu)}), p)");
        if (rc) ZkRangeCheckPoint(y, vk, zRin, zXin);
        y.Line($"zkFrRange(cdOut, {cc})");
        y.Line($"mstore(add(ctx, {Slot(ZCols)}), cdOut)");
        y.Line("zkCheckWitness(ctx)");
        y.Line("zkCheckTable(ctx)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Cols)}, cdOut, {32 * cc})");
        y.Line($"if eq(mload(add(ctx, {Slot(ZAlpha)})), {KeyShape.RangeTag}) {{ fail() }}");
        y.Line($"p := frAt(add(cdOut, {32 * cc})) // the filler hint c_f = 1/(α − 1), not absorbed");
        y.Line($"if iszero(eq(mulmod(p, frSub(mload(add(ctx, {Slot(ZAlpha)})), {KeyShape.RangeTag}), R_MOD), 1)) {{ fail() }}");
        y.Line($"mstore(add(ctx, {Slot(ZCf)}), p)");
        y.Line($"cdOut := add(cdOut, {32 * cc + 32})");
        y.Close();

        // ---- f̂(r_w)
        y.Blank();
        y.Comment("f̂(r_w) = Σ_seg sel_seg(r_w)·(tag + β·col + β²·a) + (1 − Σ_seg sel_seg(r_w))·1 on the masked columns; stores Fill(r_w)");
        y.Open("function zkCheckWitness(ctx)");
        y.Line("let lay := mload(add(ctx, 0x40))");
        y.Line("let b := mload(add(ctx, 0x20))");
        y.Line($"let rw := mload(add(ctx, {Slot(ZRw)}))");
        y.Line($"let n := {Fld("n (f vars)")}");
        y.Line($"let beta := mload(add(ctx, {Slot(ZBeta)}))");
        y.Line($"let cols := mload(add(ctx, {Slot(ZCols)}))");
        y.Line("let acc := 0");
        y.Line("let sels := 0");
        y.Line("let sel := 0");
        for (int l = 0; l < H; l++)
        {
            int cb = ks.ColumnOffset[l];
            y.Comment($"layer {l}: activation segment (tag {KeyShape.ActTag(l)}, Q̂_{l}, Â_{l}), then {vk.Layers[l].Limbs} limb segments (tag {KeyShape.RangeTag}, R̂_{l},i)");
            WitnessSegments(y, vk, l, cb, "zkSelector", ZFieldAt(c, $"f act_{l} index", "lay"), i => ZFieldAt(c, $"f limb_{l},{i} index", "lay"));
        }
        y.Line("let fill := frSub(1, sels)");
        y.Line($"acc := addmod(acc, mulmod(fill, {KeyShape.RangeTag}, R_MOD), R_MOD)");
        y.Line($"if iszero(eq(acc, mload(add(mload(add(ctx, {Slot(ZLu)})), 0x20)))) {{ fail() }}");
        y.Line($"mstore(add(ctx, {Slot(ZFill)}), fill)");
        y.Close();

        // ---- t̂(r_t)
        y.Blank();
        y.Comment("t̂(r_t) = Σ_seg sel_seg(r_t)·(tag + β·(q_lo + local index)) + β²·â_col(r_t)");
        y.Open("function zkCheckTable(ctx)");
        y.Line($"let rt := mload(add(ctx, {Slot(ZRt)}))");
        y.Line($"let beta := mload(add(ctx, {Slot(ZBeta)}))");
        y.Line($"let acc := mulmod(mulmod(beta, beta, R_MOD), calldataload(add(mload(add(ctx, {Slot(ZCols)})), {32 * (cc - 1)})), R_MOD)");
        ZkTableSegments(y, c, rc);
        y.Line($"if iszero(eq(acc, mload(add(mload(add(ctx, {Slot(ZLu)})), 0x60)))) {{ fail() }}");
        y.Close();

        // ---- requantization
        for (int l = 0; l < H; l++) Requantized(y, vk, l, ks.ColumnOffset[l], masked: true);

        // ---- the matmul
        y.Blank();
        y.Comment($"out_r (b + {vk.Layers[^1].OutVars} challenges, last ∉ {{0, 1}}), the masked biases b̂_ℓ (ℓ = L−1 … 0), λ, ONE masked sumcheck of {iMax} rounds");
        y.Comment("with the corrections, the rejected challenge events, the final check, absorb mm" + (priv ? "" : ", â_0 = X̃(r_b, ρ_0)"));
        y.Open("function zkMatmul(ctx, cd) -> cdOut");
        y.Line("zkPoints(ctx, cd)");
        y.Line("cdOut := zkMatmulSumcheck(ctx, cd)");
        y.Close();

        y.Blank();
        y.Comment("out_r and V_{L−1}; the hidden layers' points p_ℓ (suffixes of r_w) and V_ℓ = V_lu; absorb b̂_ℓ; λ");
        y.Open("function zkPoints(ctx, cd)");
        y.Line("let b := mload(add(ctx, 0x20))");
        y.Line($"let p := alloc(shl(5, add(b, {vk.Layers[^1].OutVars})))");
        y.Line($"zkChallenges({Q(Protocol.Labels.OutR)}, p, add(b, {vk.Layers[^1].OutVars}))");
        y.Line($"mstore(add(ctx, {Slot(ZRout)}), p)");
        y.Line($"mstore(add(ctx, {Slot(ZLayerBase + 3 * (L - 1))}), p)");
        y.Line($"let v := zkVanish(mload(add(p, shl(5, add(b, {vk.Layers[^1].OutVars - 1})))))");
        y.Line("if iszero(v) { fail() }");
        y.Line($"mstore(add(ctx, {Slot(ZLayerBase + 3 * (L - 1) + 1)}), v)");
        y.Line($"let n := {ZFieldAt(c, "n (f vars)", "mload(add(ctx, 0x40))")}");
        y.Line($"p := mload(add(ctx, {Slot(ZRw)}))");
        for (int l = 0; l < H; l++)
        {
            y.Line($"mstore(add(ctx, {Slot(ZLayerBase + 3 * l)}), add(p, shl(5, sub(n, add(b, {vk.Layers[l].OutVars})))))");
            y.Line($"mstore(add(ctx, {Slot(ZLayerBase + 3 * l + 1)}), mload(add(ctx, {Slot(ZVlu)})))");
        }
        y.Line($"zkFrRange(cd, {lm})");
        y.Line($"mstore(add(ctx, {Slot(ZBiases)}), cd)");
        y.Line($"for {{ let q := cd }} lt(q, add(cd, {32 * lm})) {{ q := add(q, 0x20) }} {{ trAbsorbCalldata({Q(Protocol.Labels.Bias)}, q, 0x20) }}");
        y.Line($"mstore(add(ctx, {Slot(ZLambda)}), trChallenge({Q(Protocol.Labels.MmLambda)}))");
        y.Close();

        y.Blank();
        y.Comment("the masked matmul sumcheck (labels mm_mask_sum, mm_rho), the rejected challenge events, the final check, absorb mm" + (priv ? "" : ", â_0 = X̃(r_b, ρ_0)"));
        y.Open("function zkMatmulSumcheck(ctx, cd) -> cdOut");
        y.Line("let ms := alloc(0xe0)");
        y.Line("mstore(ms, zkMatmulClaim(ctx, cd))");
        y.Line($"mstore(add(ms, 0x20), frAt(add(cd, {32 * lm})))");
        y.Line($"mstore(add(ms, 0x40), {Q(Protocol.ZkLabels.MatmulMaskSum)})");
        y.Line($"mstore(add(ms, 0x60), {Q(Protocol.ZkLabels.MatmulRho)})");
        y.Line("mstore(add(ms, 0x80), 0)");
        y.Line($"let kappa := alloc({32 * iMax})");
        for (int i = 0; i < iMax; i++) y.Line($"mstore(add(kappa, {32 * i}), {mmDeg[i]})");
        y.Line("mstore(add(ms, 0xa0), kappa)");
        y.Line($"mstore(add(ms, 0xc0), {iMax})");
        y.Line($"kappa := alloc({32 * iMax})");
        y.Line($"mstore(add(ctx, {Slot(ZKappa)}), kappa)");
        y.Line($"let e, rho, c := maskedSumcheck(ms, add(cd, {32 * lm + 32}), kappa)");
        y.Comment("the rejected challenge events: κ_I ∈ {0, 1, ½}, and A_ℓ's two selector values equal (p_ℓ[b] = κ[I − i_{ℓ+1}])");
        y.Line($"ms := mload(add(kappa, {32 * (iMax - 1)}))");
        y.Line("if eq(addmod(ms, ms, R_MOD), 1) { fail() }");
        y.Line("ms := zkVanish(ms)");
        y.Line("if iszero(ms) { fail() }");
        y.Line($"mstore(add(ctx, {Slot(ZVk)}), ms)");
        y.Line($"ms := {ZFieldAt(c, "n (f vars)", "mload(add(ctx, 0x40))")}");
        for (int l = 0; l < H; l++)
            y.Line($"if eq(mload(add(mload(add(ctx, {Slot(ZRw)})), shl(5, sub(ms, {vk.Layers[l].OutVars})))), mload(add(kappa, {32 * (iMax - vk.Layers[l + 1].InVars)}))) {{ fail() }}");
        if (rc)
        {
            y.Comment("the input range check: X's two selector values equal (r_in[0] = ρ_0[0], its column MSB at r_in and in layer 0's matmul; X′ column-major)");
            y.Line($"if eq(mload({Ctx(zRin)}), mload(add(kappa, {32 * (iMax - vk.Layers[0].InVars)}))) {{ fail() }}");
        }
        int mmWords = 2 * lm + nuCount + 1;
        y.Line($"zkFrRange(c, {mmWords})");
        y.Line($"mstore(add(ctx, {Slot(ZMm)}), c)");
        y.Line($"if iszero(eq(frSub(e, mulmod(rho, calldataload(add(c, {32 * (mmWords - 1)})), R_MOD)), zkMatmulFinal(ctx, c))) {{ fail() }}");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Mm)}, c, {32 * mmWords})");
        if (!priv)
            y.Line($"if iszero(eq(calldataload(add(c, {64 * (lm - 1)})), zkMleX(ctx, {LPt(0)}, add(kappa, {32 * (iMax - vk.Layers[0].InVars)})))) {{ fail() }}");
        y.Line($"cdOut := add(c, {32 * mmWords})");
        y.Close();

        y.Blank();
        y.Comment("Σ_j c_j·2^(I−i_ℓ)·(ẑ_ℓ − b̂_ℓ), c_j = λ^j (j = L−1−ℓ), ẑ_{L−1} = Ỹ(out_r), ẑ_ℓ = Ẑ_ℓ(p_ℓ) from the masked columns; stores c_j");
        y.Open("function zkMatmulClaim(ctx, biases) -> claim");
        y.Line("let cj := 1");
        for (int j = 0; j < lm; j++)
        {
            int l = L - 1 - j;
            string z = l == L - 1 ? $"zkMleY(ctx, mload(add(ctx, {Slot(ZRout)})))" : $"requantized{l}(mload(add(ctx, {Slot(ZCols)})))";
            y.Line($"mstore(add(ctx, {Slot(ZLayerBase + 3 * l + 2)}), cj)");
            y.Line($"claim := addmod(claim, mulmod(cj, mulmod({Hex(BigInteger.One << (iMax - vk.Layers[l].InVars))}, frSub({z}, calldataload(add(biases, {32 * j}))), R_MOD), R_MOD), R_MOD)");
            if (j < lm - 1) y.Line($"cj := mulmod(cj, mload(add(ctx, {Slot(ZLambda)})), R_MOD)");
        }
        y.Close();

        y.Blank();
        y.Comment("Σ_j c_j·â_j·ŵ_j + Σ_j c_j·2^(1−i_ℓ)·V_ℓ·(ν̂_Z,ℓ − ν̂_b,ℓ) from the values at c: (â, ŵ) per layer, then ν̂ (ν̂_Z if hidden, ν̂_b)");
        y.Open("function zkMatmulFinal(ctx, c) -> fin");
        int k = 0;
        for (int j = 0; j < lm; j++)
        {
            int l = L - 1 - j;
            var t = BigInteger.ModPow(BigInteger.One << (vk.Layers[l].InVars - 1), R - 2, R);
            y.Line($"fin := addmod(fin, mulmod({LC(l)}, mulmod(calldataload(add(c, {64 * j})), calldataload(add(c, {64 * j + 32})), R_MOD), R_MOD), R_MOD)");
            string d = l < H
                ? $"frSub(calldataload(add(c, {32 * (2 * lm + k)})), calldataload(add(c, {32 * (2 * lm + k + 1)})))"
                : $"frNeg(calldataload(add(c, {32 * (2 * lm + k)})))";
            k += l < H ? 2 : 1;
            y.Line($"fin := addmod(fin, mulmod(mulmod({LC(l)}, mulmod({Hex(t)}, {LV(l)}, R_MOD), R_MOD), {d}, R_MOD), R_MOD) // 2^(1−{vk.Layers[l].InVars})");
        }
        y.Close();

        // ---- the ZK batched opening
        var counter = new YulWriter();
        var (nClaims, nTerms, nWholeTerms) = ZkClaimsBody(counter, c, zs0);
        y.Blank();
        y.Comment($"the ZK batched opening: vectors model part 0 … {parts - 1}, W1, W2{(priv ? ", X (C_X)" : "")}{(rc ? ", W3 (C_3)" : "")}; {nClaims} claims, {nTerms} terms (ZkInference.BuildClaims)");
        y.Open("function zkOpen(ctx, cd) -> cdOut");
        y.Line("let lay := mload(add(ctx, 0x40))");
        y.Line($"let pf := mload(add(ctx, {Slot(ZPf)}))");
        int g = parts + 2 + (priv ? 1 : 0) + (rc ? 1 : 0);
        int maxHalves = (sp.W1 ? 1 : 0) + (sp.W2 ? 1 : 0) + (sp.X ? 1 + (rc ? 1 : 0) : 0);
        y.Line("let ob := alloc(0x180)");
        y.Line($"let vecs := alloc({128 * (g + maxHalves)})");
        for (int j = 0; j < parts; j++)
        {
            y.Line($"mstore(add(vecs, {128 * j}), MODEL_C{j}_X)");
            y.Line($"mstore(add(vecs, {128 * j + 32}), MODEL_C{j}_Y)");
            y.Line($"mstore(add(vecs, {128 * j + 64}), {partVars})");
        }
        y.Line($"calldatacopy(add(vecs, {128 * gW1}), add(pf, 0x80), 0x40)");
        y.Line($"mstore(add(vecs, {128 * gW1 + 64}), {Fld("N1 (W1 vars)")})");
        y.Line($"calldatacopy(add(vecs, {128 * gW2}), add(pf, 0xc0), 0x40)");
        y.Line($"mstore(add(vecs, {128 * gW2 + 64}), {Fld("N2 (W2 vars)")})");
        if (priv)
        {
            y.Line($"calldatacopy(add(vecs, {128 * gX}), add(mload(add(ctx, 0x60)), 0x20), 0x40)");
            y.Line($"mstore(add(vecs, {128 * gX + 64}), add(mload(add(ctx, 0x20)), {vk.Layers[0].InVars}))");
        }
        if (rc)
        {
            y.Line($"calldatacopy(add(vecs, {128 * zs0.W3Vector}), add(pf, 0x100), 0x40)");
            y.Line($"mstore(add(vecs, {128 * zs0.W3Vector + 64}), add(mload(add(ctx, 0x20)), {vk.Layers[0].InVars}))");
        }
        // Split vectors: the low half in the vector's place, the high half appended (zkSplitVectors)
        y.Line(sp.Any ? $"mstore(add(ob, 0x20), zkSplitVectors(ctx, vecs))" : $"mstore(add(ob, 0x20), {g})");
        y.Line("mstore(ob, vecs)");
        y.Line($"let terms := alloc({256 * (nTerms + (sp.X ? nWholeTerms : 0))})");
        y.Line("mstore(add(ob, 0x40), terms)");
        y.Line($"let ys := alloc({32 * nClaims})");
        y.Line("mstore(add(ob, 0x80), ys)");
        y.Line($"mstore(add(ob, 0xa0), {nClaims})");
        y.Line($"mstore(add(ob, 0xc0), {Fld("N (opening vars)")})");
        y.Line("let d := alloc(0x80)");
        y.Line("calldatacopy(d, pf, 0x80)");
        y.Line("mstore(add(ob, 0xe0), d)");
        y.Line("mstore(add(ob, 0x100), BLINDING_H_X)");
        y.Line("mstore(add(ob, 0x120), BLINDING_H_Y)");
        y.Line("d := alloc(0x100)");
        string[] g2n = ["G2_X_C1", "G2_X_C0", "G2_Y_C1", "G2_Y_C0", "TAU_G2_X_C1", "TAU_G2_X_C0", "TAU_G2_Y_C1", "TAU_G2_Y_C0"];
        for (int i = 0; i < 8; i++) y.Line($"mstore(add(d, {Slot(i)}), {g2n[i]})");
        y.Line("mstore(add(ob, 0x140), d)");
        y.Line("d := alloc(0x60)");
        y.Line($"mstore(d, {gW2})");
        y.Line($"mstore(add(d, 0x20), {Fld("region vars")})");
        y.Line($"mstore(add(d, 0x40), {Fld("region index")})");
        if (sp.Any) y.Line("zkSplitRegion(ctx, d)");
        y.Line("mstore(add(ob, 0x160), d)");
        y.Line(sp.Any ? "mstore(add(ob, 0x60), shr(8, sub(zkSplitTerms(ctx, terms, zkClaims(ctx, terms, ys)), terms)))"
            : "mstore(add(ob, 0x60), shr(8, sub(zkClaims(ctx, terms, ys), terms)))");
        y.Line("cdOut := zkBatchOpen(ob, cd)");
        y.Close();

        if (sp.Any)
        {
            y.Blank();
            y.Comment($"bit 0 W1, 1 W2, 2 X′, 3 W3: split at this batch size (≥ {ZkShape.SplitVars} variables; docs/protocol.md \"ZK mode: split opening vectors\")");
            y.Open("function zkSplits(ctx, lay) -> s");
            y.Line($"s := iszero(lt({Fld("N1 (W1 vars)")}, {ZkShape.SplitVars}))");
            y.Line($"s := or(s, shl(1, iszero(lt({Fld("N2 (W2 vars)")}, {ZkShape.SplitVars}))))");
            if (priv)
            {
                y.Line($"let sx := iszero(lt(add(mload(add(ctx, 0x20)), {vk.Layers[0].InVars}), {ZkShape.SplitVars}))");
                y.Line(rc ? "s := or(s, mul(sx, 12))" : "s := or(s, shl(2, sx))");
            }
            y.Close();
            y.Blank();
            y.Comment($"the opening's vectors split at this batch size: the low half in the vector's place, the high half appended (the");
            y.Comment($"opening's sum does not depend on the vectors' order); hiOf (ctx) [g] = the high half's index + 1 (0: not split),");
            y.Comment($"[{g}] = the mask region's vector + 1 (zkSplitRegion); returns the vector count");
            y.Open("function zkSplitVectors(ctx, vecs) -> cnt");
            y.Line($"let sp := mload(add(ctx, {Slot(zSplit)}))");
            y.Line($"let hiOf := alloc({32 * (g + 1)})");
            y.Line($"calldatacopy(hiOf, calldatasize(), {32 * (g + 1)})");
            y.Line($"mstore(add(ctx, {Slot(zHiOf)}), hiOf)");
            y.Line($"cnt := {g}");
            y.Line($"let hp := mload(add(ctx, {Slot(zHiAt)}))");
            if (sp.W1) y.Line($"if and(sp, 1) {{ zkHalf(vecs, hiOf, {gW1}, cnt, hp) cnt := add(cnt, 1) hp := add(hp, 0x40) }}");
            if (sp.W2) y.Line($"if and(sp, 2) {{ zkHalf(vecs, hiOf, {gW2}, cnt, hp) cnt := add(cnt, 1) hp := add(hp, 0x40) }}");
            if (sp.X)
            {
                y.Line($"if and(sp, 4) {{ zkHalf(vecs, hiOf, {gX}, cnt, add(mload(add(ctx, 0x60)), 0x60)) cnt := add(cnt, 1) }}");
                if (rc) y.Line($"if and(sp, 8) {{ zkHalf(vecs, hiOf, {zs0.W3Vector}, cnt, hp) cnt := add(cnt, 1) }}");
            }
            y.Close();
            y.Blank();
            y.Comment("the mask region's vector (d: [vector, v_R, j_R]): with W2 split, the half holding it (j_R's top bit of N2 − v_R), j_R re-based");
            y.Open("function zkSplitRegion(ctx, d)");
            y.Line($"let hiOf := mload(add(ctx, {Slot(zHiOf)}))");
            if (sp.W2)
            {
                y.Open($"if and(mload(add(ctx, {Slot(zSplit)})), 2)");
                y.Line($"let lay := mload(add(ctx, 0x40))");
                y.Line($"let top := sub(sub({Fld("N2 (W2 vars)")}, {Fld("region vars")}), 1)");
                y.Line($"if and(shr(top, {Fld("region index")}), 1) {{ mstore(d, sub(mload(add(hiOf, {32 * gW2})), 1)) }}");
                y.Line($"mstore(add(d, 0x40), and({Fld("region index")}, sub(shl(top, 1), 1)))");
                y.Close();
            }
            y.Line($"mstore(add(hiOf, {32 * g}), add(mload(d), 1))");
            y.Close();
            y.Blank();
            y.Comment("vector g split: its slot becomes the low half (one variable fewer), the high half (commitment at calldata src) goes to slot cnt");
            y.Open("function zkHalf(vecs, hiOf, g, cnt, src)");
            y.Line("let lo := add(vecs, shl(7, g))");
            y.Line("let n := sub(mload(add(lo, 0x40)), 1)");
            y.Line("mstore(add(lo, 0x40), n)");
            y.Line("let h := add(vecs, shl(7, cnt))");
            y.Line("calldatacopy(h, src, 0x40)");
            y.Line("mstore(add(h, 0x40), n)");
            y.Line("mstore(add(hiOf, shl(5, g)), add(cnt, 1))");
            y.Close();
            y.Blank();
            y.Comment("the terms on split vectors (ZkOpeningSplit.Claims), after zkClaims wrote them on the whole vectors: a block term goes to");
            y.Comment("the half holding its block (index re-based), a mask-region term to the region's half, a term over the whole vector");
            y.Comment("(k = 0) to both halves, its weight taken at (0 ‖ r′) and (1 ‖ r′) (ext 1, 2 in the kind word's second byte: zkWeight;");
            y.Comment("the high half's copy appended at tEnd). Nothing when no vector is split at this batch size. Returns the new end.");
            y.Open("function zkSplitTerms(ctx, terms, tEnd) -> out");
            y.Line("out := tEnd");
            y.Line($"if iszero(mload(add(ctx, {Slot(zSplit)}))) {{ leave }}");
            y.Line($"let hiOf := mload(add(ctx, {Slot(zHiOf)}))");
            y.Open("for { let t := terms } lt(t, tEnd) { t := add(t, 0x100) }");
            y.Line("let hi := mload(add(hiOf, shl(5, mload(add(t, 0x20)))))");
            y.Open("if hi");
            y.Line("let k := mload(add(t, 0xc0))");
            y.Line("switch mload(add(t, 0x60))");
            y.Line($"case 2 {{ mstore(add(t, 0x20), sub(mload(add(hiOf, {32 * g})), 1)) mstore(add(t, 0xc0), sub(k, 1)) }}");
            y.Open("default");
            y.Line("switch k");
            y.Open("case 0");
            y.Line("mcopy(out, t, 0x100)");
            y.Line("mstore(add(out, 0x20), sub(hi, 1))");
            y.Line("mstore(add(out, 0x60), or(mload(add(t, 0x60)), 0x200))");
            y.Line("mstore(add(t, 0x60), or(mload(add(t, 0x60)), 0x100))");
            y.Line("out := add(out, 0x100)");
            y.Close();
            y.Open("default");
            y.Line("k := sub(k, 1)");
            y.Line("let j := mload(add(t, 0xe0))");
            y.Line("if and(shr(k, j), 1) { mstore(add(t, 0x20), sub(hi, 1)) }");
            y.Line("mstore(add(t, 0xc0), k)");
            y.Line("mstore(add(t, 0xe0), and(j, sub(shl(k, 1), 1)))");
            y.Close();
            y.Close();
            y.Close();
            y.Close();
            y.Close();
        }


        y.Blank();
        y.Comment("one opening term (claim i, vector g, κ, kind, data, rows, k, j) at t; meta = i | g << 16 | kind << 32 | rows << 48");
        y.Open("function zkTerm(t, meta, coef, data, k, j) -> next");
        y.Line("mstore(t, and(meta, 0xffff))");
        y.Line("mstore(add(t, 0x20), and(shr(16, meta), 0xffff))");
        y.Line("mstore(add(t, 0x40), coef)");
        y.Line("mstore(add(t, 0x60), and(shr(32, meta), 0xffff))");
        y.Line("mstore(add(t, 0x80), data)");
        y.Line("mstore(add(t, 0xa0), shr(48, meta))");
        y.Line("mstore(add(t, 0xc0), k)");
        y.Line("mstore(add(t, 0xe0), j)");
        y.Line("next := add(t, 0x100)");
        y.Close();
        y.Blank();
        y.Comment("a new point a ‖ c (na and nc words)");
        y.Open("function zkConcat(a, na, c, nc) -> p");
        y.Line("p := alloc(shl(5, add(na, nc)))");
        y.Line("mcopy(p, a, shl(5, na))");
        y.Line("mcopy(add(p, shl(5, na)), c, shl(5, nc))");
        y.Close();
        y.Blank();
        y.Comment("a new point (x, z) of 2 words");
        y.Open("function zkPair(x, z) -> p");
        y.Line("p := alloc(0x40)");
        y.Line("mstore(p, x)");
        y.Line("mstore(add(p, 0x20), z)");
        y.Close();

        y.Blank();
        y.Comment("the claims of ZkInference.BuildClaims in order: values into ys, terms into terms (kind 0 eq, 1 Libra, 2 mask-region item, 3 the constant 1)");
        y.Open("function zkClaims(ctx, t, ys) -> tEnd");
        ZkClaimsBody(y, c, zs0);
        y.Close();
        if (rc) ZkRangeCheckFunctions(y, c);
        return y.ToString();
    }

    /// <summary>Writes the body of zkClaims (the claims of <c>ZkInference.BuildClaims</c>); returns the claim and term counts.</summary>
    /// <summary>
    /// True when the opening has the tail claim's kind-4 term (the input range check on, X′ with padded columns). The one test
    /// both for emitting the term (ZkClaimsBody) and for zkWeight's <c>case 4</c> (ZkMain): zkWeight's switch has no default
    /// (kind 3 is the bare selector), so a kind-4 term without its case would weigh the whole vector instead of the tail.
    /// </summary>
    private static bool HasTailClaim(VerifyingKey vk, ZkShape zs) => zs.RangeCheck && vk.InputSize < 1 << vk.Layers[0].InVars;

    private static (int Claims, int Terms, int WholeTerms) ZkClaimsBody(YulWriter y, Circuit c, ZkShape zs)
    {
        var vk = c.Vk;
        var ks = vk.Shape;
        var ml = ks.ModelLayout;
        int L = c.L, H = c.H, m = c.TableVars, iMax = zs.I, cc = c.ColumnCount, lm = L;
        int gW1 = zs.W1Vector, gW2 = zs.W2Vector, gX = zs.XVector;
        int kSplit = vk.ModelVars - zs.PartVars;
        string Slot(int w) => "0x" + (32 * w).ToString("x", CultureInfo.InvariantCulture);
        string Ctx(int w) => $"mload(add(ctx, {Slot(w)}))";
        string Fld(string name) => ZFieldAt(c, name, "lay");
        string LPt(int l) => Ctx(ZLayerBase + 3 * l);
        string LV(int l) => Ctx(ZLayerBase + 3 * l + 1);
        int claim = -1, terms = 0, whole = 0;
        void Claim(string value, string what)
        {
            claim++;
            y.Comment($"claim {claim}: {what}");
            y.Line($"mstore(add(ys, {32 * claim}), {value})");
        }
        void Term(int vector, int kind, string coef, string data, string k, string j, string? rows = null)
        {
            long meta = (long)(uint)claim | ((long)vector << 16) | ((long)kind << 32);
            string metaExpr = rows is null ? meta.ToString(CultureInfo.InvariantCulture) : $"or({meta}, shl(48, {rows}))";
            y.Line($"t := zkTerm(t, {metaExpr}, {coef}, {data}, {k}, {j})");
            terms++;
            if ((zs.Private && vector == zs.XVector) || (zs.RangeCheck && vector == zs.W3Vector)) whole++; // (k = 0: two terms when split)
        }
        // a 2-entry μ item (d = 1) or a 4-entry ν item (d = 2) of the mask region: kind 2, k = N2 − d
        void Region(string item, string coef, string data, int d) => Term(gW2, 2, coef, data, $"sub(n2, {d})", Fld(item));
        // P_model(z) on the parts, z = the item's offset bits ‖ local (in z, a memory point of the item's log-size words)
        void Model(int item, string coef)
        {
            int s = ml.LogSize(item), pre = vk.ModelVars - s;
            long idx = ml.Offset(item) >> s;
            if (pre >= kSplit)
            {
                int kb = pre - kSplit;
                Term((int)(idx >> kb), 0, coef, "z", kb.ToString(CultureInfo.InvariantCulture), (idx & ((1L << kb) - 1)).ToString(CultureInfo.InvariantCulture));
                return;
            }
            int h = kSplit - pre;
            for (int jl = 0; jl < 1 << h; jl++)
                Term((int)((idx << h) | (long)jl), 0, coef == "1" ? $"zkSelector(z, {h}, {jl})" : $"mulmod({coef}, zkSelector(z, {h}, {jl}), R_MOD)", $"add(z, {32 * h})", "0", "0");
        }
        // The tail claim (ZkInference.TailTerms): X′ vanishes on the padded columns [InputSize, 2^{i_0}). C# states it as one
        // term per dyadic column block; their weights sum to eq(r_in, ·) restricted to the column-major tail, whose MLE at the
        // opening point g is the one kind-4 term zkTailWeight(r_in, g) (O(n_in), ZkTailFunction): the same K_X. Value 0;
        // none when InputSize = 2^{i_0}.
        void TailClaim(string rin)
        {
            if (!HasTailClaim(vk, zs)) return;
            Claim("0", $"Σ_{{e ≥ InputSize·Bp}} eq(r_in, e)·X′[e] = 0: the padded columns [{vk.InputSize}, {1 << vk.Layers[0].InVars}) of X′ are zero");
            Term(gX, 4, "1", rin, "0", "0");
        }
        y.Line("let lay := mload(add(ctx, 0x40))");
        y.Line("let b := mload(add(ctx, 0x20))");
        y.Line($"let n := {Fld("n (f vars)")}");
        y.Line($"let n2 := {Fld("N2 (W2 vars)")}");
        y.Line("let z := 0");
        int zRin = ZLayerBase + 3 * L, zXin = zRin + 1;
        if (zs.RangeCheck) y.Line($"let nin := add(b, {vk.Layers[0].InVars})");
        // LogUp
        Claim($"frSub(mload({Ctx(ZLu)}), mulmod({Ctx(ZCf)}, {Ctx(ZFill)}, R_MOD))", "h′_w(r_w) + V_lu·μ_hw(r_w[0]) = ĥ_w − c_f·Fill(r_w)");
        Term(gW2, 0, "1", Ctx(ZRw), "sub(n2, n)", Fld("h_w index"));
        Region("mu_hw", Ctx(ZVlu), Ctx(ZRw), 1);
        Claim($"mload(add({Ctx(ZLu)}, 0x40))", "h_t(r_t) + V_lu·μ_ht(r_t[0]) = ĥ_t");
        Term(gW2, 0, "1", Ctx(ZRt), $"sub(n2, {m})", Fld("h_t index"));
        Region("mu_ht", Ctx(ZVlu), Ctx(ZRt), 1);
        Claim($"mload(add({Ctx(ZLu)}, 0x80))", "mult(r_t) + V_lu·μ_mult(r_t[0]) = m̂");
        Term(gW1, 0, "1", Ctx(ZRt), $"sub({Fld("N1 (W1 vars)")}, {m})", Fld("mult index"));
        Region("mu_mult", Ctx(ZVlu), Ctx(ZRt), 1);
        Claim($"calldataload(add({Ctx(ZCols)}, {32 * (cc - 1)}))", "a_col(r_t) on the model + V_lu·μ_acol(r_t[0]) = â_col");
        y.Line($"z := {Ctx(ZRt)}");
        Model(ks.ActColItem, "1");
        Region("mu_acol", Ctx(ZVlu), Ctx(ZRt), 1);
        Claim($"frNeg(mulmod({Ctx(ZCf)}, sub(shl(n, 1), {Fld("f covered")}), R_MOD))", "the sum relation 2^n·h′_w(½ⁿ) − 2^m·h_t(½ᵐ) = −c_f·(2^n − covered)");
        // 2^n·eq(½ⁿ, ·) and −2^m·eq(½ᵐ, ·) are the constants 1 and −1 on their blocks (eq(½, x) = ½ for every x): kind 3
        Term(gW2, 3, "1", "0", "sub(n2, n)", Fld("h_w index"));
        Term(gW2, 3, Hex(R - 1), "0", $"sub(n2, {m})", Fld("h_t index"));
        if (zs.RangeCheck) Term(zs.W3Vector, 3, "1", "0", "0", "0"); // + 2^{n_in}·h_in(½^{n_in}) on W3: the constant 1 on the whole vector
        Claim($"mload(add({Ctx(ZLu)}, 0xa0))", "the LogUp mask g(r) = v_g (Libra weights on its W2 item)");
        Term(gW2, 1, "1", Ctx(ZLuPt), $"sub(n2, {Fld("Libra LogUp vars")})", Fld("Libra LogUp index"), Ctx(ZNlu));
        if (zs.RangeCheck)
        {
            Claim($"mload(add({Ctx(ZLu)}, 0xc0))", "h_in(r_in) on W3 + V_lu·μ_hin(r_in[0]) = ĥ_in");
            Term(zs.W3Vector, 0, "1", Ctx(zRin), "0", "0");
            Region("mu_hin", Ctx(ZVlu), Ctx(zRin), 1);
            Claim(Ctx(zXin), "β·X′(r_in) on C_X + β·V_lu·μ_X(r_in[0]) = β·X̂(r_in) = f̂_in − t_X·s̃el(r_in) (X′ column-major: r_in[0] is its column MSB)");
            Term(gX, 0, Ctx(ZBeta), Ctx(zRin), "0", "0");
            Region("mu_X", $"mulmod({Ctx(ZVlu)}, {Ctx(ZBeta)}, R_MOD)", Ctx(zRin), 1);
            TailClaim(Ctx(zRin));
        }
        for (int l = 0; l < H; l++)
        {
            int cb = ks.ColumnOffset[l], o = vk.Layers[l].OutVars;
            y.Line($"z := add({Ctx(ZRw)}, shl(5, sub(n, add(b, {o})))) // p_{l}");
            string sel = $"add({Ctx(ZRw)}, shl(5, sub(n, {o})))";
            Claim($"calldataload(add({Ctx(ZCols)}, {32 * (cb + 1)}))", $"A_{l}(p_{l}) + V_lu·μ_A,{l}(p_{l}[b]) = Â_{l}");
            Term(gW1, 0, "1", "z", $"sub({Fld("N1 (W1 vars)")}, add(b, {o}))", Fld($"A_{l} index"));
            Region($"mu_A_{l}", Ctx(ZVlu), sel, 1);
            for (int i = 0; i < vk.Layers[l].Limbs; i++)
            {
                Claim($"calldataload(add({Ctx(ZCols)}, {32 * (cb + 2 + i)}))", $"R_{l},{i}(p_{l}) + V_lu·μ_R,{l},{i} = R̂_{l},{i}");
                Term(gW1, 0, "1", "z", $"sub({Fld("N1 (W1 vars)")}, add(b, {o}))", Fld($"R_{l},{i} index"));
                Region($"mu_R_{l},{i}", Ctx(ZVlu), sel, 1);
            }
        }
        // the matmul
        string mm = Ctx(ZMm);
        string kappa = Ctx(ZKappa);
        string vkap = Ctx(ZVk);
        string kLast = $"mload(add({kappa}, {32 * (iMax - 1)}))";
        int nu = 2 * lm;
        for (int j = 0; j < lm; j++)
        {
            int l = L - 1 - j;
            var lk = vk.Layers[l];
            string rho = $"add({kappa}, {32 * (iMax - lk.InVars)})";
            string ro = $"add({LPt(l)}, shl(5, b))";
            string yl = $"mload({ro})";
            Claim($"calldataload(add({mm}, {64 * j + 32}))", $"W_{l}(ρ_{l}, r_o) on the model + V_κ·μ_W,{l}(ρ_{l}[0]) = ŵ_{l}");
            y.Line($"z := zkConcat({rho}, {lk.InVars}, {ro}, {lk.OutVars})");
            Model(KeyShape.WeightItem(l), "1");
            Region($"mu_W_{l}", vkap, rho, 1);
            Claim($"calldataload(add({Ctx(ZBiases)}, {32 * j}))", $"b_{l}(r_o) on the model + 2V_{l}·ν_b,{l}(u_{l}[b], ½) = b̂_{l}");
            y.Line($"z := {ro}");
            Model(KeyShape.BiasItem(l), "1");
            Region($"nu_b_{l}", $"addmod({LV(l)}, {LV(l)}, R_MOD)", $"zkPair({yl}, INV_TWO)", 2);
            if (l >= 1)
            {
                Claim($"calldataload(add({mm}, {64 * j}))", $"A_{l - 1}(r_b, ρ_{l}) + V_κ·μ_A,{l - 1}(ρ_{l}[0]) = â_{l}");
                Term(gW1, 0, "1", $"zkConcat({LPt(l)}, b, {rho}, {lk.InVars})", $"sub({Fld("N1 (W1 vars)")}, add(b, {lk.InVars}))", Fld($"A_{l - 1} index"));
                Region($"mu_A_{l - 1}", vkap, rho, 1);
            }
            else if (zs.Private)
            {
                Claim($"calldataload(add({mm}, {64 * j}))", "X′(ρ_0, r_b) on C_X (column-major: the column coordinates first) + V_κ·μ_X(ρ_0[0]) = â_0");
                Term(gX, 0, "1", $"zkConcat({rho}, {lk.InVars}, {LPt(l)}, b)", "0", "0");
                Region("mu_X", vkap, rho, 1);
            }
            if (l < H)
            {
                Claim($"calldataload(add({mm}, {32 * nu++}))", $"ν_Z,{l}(u_{l}[b], κ_I) = ν̂_Z,{l}");
                Region($"nu_Z_{l}", "1", $"zkPair({yl}, {kLast})", 2);
            }
            Claim($"calldataload(add({mm}, {32 * nu++}))", $"ν_b,{l}(u_{l}[b], κ_I) = ν̂_b,{l}");
            Region($"nu_b_{l}", "1", $"zkPair({yl}, {kLast})", 2);
        }
        Claim($"calldataload(add({mm}, {32 * nu}))", "the matmul mask g(κ) = v_g (Libra weights on its W2 item)");
        Term(gW2, 1, "1", kappa, $"sub(n2, {Fld("Libra matmul vars")})", Fld("Libra matmul index"), iMax.ToString(CultureInfo.InvariantCulture));
        y.Line("tEnd := t");
        return (claim + 1, terms, whole);
    }

    // ---------------------------------------------------------------- the input range check (private inputs, check on)

    private static string ZSlot(int w) => "0x" + (32 * w).ToString("x", CultureInfo.InvariantCulture);

    /// <summary>
    /// Inside zkLookups, after zkLogUpIn (docs/protocol.md "ZK mode: the input range check"): r_in = the last n_in = b + i_0
    /// coordinates of the LogUp point, β ≠ 0 (else X̂ does not follow from f̂_in: the C# verifier rejects), and
    /// β·X̂(r_in) = f̂_in(r_in) − t_X·s̃el(r_in) (<c>ZkInference.ScaledInputAtRangePoint</c>; s̃el(r_in) from zkLogUpIn, lc[9]) into ctx.
    /// </summary>
    private static void ZkRangeCheckPoint(YulWriter y, VerifyingKey vk, int zRin, int zXin)
    {
        y.Comment("the input range check: r_in = the LogUp point's last n_in coordinates; β ≠ 0; β·X̂(r_in) = f̂_in(r_in) − t_X·s̃el(r_in) (the X claim at r_in is stated times β)");
        y.Line($"p := add(mload(add(ctx, {ZSlot(ZLuPt)})), shl(5, sub(nlu, nin)))");
        y.Line($"mstore(add(ctx, {ZSlot(zRin)}), p)");
        y.Line($"let beta := mload(add(ctx, {ZSlot(ZBeta)}))");
        y.Line("if iszero(beta) { fail() }");
        y.Line($"mstore(add(ctx, {ZSlot(zXin)}), frSub(mload(add(mload(add(ctx, {ZSlot(ZLu)})), 0xe0)), mulmod({vk.Shape.InputTag}, mload(add(lc, 0x120)), R_MOD)))");
    }

    /// <summary>
    /// Inside zkCheckTable: the table's segments as <see cref="TableSegments"/> writes them (and the input segment with the range
    /// check on, <see cref="ZkInputSegment"/>), with each segment's local index extended from the next shorter segment's
    /// (zkIndexExtend: the segments' local coordinates are all suffixes of r_t), in variables ix{s} for log-size s.
    /// </summary>
    private static void ZkTableSegments(YulWriter y, Circuit c, bool rc)
    {
        var vk = c.Vk;
        var t = c.Table!;
        int m = c.TableVars, H = c.H;
        var sizes = Enumerable.Range(0, H + 1).Select(t.LogSize).ToList();
        if (rc) sizes.Add(vk.Shape.TableLayout!.LogSize(vk.Shape.InputItem));
        y.Line($"let rtEnd := add(rt, {32 * m})");
        int prev = 0;
        foreach (int s in sizes.Distinct().Order())
        {
            y.Line($"let ix{s} := zkIndexExtend(rtEnd, {prev}, {s}, {(prev == 0 ? "0" : $"ix{prev}")})");
            prev = s;
        }
        TableSegments(y, c, H, "zkSelector", s => $"ix{s}");
        if (rc) ZkInputSegment(y, c);
    }

    /// <summary>
    /// Inside zkCheckTable: the table's input segment (<c>InferenceVerifier.TableAt</c>): (t_X, −InputBound + j, 0) for
    /// j ≤ 2·InputBound, the later entries repeating the last value, i.e. t_X + β·(−InputBound + idx − Σ_{j > 2·InputBound}
    /// (j − 2·InputBound)·eq(local, j)); the filler entry adds nothing (its tuple is 0, its a_col part is in β²·â_col).
    /// </summary>
    private static void ZkInputSegment(YulWriter y, Circuit c)
    {
        var vk = c.Vk;
        var ks = vk.Shape;
        var tl = ks.TableLayout!;
        int m = tl.NumVars, s = tl.LogSize(ks.InputItem);
        long idx = tl.Offset(ks.InputItem) >> s, top = 2L * vk.InputBound;
        y.Comment($"input segment: 2^{s} entries ({ks.InputTag}, −{vk.InputBound} + j, 0), the entries past j = {top} repeating the last one; the filler entry is 0");
        y.Line($"let inLoc := add(rt, {32 * (m - s)})");
        y.Line($"let inIdx := ix{s}");
        if (top + 1 < 1L << s)
            y.Line($"for {{ let j := {top + 1} }} lt(j, {1L << s}) {{ j := add(j, 1) }} {{ inIdx := frSub(inIdx, mulmod(sub(j, {top}), zkSelector(inLoc, {s}, j), R_MOD)) }}");
        y.Line($"acc := addmod(acc, mulmod(zkSelector(rt, {m - s}, {idx}), addmod({ks.InputTag}, mulmod(beta, addmod({Hex(Mod(-vk.InputBound))}, inIdx, R_MOD), R_MOD), R_MOD), R_MOD), R_MOD)");
    }

    /// <summary>
    /// The functions only a verifier with the input range check calls: zkLogUpIn (the masked LogUp with the input side),
    /// zkInputSel (s̃el at the column coordinates) and, when X′ has padded columns, zkTailWeight (kind 4: the tail claim's weight).
    /// </summary>
    private static void ZkRangeCheckFunctions(YulWriter y, Circuit c)
    {
        var vk = c.Vk;
        int i0 = vk.Layers[0].InVars;
        y.Blank();
        y.Comment("zkLogUp (ZkCore.yul) with the input side (LogUpVerifier.VerifyMasked with n_in): lc as zkLogUp's plus [8] n_in; N = max(n, m, n_in)");
        y.Comment("rounds; proof σ ‖ rounds ‖ ĥ_w ‖ f̂ ‖ ĥ_t ‖ t̂ ‖ m̂ ‖ ĥ_in(r_in) ‖ f̂_in(r_in) ‖ v_g; the final check gains λ²·(ĥ_in(α − f̂_in) − s̃el(r_in))");
        y.Comment("(r_in = the point's last n_in coordinates; s̃el → lc[9]); absorb(logup_evals, the seven values ‖ v_g). out (8 words): ĥ_w, f̂, ĥ_t,");
        y.Comment("t̂, m̂, v_g, ĥ_in, f̂_in.");
        y.Open("function zkLogUpIn(lc, cd) -> cdOut");
        y.Line($"let lambda := trChallenge({Q(LogUpLabels.Lambda)})");
        y.Line("let nn := mload(add(lc, 0x20))");
        y.Line("if gt(mload(add(lc, 0x40)), nn) { nn := mload(add(lc, 0x40)) }");
        y.Line("if gt(mload(add(lc, 0x100)), nn) { nn := mload(add(lc, 0x100)) }");
        y.Line("let pt := mload(add(lc, 0xc0))");
        y.Line("let e, rho, c := maskedSumcheck(zkLogUpInContext(lc, cd, nn), add(cd, 0x20), pt)");
        y.Line("let sel := zkInputSel(add(pt, shl(5, sub(nn, mload(add(lc, 0x100))))))");
        y.Line("mstore(add(lc, 0x120), sel)");
        y.Line("zkLogUpInFinal(lc, lambda, frSub(e, mulmod(rho, frAt(add(c, 0xe0)), R_MOD)), c, sel)");
        y.Line($"trAbsorbCalldata({Q(LogUpLabels.Evals)}, c, 0x100)");
        y.Line("mcopy(mload(add(lc, 0x80)), add(pt, shl(5, sub(nn, mload(add(lc, 0x20))))), shl(5, mload(add(lc, 0x20))))");
        y.Line("mcopy(mload(add(lc, 0xa0)), add(pt, shl(5, sub(nn, mload(add(lc, 0x40))))), shl(5, mload(add(lc, 0x40))))");
        y.Line("cdOut := add(c, 0x100)");
        y.Close();
        y.Blank();
        y.Comment("zkLogUpIn's masked zero-check context (maskedSumcheck): τ = nn challenges logup_tau, σ, the mask labels, the key's degrees");
        y.Open("function zkLogUpInContext(lc, cd, nn) -> ms");
        y.Line("ms := alloc(0xe0)");
        y.Line("let tau := alloc(shl(5, nn))");
        y.Line($"zkChallenges({Q(LogUpLabels.Tau)}, tau, nn)");
        y.Line("mstore(ms, 0)");
        y.Line("mstore(add(ms, 0x20), frAt(cd))");
        y.Line($"mstore(add(ms, 0x40), {Q(LogUpMaskLabels.Sum)})");
        y.Line($"mstore(add(ms, 0x60), {Q(LogUpMaskLabels.Rho)})");
        y.Line("mstore(add(ms, 0x80), tau)");
        y.Line("mstore(add(ms, 0xa0), mload(add(lc, 0x60)))");
        y.Line("mstore(add(ms, 0xc0), nn)");
        y.Close();
        y.Blank();
        y.Comment("zkLogUpIn's final check with e − ρ′·v_g: out ← v_g, ĥ_in, f̂_in; e − λ²·(ĥ_in(α − f̂_in) − s̃el(r_in)) against logUpFinal");
        y.Open("function zkLogUpInFinal(lc, lambda, e, c, sel)");
        y.Line("let out := mload(add(lc, 0xe0))");
        y.Line("mstore(add(out, 0xa0), calldataload(add(c, 0xe0))) // v_g (range-checked by the caller)");
        y.Line("let hin := frAt(add(c, 0xa0))");
        y.Line("let fin := frAt(add(c, 0xc0))");
        y.Line("mstore(add(out, 0xc0), hin)");
        y.Line("mstore(add(out, 0xe0), fin)");
        y.Line("let gin := frSub(mulmod(hin, frSub(mload(lc), fin), R_MOD), sel)");
        y.Line("logUpFinal(mload(lc), lambda, frSub(e, mulmod(mulmod(lambda, lambda, R_MOD), gin, R_MOD)), c, out)");
        y.Close();

        y.Blank();
        y.Comment($"s̃el at the {i0} column coordinates p (p[0] the MSB; X′ column-major: the first i_0 coordinates of r_in): Σ_{{col < {vk.InputSize}}} eq(p, col)");
        y.Comment("(ZkInference.InputSelectorAt) in O(i_0): for each 1-bit j of InputSize, the columns that agree with it above j and have 0 at j weigh");
        y.Comment("eq(prefix)·(1 − p_j)");
        y.Open("function zkInputSel(p) -> s");
        if (vk.InputSize == 1 << i0)
            y.Line("s := 1");
        else
        {
            y.Line("let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use");
            y.Line("let pre := 1");
            for (int j = 0; j < i0; j++)
            {
                bool one = ((vk.InputSize >> (i0 - 1 - j)) & 1) == 1;
                string x = $"mload(add(p, {32 * j}))";
                if (one)
                {
                    y.Line($"s := addmod(s, mulmod(pre, sub(add(q, 1), {x}), q), q)");
                    if (j < i0 - 1) y.Line($"pre := mulmod(pre, {x}, q)");
                }
                else if (j < i0 - 1) y.Line($"pre := mulmod(pre, sub(add(q, 1), {x}), q)");
            }
        }
        y.Close();

        if (vk.InputSize >= 1 << i0) return;
        y.Blank();
        y.Comment($"kind 4 (zkWeight): the tail claim's weight eq(p, ·)·[col ≥ {vk.InputSize}] of the column-major X′ at the opening point g (n = b + {i0}");
        y.Comment($"coordinates each, the {i0} column coordinates first) = eq(p_row, g_row)·Σ_{{col ≥ {vk.InputSize}}} Π_i ((1 − p_i)(1 − g_i) or p_i·g_i by col's bit i):");
        y.Comment("the sum over the column bits from the last up, ge = Σ over the suffix columns ≥ the bound's suffix, tot = Σ over all of them");
        y.Comment("(= the MLE of ZkInference.TailTerms' block weights, in O(n))");
        y.Open("function zkTailWeight(p, g, n) -> w");
        y.Line("let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use");
        y.Line($"w := zkEqAt(add(p, {32 * i0}), add(g, {32 * i0}), sub(n, {i0}))");
        y.Line("let ge := 1");
        y.Line("let tot := 1");
        y.Line("let x := 0");
        y.Line("let c := 0");
        y.Line("let a := 0");
        for (int j = i0 - 1; j >= 0; j--)
        {
            bool one = ((vk.InputSize >> (i0 - 1 - j)) & 1) == 1;
            y.Line($"x := mload(add(p, {32 * j}))");
            y.Line($"c := mulmod(x, mload(add(g, {32 * j})), q)");
            if (one && j == 0) { y.Line("ge := mulmod(c, ge, q)"); continue; }
            // (1 − x)(1 − y) = 1 − x − y + xy
            y.Line($"a := addmod(addmod(1, sub(q, addmod(x, mload(add(g, {32 * j})), q)), q), c, q)");
            y.Line(one ? "ge := mulmod(c, ge, q)" : "ge := addmod(mulmod(a, ge, q), mulmod(c, tot, q), q)");
            if (j > 0) y.Line("tot := mulmod(addmod(a, c, q), tot, q)");
        }
        y.Line("w := mulmod(w, ge, q)");
        y.Close();
    }
}
