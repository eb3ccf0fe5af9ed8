using System.Globalization;
using System.Numerics;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// The batched opening of a default-mode verifier (dense and conv keys) as straight-line generated code: the claims of
/// docs/protocol.md "Batched openings" are known here (their vector, variables, offset bits and the arrays their points
/// come from), so the initial claim Σ_i ρ^i·2^(N−n_i)·y_i and the final Σ_i ρ^i·eq(z_i, r_g(i))·e_g(i) are written out claim
/// by claim instead of being interpreted from claim records (the core's <c>batchOpen</c>, which the test harness keeps).
/// The eq factor of a point is computed once per array tail: coordinates of one array that pair with the same challenges
/// (same array, same distance from its end, same challenge position) are multiplied once, from the end, and every claim
/// whose point holds a tail of them reads the partial product. Same challenges, same checks, same verdicts.
/// </summary>
public static partial class SolidityVerifierGenerator
{
    /// <summary>A count known here (<see cref="Const"/>) or a Yul expression evaluated in the generated code.</summary>
    private readonly record struct Dim(int Const, string? Expr)
    {
        public bool IsConst => Expr is null;

        public string Yul => Expr ?? Const.ToString(CultureInfo.InvariantCulture);

        public static Dim C(int v) => new(v, null);

        public static Dim E(string e) => new(0, e);

        public static Dim operator +(Dim a, Dim b) =>
            a.IsConst && b.IsConst ? C(a.Const + b.Const) : a.IsConst && a.Const == 0 ? b : b.IsConst && b.Const == 0 ? a : E($"add({a.Yul}, {b.Yul})");

        public static Dim operator -(Dim a, Dim b) =>
            a.IsConst && b.IsConst ? C(a.Const - b.Const) : b.IsConst && b.Const == 0 ? a : E($"sub({a.Yul}, {b.Yul})");
    }

    /// <summary>The padded batch's bits b (a variable of the generated opening functions).</summary>
    private static readonly Dim DimB = Dim.E("b");

    /// <summary>
    /// Consecutive coordinates of a claim's point: the <paramref name="Len"/> coordinates of the memory array
    /// <paramref name="Family"/> (whose end address is <paramref name="End"/>) that end <paramref name="Skip"/> coordinates
    /// before its end (<paramref name="Start"/>, when given, is the address of its first coordinate, a shorter expression of the
/// same address); or, with <paramref name="Bits"/>, constant 0/1 coordinates.
    /// </summary>
    private sealed record Seg(string Family, string End, Dim Skip, Dim Len, int[]? Bits = null, string? Start = null)
    {
        public static Seg Constant(params int[] bits) => new("", "", Dim.C(0), Dim.C(bits.Length), bits);
    }

    /// <summary>
    /// One claim of the batched opening: its vector (group), value, the vector's variables, its offset bits (the item's
    /// index, see BATCH_LAYOUTS) and its point's suffix after the offset bits, as segments; or, with
    /// <paramref name="Half"/>, the suffix ½ … ½ of that many coordinates (a LogUp sum claim).
    /// </summary>
    private sealed record OClaim(string What, int Group, string Value, Dim N, Dim Offset, Seg[] Suffix, Dim? Half = null)
    {
        public Dim SuffixLen => Half ?? Suffix.Aggregate(Dim.C(0), (a, s) => a + s.Len);
    }

    /// <summary>
    /// Writes <c>opening(ctx, cd, g2, splits)</c> (the whole batched opening with its HyperKZG; fails unless it holds),
    /// <c>openingClaim</c> and <c>openingFinal</c> for <paramref name="claims"/> on the groups at ctx word 14 (commitments
    /// x, y per group), whose variables are <paramref name="groupN"/>.
    /// </summary>
    private static void EmitOpening(YulWriter y, IReadOnlyList<OClaim> claims, IReadOnlyList<Dim> groupN, int splitBits, int? nMaxConst)
    {
        int nGroups = groupN.Count;
        // ranks: order of first appearance among the claims (the vectors of "Batched openings"); the evaluations follow it
        var rank = new int[nGroups];
        int used = 0;
        foreach (var cl in claims)
            if (rank[cl.Group] == 0) rank[cl.Group] = ++used;
        string G(int g) => $"0x{32 * (rank[g] - 1):x}";

        // ---- the tails: coordinates of one array at one distance from its end pairing with the same challenges
        var tails = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal); // key → lengths needed
        var tailInfo = new Dictionary<string, (Seg Seg, Dim Lo)>(StringComparer.Ordinal);
        var runtimeUses = new Dictionary<string, int>(StringComparer.Ordinal);
        var suffixUses = new Dictionary<string, int>(StringComparer.Ordinal);
        string TailKey(Seg s, Dim lo) => $"{s.Family}|{s.Skip.Yul}|{lo.Yul}";
        string RunKey(Seg s, Dim lo) => $"{s.Family}|{s.Skip.Yul}|{lo.Yul}|{s.Len.Yul}";
        List<(Seg Seg, Dim Lo)> Placed(OClaim cl)
        {
            var r = new List<(Seg, Dim)>();
            var lo = Dim.C(0);
            for (int i = cl.Suffix.Length - 1; i >= 0; i--)
            {
                var s = cl.Suffix[i];
                if (s.Len is not { IsConst: true, Const: 0 }) r.Add((s, lo));
                lo += s.Len;
            }
            r.Reverse();
            return r;
        }
        string SuffixKey(OClaim cl) => string.Join(";", Placed(cl).Select(p => p.Seg.Bits is { } bits ? "bits" + string.Join("", bits) + "@" + p.Lo.Yul
            : p.Seg.Len.IsConst ? TailKey(p.Seg, p.Lo) + "#" + p.Seg.Len.Const : RunKey(p.Seg, p.Lo)));
        foreach (var cl in claims)
        {
            if (cl.Half is not null) continue;
            var key = SuffixKey(cl);
            suffixUses[key] = suffixUses.GetValueOrDefault(key) + 1;
            if (suffixUses[key] > 1) continue;
            foreach (var (s, lo) in Placed(cl))
            {
                if (s.Bits is not null) continue;
                if (s.Len.IsConst)
                {
                    var k = TailKey(s, lo);
                    if (!tails.TryGetValue(k, out var set)) tails[k] = set = [];
                    set.Add(s.Len.Const);
                    tailInfo[k] = (s, lo);
                }
                else runtimeUses[RunKey(s, lo)] = runtimeUses.GetValueOrDefault(RunKey(s, lo)) + 1;
            }
        }
        // memo slots: every needed tail length of a tail read more than once or at more than one length, every shared suffix
        var slot = new Dictionary<string, int>(StringComparer.Ordinal);
        int nSlots = 0;
        var tailRefs = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var cl in claims)
        {
            if (cl.Half is not null) continue;
            if (suffixUses[SuffixKey(cl)] > 1 && slot.ContainsKey("S" + SuffixKey(cl))) continue;
            if (suffixUses[SuffixKey(cl)] > 1) slot["S" + SuffixKey(cl)] = nSlots++;
            foreach (var (s, lo) in Placed(cl))
                if (s.Bits is null && s.Len.IsConst) tailRefs[TailKey(s, lo) + "#" + s.Len.Const] = tailRefs.GetValueOrDefault(TailKey(s, lo) + "#" + s.Len.Const) + 1;
        }
        foreach (var (k, set) in tails)
            if (set.Count > 1 || tailRefs[k + "#" + set.Min] > 1)
                foreach (int len in set) slot["T" + k + "#" + len] = nSlots++;
        foreach (var (k, n) in runtimeUses)
            if (n > 1) slot["R" + k] = nSlots++;
        // constant offsets (model items): the bits from the vector's top coordinate down; prefixes shared by several claims of
        // one vector are multiplied once (a trie: a node is memoized where the claims sharing it part)
        string? PathOf(OClaim cl)
        {
            var nsC = cl.SuffixLen;
            if (!(cl.N.IsConst && nsC.IsConst && cl.Offset.IsConst)) return null;
            var sb = new System.Text.StringBuilder();
            for (int j = cl.N.Const - 1; j >= nsC.Const; j--) sb.Append((cl.Offset.Const >> (j - nsC.Const)) & 1);
            return sb.ToString();
        }
        string NodeKey(OClaim cl, int len) => $"P{cl.Group}|{cl.N.Const}|{PathOf(cl)![..len]}";
        var nodeCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var cl in claims)
            if (PathOf(cl) is { } path)
                for (int len = 1; len <= path.Length; len++) nodeCount[NodeKey(cl, len)] = nodeCount.GetValueOrDefault(NodeKey(cl, len)) + 1;
        bool IsNode(OClaim cl, int len)
        {
            var path = PathOf(cl)!;
            int here = nodeCount[NodeKey(cl, len)];
            return here >= 2 && (len == path.Length || nodeCount[NodeKey(cl, len + 1)] < here);
        }
        foreach (var cl in claims)
            if (PathOf(cl) is { } path)
                for (int len = 1; len <= path.Length; len++)
                    if (IsNode(cl, len) && !slot.ContainsKey(NodeKey(cl, len))) slot[NodeKey(cl, len)] = nSlots++;
        // runtime offset factors shared by claims with the same vector size, suffix length and item index
        string OffKey(OClaim cl) => $"{cl.N.Yul}|{cl.SuffixLen.Yul}|{cl.Offset.Yul}";
        bool RuntimeOffset(OClaim cl) => !((cl.N - cl.SuffixLen).IsConst && cl.SuffixLen.IsConst && cl.Offset.IsConst);
        foreach (var g2 in claims.Where(RuntimeOffset).GroupBy(OffKey))
            if (g2.Count() > 1) slot["O" + g2.Key] = nSlots++;

        // ---- opening(ctx, cd, g2, splits)
        y.Blank();
        y.Comment($"the batched opening of the {claims.Count} claims (docs/protocol.md \"Batched openings\"; as the core's batchOpen with the claims");
        y.Comment("written out): ρ, the sumcheck and its final check, the evaluations, the splits' folds, γ, the joint claim, HyperKZG");
        y.Open("function opening(ctx, cd, g2, splits)");
        y.Line("let lay := mload(add(ctx, 0x40))");
        y.Line("let b := mload(add(ctx, 0x20))");
        if (nMaxConst is { } nc) y.Line($"let nMax := {nc} // N = max n_i is the same for every batch size (checked by the generator)");
        else
        {
            y.Line($"let nMax := {groupN[0].Yul}");
            for (int g = 1; g < nGroups; g++) y.Line($"{{ let ng := {groupN[g].Yul} if gt(ng, nMax) {{ nMax := ng }} }}");
        }
        y.Line($"let rho := trChallenge({Q(ZkMl.Proofs.Openings.BatchOpening.Labels.Rho)})");
        y.Line("let ch := alloc(shl(5, nMax))");
        y.Line("let e, ev := sumcheck2(openingClaim(ctx, lay, b, nMax, rho), nMax, cd, ch)");
        y.Line($"frRange(ev, {used})");
        y.Line("let bt := bitTable(ch, nMax)");
        y.Line("if iszero(eq(e, openingFinal(ctx, lay, b, rho, ev, bt))) { fail() }");
        y.Line($"trAbsorbCalldata({Q(ZkMl.Proofs.Openings.BatchOpening.Labels.Evals)}, ev, {32 * used})");
        // the joint claim (batchSplits, batchJoint written out; the ranks are known here): the model vector split into 2^k parts
        // enters as their fold Σ_S (Π_(t∈S) c_(n−k+t))·A_S over n − k variables; N' = the largest n'; y = Σ_g γ^(rank−1)·e_g·Π_(b=n'_g)^(N'−1)(1 − c_b);
        // C = Σ_g γ^(rank−1)·C'_g (the first by its coordinates, the others by one scalar multiplication each)
        var nPrime = groupN.Select((n, g) => g == 0 && splitBits > 0 ? n - Dim.C(splitBits) : n).ToArray();
        var order = Enumerable.Range(0, nGroups).Where(g => rank[g] > 0).OrderBy(g => rank[g]).ToArray();
        string Cx(int g) => $"mload(add(ctx, 0x{0x1c0 + 64 * g:x}))";
        string Cy(int g) => $"mload(add(ctx, 0x{0x1e0 + 64 * g:x}))";
        if (splitBits > 0)
        {
            y.Line($"let mx, my := splitFold(add(splits, 0x80), add(ch, {32 * (groupN[0].Const - splitBits)}), {splitBits})");
            y.Line("mstore(add(ctx, 0x1c0), mx)");
            y.Line("mstore(add(ctx, 0x1e0), my)");
        }
        y.Line($"let nJoint := {nPrime[order[0]].Yul}");
        foreach (int g in order.Skip(1))
            y.Line($"{{ let ng := {nPrime[g].Yul} if gt(ng, nJoint) {{ nJoint := ng }} }}");
        y.Line($"let gamma := trChallenge({Q(ZkMl.Proofs.Openings.BatchOpening.Labels.Gamma)})");
        y.Line("let hk := alloc(0x180)");
        y.Line("let be := add(bt, shl(7, nJoint))");
        for (int i = 0; i < order.Length; i++)
        {
            int g = order[i];
            string n = nPrime[g].IsConst ? $"0x{128 * nPrime[g].Const:x}" : $"shl(7, {nPrime[g].Yul})";
            string t = $"eqZeros(calldataload({(i == 0 ? "ev" : $"add(ev, {32 * i})")}), add(bt, {n}), be)";
            if (i == 0) y.Line($"let yj := {t}");
            else
            {
                y.Line(i == 1 ? "let gp := gamma" : "gp := mulmod(gp, gamma, R_MOD)");
                y.Line($"yj := addmod(yj, mulmod(gp, {t}, R_MOD), R_MOD)");
            }
        }
        y.Line("mstore(add(hk, 0x40), yj)");
        y.Line($"let cx := {Cx(order[0])}");
        y.Line($"let cy := {Cy(order[0])}");
        for (int i = 1; i < order.Length; i++)
        {
            int g = order[i];
            y.Line(i == 1 ? "let gq := gamma" : "gq := mulmod(gq, gamma, R_MOD)");
            y.Line($"cx, cy := ecMulAdd(cx, cy, {Cx(g)}, {Cy(g)}, gq)");
        }
        y.Line("mstore(hk, cx)");
        y.Line("mstore(add(hk, 0x20), cy)");
        y.Line("mstore(add(hk, 0x60), nJoint)");
        y.Line("mstore(add(hk, 0x80), ch)");
        y.Line("mstore(add(hk, 0xa0), g2)");
        y.Line($"pop(hyperKzg(hk, add(ev, {32 * used})))");
        y.Close();

        // ---- Σ_i ρ^i·2^(N − n_i)·y_i, Horner from the last claim
        y.Blank();
        y.Comment("Σ_i ρ^i·2^(N − n_i)·y_i (batchInitialClaim), Horner from the last claim");
        y.Open("function openingClaim(ctx, lay, b, nMax, rho) -> acc");
        // 2^(N − n_g) per group; 1 (no product) for a group whose n is N for every batch size
        bool unit(int g) => nMaxConst is { } nc && groupN[g] is { IsConst: true } ng && ng.Const == nc;
        for (int g = 0; g < nGroups; g++)
            if (rank[g] > 0 && !unit(g)) y.Line($"let w{g} := shl(sub(nMax, {groupN[g].Yul}), 1)");
        for (int i = claims.Count - 1; i >= 0; i--)
        {
            var cl = claims[i];
            string term = unit(cl.Group) ? (i == claims.Count - 1 ? $"mod({cl.Value}, R_MOD)" : cl.Value) : $"mulmod({cl.Value}, w{cl.Group}, R_MOD)";
            y.Line(i == claims.Count - 1 ? $"acc := {term} // {cl.What}" : $"acc := addmod(mulmod(acc, rho, R_MOD), {term}, R_MOD) // {cl.What}");
        }
        y.Close();

        // ---- Σ_i ρ^i·eq(z_i, r_g(i))·e_g(i)
        y.Blank();
        y.Comment("Σ_i ρ^i·eq(z_i, r_g(i))·e_g(i) (batchFinalClaim) over the bit table bt (bitTable): a coordinate z pairing with c gives");
        y.Comment("1 − c + z·(2c − 1), an offset bit c or 1 − c; tails of one array shared by several claims are multiplied once (memo)");
        y.Open("function openingFinal(ctx, lay, b, rho, ev, bt) -> expected");
        y.Line($"let mm := alloc({32 * Math.Max(1, nSlots)})");
        y.Line("let rm := R_MOD // on the stack: one PUSH32 instead of one per product keeps the code small");
        y.Line("let v := 0");
        var done = new HashSet<string>(StringComparer.Ordinal);
        string Mem(int s) => s == 0 ? "mload(mm)" : $"mload(add(mm, {32 * s}))";
        string Store(int s, string x) => s == 0 ? $"mstore(mm, {x})" : $"mstore(add(mm, {32 * s}), {x})";
        string Bt(Dim lo, int coord, int word) =>
            lo.IsConst ? $"mload(add(bt, 0x{128 * (lo.Const + coord) + 32 * word:x}))" : $"mload(add(q, 0x{128 * coord + 32 * word:x}))";
        string EndOf(Seg s) => s.Skip is { IsConst: true, Const: 0 } ? s.End : s.Skip.IsConst ? $"sub({s.End}, {32 * s.Skip.Const})" : $"sub({s.End}, shl(5, {s.Skip.Yul}))";
        // v ← v·f (v = f when first)
        void Mul(ref bool first, string f)
        {
            y.Line(first ? $"v := {f}" : $"v := mulmod(v, {f}, rm)");
            first = false;
        }
        // Horner in ρ from the last claim: expected ← expected·ρ + eq_i·e_g(i)
        for (int i = claims.Count - 1; i >= 0; i--)
        {
            var cl = claims[i];
            y.Comment($"{i}: {cl.What}");
            bool first = true;
            var ns = cl.SuffixLen;
            if (cl.Half is { } half)
            {
                Mul(ref first, half.IsConst ? Hex(BigInteger.ModPow(Inv2, half.Const, R)) + $" // 2^-{half.Const}" : $"inv2Pow({half.Yul})");
            }
            else if (slot.TryGetValue("S" + SuffixKey(cl), out int ss) && done.Contains("S" + SuffixKey(cl)))
            {
                Mul(ref first, Mem(ss));
            }
            else
            {
                foreach (var (s, lo) in Placed(cl))
                {
                    if (s.Bits is { } bits)
                    {
                        // element t pairs with c_(lo + len − 1 − t): bit 1 → c (word 1), bit 0 → 1 − c (word 0)
                        if (!lo.IsConst)
                        {
                            y.Open("");
                            y.Line($"let q := add(bt, shl(7, {lo.Yul}))");
                        }
                        for (int t = 0; t < bits.Length; t++) Mul(ref first, Bt(lo, bits.Length - 1 - t, bits[t]));
                        if (!lo.IsConst) y.Close();
                        continue;
                    }
                    if (!s.Len.IsConst)
                    {
                        string rk = "R" + RunKey(s, lo);
                        string call = $"eqPoint({s.Start ?? $"sub({EndOf(s)}, shl(5, {s.Len.Yul}))"}, {s.Len.Yul}, {(lo.IsConst ? (lo.Const == 0 ? "bt" : $"add(bt, 0x{128 * lo.Const:x})") : $"add(bt, shl(7, {lo.Yul}))")})";
                        if (slot.TryGetValue(rk, out int rs))
                        {
                            if (done.Add(rk))
                            {
                                if (s.Len.Expr == "b")
                                {
                                    // r_b is empty for B = 1: no call
                                    y.Line(Store(rs, "1"));
                                    y.Line($"if b {{ {Store(rs, call)} }}");
                                }
                                else y.Line(Store(rs, call));
                            }
                            Mul(ref first, Mem(rs));
                        }
                        else if (s.Len.Expr == "b")
                        {
                            if (first) { y.Line("v := 1"); first = false; }
                            y.Line($"if b {{ v := mulmod(v, {call}, rm) }}");
                        }
                        else Mul(ref first, call);
                        continue;
                    }
                    string tk = TailKey(s, lo);
                    string mine = "T" + tk + "#" + s.Len.Const;
                    if (slot.TryGetValue(mine, out int ms))
                    {
                        if (!done.Contains(mine))
                        {
                            // the whole tail from the end, storing each needed length
                            var lens = tails[tk];
                            y.Open("");
                            y.Line($"let e := {EndOf(s)}");
                            if (!lo.IsConst) y.Line($"let q := add(bt, shl(7, {lo.Yul}))");
                            for (int j = 0; j < lens.Max; j++)
                            {
                                string f = $"add({Bt(lo, j, 0)}, mulmod(mload(sub(e, {32 * (j + 1)})), {Bt(lo, j, 2)}, rm))";
                                y.Line(j == 0 ? $"let x := {f}" : $"x := mulmod(x, {f}, rm)");
                                if (lens.Contains(j + 1))
                                {
                                    string k2 = "T" + tk + "#" + (j + 1);
                                    y.Line(Store(slot[k2], j == 0 ? "mod(x, rm)" : "x"));
                                    done.Add(k2);
                                }
                            }
                            y.Close();
                        }
                        Mul(ref first, Mem(ms));
                        continue;
                    }
                    // a tail read once: straight into v
                    y.Open("");
                    y.Line($"let e := {EndOf(s)}");
                    if (!lo.IsConst) y.Line($"let q := add(bt, shl(7, {lo.Yul}))");
                    for (int j = 0; j < s.Len.Const; j++)
                        Mul(ref first, $"add({Bt(lo, j, 0)}, mulmod(mload(sub(e, {32 * (j + 1)})), {Bt(lo, j, 2)}, rm))");
                    y.Close();
                }
                if (first) { y.Line("v := 1"); first = false; }
                if (slot.TryGetValue("S" + SuffixKey(cl), out int s2) && done.Add("S" + SuffixKey(cl))) y.Line(Store(s2, "v"));
            }
            // the offset bits: bit t of the index pairs with c_(ns + t)
            var k = cl.N - ns;
            if (PathOf(cl) is { } path)
            {
                // bit u of the path (from the top) is coordinate N − 1 − u
                string Word(int u) => $"mload(add(bt, 0x{128 * (cl.N.Const - 1 - u) + 32 * (path[u] - '0'):x}))";
                void Ensure(int len)
                {
                    string key = NodeKey(cl, len);
                    if (done.Contains(key)) return;
                    int a = Enumerable.Range(1, len - 1).Reverse().FirstOrDefault(l => IsNode(cl, l));
                    if (a > 0) Ensure(a);
                    y.Open("");
                    y.Line($"let x := {(a > 0 ? Mem(slot[NodeKey(cl, a)]) : Word(0))}");
                    for (int u = a > 0 ? a : 1; u < len; u++) y.Line($"x := mulmod(x, {Word(u)}, rm)");
                    y.Line(Store(slot[key], "x"));
                    y.Close();
                    done.Add(key);
                }
                int top = Enumerable.Range(1, path.Length).Reverse().FirstOrDefault(l => IsNode(cl, l));
                if (top > 0)
                {
                    Ensure(top);
                    Mul(ref first, Mem(slot[NodeKey(cl, top)]));
                }
                for (int u = top; u < path.Length; u++) Mul(ref first, Word(u));
            }
            else
            {
                string call(string v0) => $"offsetBits({v0}, add(bt, {(ns.IsConst ? $"0x{128 * ns.Const:x}" : $"shl(7, {ns.Yul})")}), {k.Yul}, {cl.Offset.Yul})";
                if (slot.TryGetValue("O" + OffKey(cl), out int os))
                {
                    if (done.Add("O" + OffKey(cl))) y.Line(Store(os, call("1")));
                    Mul(ref first, Mem(os));
                }
                else y.Line($"v := {call("v")}");
            }
            string eg = $"calldataload({(rank[cl.Group] == 1 ? "ev" : $"add(ev, {G(cl.Group)})")})";
            y.Line(i == claims.Count - 1 ? $"expected := mulmod(v, {eg}, rm)" : $"expected := addmod(mulmod(expected, rho, rm), mulmod(v, {eg}, rm), rm)");
        }
        y.Close();
    }

    private const string Slot14 = "0x1c0";

    /// <summary>Field j of the batch record at <c>lay</c> (the core's <c>layField</c>, inline: no call).</summary>
    private static Dim LayDim(int j) => Dim.E($"shr(224, mload(add(lay, {4 * j})))");

    /// <summary>
    /// N = max n_i of the opening when it is the model vector's n for every batch size (the generator knows every batch
    /// record: fields 2 and 3 are N1 and N2), else null (computed at run time).
    /// </summary>
    private static int? OpeningConstMax(Circuit c, bool lookups)
    {
        int nm = c.Vk.ModelVars;
        if (!lookups) return nm;
        return c.Batches.All(bt => bt.Fields[2] <= nm && bt.Fields[3] <= nm) ? nm : null;
    }

    /// <summary>k of the model vector's split into 2^k parts (0: not split); the split covers the whole model vector.</summary>
    private static int OpeningSplitBits(Circuit c)
    {
        if (c.Vk.ModelParts.Count == 0) return 0;
        if (c.Model.NumVars != c.Vk.ModelVars) throw new InvalidOperationException($"the model split covers {c.Model.NumVars} variables, the model vector has {c.Vk.ModelVars}");
        return c.Vk.ModelSplit.Bits;
    }

    private static readonly BigInteger Inv2 = (R + 1) / 2;
}
