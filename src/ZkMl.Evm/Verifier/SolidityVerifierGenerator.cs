using System.Globalization;
using System.Numerics;
using System.Text;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// Generates the Solidity verifier of one circuit from its <see cref="VerifyingKey"/>: the fixed core
/// (<see cref="VerifierTemplates.Core"/>), the fixed inference helpers of the contract template, the
/// circuit constants (model commitment, shapes, M_ℓ and M_ℓ⁻¹ mod r, k_ℓ, limbs, QMin_ℓ, s_ℓ, tags,
/// layouts per batch size, VK digest, [1]₂/[τ]₂) and a straight-line Yul sequence of the protocol
/// steps of docs/protocol.md "Inference proof". The output is deterministic (same key, same text).
/// </summary>
/// <remarks>
/// Layouts, claim and column counts and the proof length come from the prover's own shapes
/// (<c>KeyShape</c>, <c>BatchShape</c>, <c>ProofParts</c> in ZkMl.Proofs), so there is one definition of
/// docs/protocol.md "Aligned layouts", "Keys", "Witness"; the differential tests against
/// <see cref="InferenceVerifier"/> check the generated code. Batch-dependent numbers (witness sizes, item
/// offsets, proof length) are precomputed for every padded batch 2^b ≤ MaxBatch and stored as 32-bit
/// fields in one <c>bytes</c> constant, one record per b.
/// </remarks>
public static partial class SolidityVerifierGenerator
{
    /// <summary>The default contract name.</summary>
    public const string DefaultContractName = "ZkMlVerifier";

    /// <summary>
    /// The compiler settings the verifiers are measured with: legacy code generation, optimizer with
    /// 1,000,000 runs (large constants stay PUSH32 instead of being copied from code; about 8% less
    /// execution gas than 200 runs), EVM version cancun (MCOPY).
    /// </summary>
    public static Solc.SolcSettings RecommendedSettings { get; } = new() { Optimize = true, OptimizerRuns = 1_000_000, EvmVersion = "cancun" };

    /// <summary>
    /// The compiler settings for the verifier of <paramref name="vk"/>: <see cref="RecommendedSettings"/> for a default-mode
    /// key; for a zero-knowledge key the same with 200 optimizer runs, because with 1,000,000 runs the optimizer's inlining
    /// makes a ZK verifier larger than the EIP-170 limit (MNIST MLP: 31,440 runtime bytes against 22,253 with 200 runs).
    /// </summary>
    public static Solc.SolcSettings SettingsFor(VerifyingKey vk)
    {
        ArgumentNullException.ThrowIfNull(vk);
        return vk.IsZk ? RecommendedSettings with { OptimizerRuns = ZkOptimizerRuns } : RecommendedSettings;
    }

    /// <summary>
    /// The settings for a verifier source (e.g. a file given to <c>zkml deploy</c>): <see cref="SettingsFor"/> of a ZK key when
    /// the source is a ZK verifier (it holds the ZK transcript domain as a Yul literal), else <see cref="RecommendedSettings"/>.
    /// </summary>
    public static Solc.SolcSettings SettingsForSource(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Contains(Q(Protocol.ZkDomain), StringComparison.Ordinal) ? RecommendedSettings with { OptimizerRuns = ZkOptimizerRuns } : RecommendedSettings;
    }

    /// <summary>Optimizer runs of the ZK verifiers (<see cref="SettingsFor"/>).</summary>
    public const int ZkOptimizerRuns = 200;

    /// <summary>
    /// Layer <paramref name="l"/>'s segments in f̂(r_w) (checkWitness, zkCheckWitness): the activation segment (tag, Q, A from
    /// the columns at <paramref name="cb"/>) and one range segment per limb R_i, each sel_seg(r_w) (by <paramref name="selectorFn"/>
    /// at the batch record's field) added to sels and sel_seg·(tag + β·col + β²·a) to acc.
    /// </summary>
    /// <remarks><paramref name="actField"/> and <paramref name="limbField"/> give the Yul expressions of the segments' f indices.</remarks>
    private static void WitnessSegments(YulWriter y, VerifyingKey vk, int l, int cb, string selectorFn, string actField, Func<int, string> limbField)
    {
        int o = vk.Layers[l].OutVars;
        y.Line($"sel := {selectorFn}(rw, sub(n, add(b, {o})), {actField})");
        y.Line("sels := addmod(sels, sel, R_MOD)");
        y.Line($"acc := addmod(acc, mulmod(sel, addmod({KeyShape.ActTag(l)}, mulmod(beta, addmod(calldataload(add(cols, {32 * cb})), mulmod(beta, calldataload(add(cols, {32 * (cb + 1)})), R_MOD), R_MOD), R_MOD), R_MOD), R_MOD), R_MOD)");
        for (int i = 0; i < vk.Layers[l].Limbs; i++)
        {
            y.Line($"sel := {selectorFn}(rw, sub(n, add(b, {o})), {limbField(i)})");
            y.Line("sels := addmod(sels, sel, R_MOD)");
            y.Line($"acc := addmod(acc, mulmod(sel, addmod({KeyShape.RangeTag}, mulmod(beta, calldataload(add(cols, {32 * (cb + 2 + i)})), R_MOD), R_MOD), R_MOD), R_MOD)");
        }
    }

    /// <summary>
    /// The table's segments in t̂(r_t) (checkTable, zkCheckTable): for each of the <paramref name="tabled"/> activation segments
    /// and the range segment, acc += sel_seg(r_t)·(tag + β·(q_lo + local index)), the selector by <paramref name="selectorFn"/>,
    /// the local index of a segment of log-size s by <paramref name="localIndex"/> (default: <c>localIndex</c> over r_t's last s
    /// coordinates).
    /// </summary>
    private static void TableSegments(YulWriter y, Circuit c, int tabled, string selectorFn, Func<int, string>? localIndex = null)
    {
        var vk = c.Vk;
        var t = c.Table!;
        int m = c.TableVars;
        for (int seg = 0; seg <= tabled; seg++)
        {
            bool range = seg == tabled;
            int s = t.LogSize(seg);
            long idx = t.Offset(seg) >> s;
            var qlo = range ? BigInteger.Zero : Mod(vk.Layers[seg].QMin);
            int tag = range ? KeyShape.RangeTag : KeyShape.ActTag(seg);
            y.Comment(range ? $"range segment: 2^{s} entries ({tag}, j, 0)" : $"act_{seg}: 2^{s} entries ({tag}, QMin + j, act(…)), QMin = {vk.Layers[seg].QMin}");
            y.Line($"acc := addmod(acc, mulmod({selectorFn}(rt, {m - s}, {idx}), addmod({tag}, mulmod(beta, addmod({Hex(qlo)}, {(localIndex is null ? $"localIndex(add(rt, {32 * (m - s)}), {s})" : localIndex(s))}, R_MOD), R_MOD), R_MOD), R_MOD), R_MOD)");
        }
    }

    /// <summary>
    /// <c>requantized{l}(cols)</c>: Z_ℓ(p_ℓ) = (Q·2^k + Σ_i 2^(i·c)·R_i − 2^(k−1))·M⁻¹ from the columns at <paramref name="cb"/>
    /// (Q, A, R_0 …), relation (R); <paramref name="masked"/> (ZK mode) only names the masked values in the comment.
    /// </summary>
    private static void Requantized(YulWriter y, VerifyingKey vk, int l, int cb, bool masked)
    {
        var lk = vk.Layers[l];
        var minv = BigInteger.ModPow(Mod(lk.Multiplier), R - 2, R);
        y.Blank();
        y.Comment(masked
            ? $"Ẑ_{l}(p_{l}) = (Q̂·2^{lk.Shift} + Σ_i 2^(i·{vk.LimbBits})·R̂_i − 2^{lk.Shift - 1})·M⁻¹, M = {lk.Multiplier}"
            : $"Z̃_{l}(p_{l}) = (Q·2^{lk.Shift} + Σ_i 2^(i·{vk.LimbBits})·R_i − 2^{lk.Shift - 1})·M⁻¹, M = {lk.Multiplier}");
        y.Open($"function requantized{l}(cols) -> z");
        y.Line($"z := mulmod(calldataload(add(cols, {32 * cb})), {Hex(BigInteger.One << lk.Shift)}, R_MOD)");
        for (int i = 0; i < lk.Limbs; i++)
            y.Line($"z := addmod(z, mulmod(calldataload(add(cols, {32 * (cb + 2 + i)})), {Hex(BigInteger.One << (i * vk.LimbBits))}, R_MOD), R_MOD)");
        y.Line($"z := addmod(z, {Hex(R - (BigInteger.One << (lk.Shift - 1)))}, R_MOD)");
        y.Line($"z := mulmod(z, {Hex(minv)}, R_MOD) // M⁻¹ mod r");
        y.Close();
    }

    private static readonly BigInteger R = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617", CultureInfo.InvariantCulture);

    // ctx words (see verify()): 0 B, 1 b, 2 lay, 3 pi, 4 beta, 5 alpha, 6 rw, 7 rt, 8 lu, 9 cols, 10 rout, 11 h'_w(½ⁿ),
    // 12 h'_w(r_w), 13 g2, 14–15 C_model, 16–17 C_1, 18–19 C_2, then 6 words per layer: rb, ro, rho, bias, a, w.
    private const int SlotBeta = 4, SlotAlpha = 5, SlotRw = 6, SlotRt = 7, SlotLu = 8, SlotCols = 9, SlotRout = 10, SlotHwHalf = 11, SlotHwRw = 12, SlotG2 = 13, SlotGroups = 14;
    private const int GroupModel = 0, GroupW1 = 1, GroupW2 = 2;

    /// <summary>
    /// The Solidity source of the verifier of <paramref name="vk"/>.
    /// </summary>
    /// <param name="vk">The circuit's verifying key.</param>
    /// <param name="contractName">A Solidity identifier for the contract.</param>
    /// <exception cref="ArgumentException">The name is not an identifier.</exception>
    /// <exception cref="NotSupportedException">Input values wider than 2 bytes (the X MLE packs 32/xBytes values per word).</exception>
    public static string Generate(VerifyingKey vk, string contractName = DefaultContractName) => Generate(vk, contractName, splitDense: false);

    /// <summary>
    /// The Solidity source of the verifier of <paramref name="vk"/>; with <paramref name="splitDense"/> a default-mode dense key's
    /// verifier is written as two contracts (docs/protocol.md "On-chain verifier": <c>NAMEFirstPart</c> runs the statement, the
    /// lookups and the matmul sumcheck, <c>NAME</c> the batched opening), the way a conv key's always is. <see cref="CompiledVerifier.GenerateFittingAsync"/>
    /// chooses it when the single contract is over EIP-170.
    /// </summary>
    /// <param name="vk">The circuit's verifying key.</param>
    /// <param name="contractName">A Solidity identifier for the contract.</param>
    /// <param name="splitDense">Two contracts for a dense default-mode key (no effect on a conv key, which is always split).</param>
    /// <exception cref="ArgumentException">The name is not an identifier.</exception>
    /// <exception cref="NotSupportedException">Input values wider than 2 bytes; <paramref name="splitDense"/> for a zero-knowledge key
    /// (its verifier is one contract).</exception>
    public static string Generate(VerifyingKey vk, string contractName, bool splitDense)
    {
        ArgumentNullException.ThrowIfNull(vk);
        if (string.IsNullOrEmpty(contractName) || !(char.IsAsciiLetter(contractName[0]) || contractName[0] == '_') ||
            !contractName.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            throw new ArgumentException($"'{contractName}' is not a Solidity identifier", nameof(contractName));
        if (vk.XBytes is not (1 or 2)) throw new NotSupportedException($"input values of {vk.XBytes} bytes are not supported by the Solidity verifier (1 or 2)");
        if (ZkRefusal(vk) is { } zk) throw new NotSupportedException(zk);
        if (splitDense && vk.IsZk) throw new NotSupportedException("a zero-knowledge key's verifier is one contract (no split)");
        var c = new Circuit(vk);
        if (vk.HasSpatialLayers) return GenerateSplit(c, contractName, SpatialMain(c), SpatialFirstSteps);
        if (splitDense) return GenerateSplit(c, contractName, Main(c, twoParts: true), DenseFirstSteps);
        var text = VerifierTemplates.Contract
            .Replace("{{HEADER}}", Header(vk), StringComparison.Ordinal)
            .Replace("{{NAME}}", contractName, StringComparison.Ordinal)
            .Replace("{{STATEMENT}}", StatementDoc(vk), StringComparison.Ordinal)
            .Replace("{{CONSTANTS}}", Constants(c), StringComparison.Ordinal);
        if (vk.IsZk) return VerifierTemplates.WithHelpers(VerifierTemplates.WithCore(text.Replace("{{MAIN}}", ZkMain(c), StringComparison.Ordinal)));
        // A default-mode dense verifier: the core, the helpers, the opening helpers and the generated steps as one Yul text,
        // pruned to what verify reaches (the core's claim-record opening, batchOpen, is the test harness's, not called here).
        const string body = "{{CORE}}\n\n{{HELPERS}}\n\n" + CircuitMarker + "\n{{MAIN}}";
        if (!text.Contains(body, StringComparison.Ordinal)) throw new InvalidOperationException("Verifier.sol.template: the core, helpers and main placeholders are not laid out as expected");
        string yul = VerifierTemplates.Core.TrimEnd('\n') + "\n\n" + VerifierTemplates.Helpers.TrimEnd('\n') + "\n\n"
            + VerifierTemplates.OpeningCore.TrimEnd('\n') + "\n\n" + CircuitMarker + "\n" + Main(c);
        return text.Replace(body, YulPruner.Keep(yul, "verify"), StringComparison.Ordinal);
    }

    private const string CircuitMarker = "            // ===== this circuit (generated) ==================================================================";

    /// <summary>The NatSpec words of verifyProof's statement: the inputs themselves, or with private inputs their commitment.</summary>
    private static string StatementDoc(VerifyingKey vk) =>
        vk.IsZk && vk.Zk.Inputs == InputVisibility.Private
            ? "u256(B) ‖ C_X.x ‖ C_X.y (the inputs' commitment) ‖ Y ‖ zero padding"
            : "u256(B) ‖ X ‖ Y ‖ zero padding";

    /// <summary>The suffix of the first contract's name in a split verifier (<see cref="VerifierTemplates.SplitContract"/>).</summary>
    public const string FirstPartSuffix = "FirstPart";

    // what NAMEFirstPart replays, in its NatSpec
    private const string SpatialFirstSteps = "the statement, the lookups, the matmul sumcheck and the Phase-2 sumcheck";
    private const string DenseFirstSteps = "the statement, the lookups and the matmul sumcheck";

    /// <summary>
    /// A verifier in two contracts (docs/protocol.md "On-chain verifier"), for keys with conv or pooling layers and for dense
    /// keys whose single contract is over EIP-170: the circuit's Yul (core, helpers, the generated steps <paramref name="main"/>
    /// with the entries verifyFirstPart and verify) once, pruned per contract to what its entry function reaches.
    /// </summary>
    private static string GenerateSplit(Circuit c, string contractName, string main, string firstSteps)
    {
        string yul = VerifierTemplates.Core.TrimEnd('\n') + "\n\n" + VerifierTemplates.Helpers.TrimEnd('\n') + "\n\n"
            + VerifierTemplates.OpeningCore.TrimEnd('\n') + "\n\n" + CircuitMarker + "\n" + main;
        return VerifierTemplates.SplitContract
            .Replace("{{FIRST_STEPS}}", firstSteps, StringComparison.Ordinal)
            .Replace("{{HEADER}}", Header(c.Vk), StringComparison.Ordinal)
            .Replace("{{NAME}}", contractName, StringComparison.Ordinal)
            .Replace("{{STATEMENT}}", StatementDoc(c.Vk), StringComparison.Ordinal)
            .Replace("{{CONSTANTS}}", Constants(c), StringComparison.Ordinal)
            .Replace("{{FIRST}}", YulPruner.Keep(yul, "verifyFirstPart"), StringComparison.Ordinal)
            .Replace("{{SECOND}}", YulPruner.Keep(yul, "verify"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Why no verifier is generated for the zero-knowledge key <paramref name="vk"/>, or null (always null for a default-mode
    /// key): a ZK key that the C# prover and verifier do not support (<c>ZkInference.Unsupported</c>), or a key whose blinding
    /// base H is missing, the point at infinity or off the curve (the hiding HyperKZG needs it). Supported ZK keys get the generated ZK main part
    /// (docs/protocol.md "On-chain verifier" → "ZK mode").
    /// </summary>
    public static string? ZkRefusal(VerifyingKey vk)
    {
        ArgumentNullException.ThrowIfNull(vk);
        if (!vk.IsZk) return null;
        if (ZkInference.Unsupported(vk) is { } why) return $"a zero-knowledge verifying key ({vk.Zk}): {why}";
        if (vk.BlindingBase is not { } h || h.IsInfinity || !h.IsOnCurve)
            return $"a zero-knowledge verifying key ({vk.Zk}) whose blinding base H is missing, the point at infinity or not on the curve";
        return null;
    }

    /// <summary>The header line of a verifier generated from a key on a development SRS.</summary>
    public const string InsecureOriginLine = "// SRS: INSECURE development SRS.";

    private const string CeremonyOriginLine = "// SRS: snarkjs powers-of-tau ceremony";

    /// <summary>
    /// The SRS origin a generated verifier states in its header comment: true for a development SRS (τ known to the
    /// key's maker), false for a ceremony, null when the source has no such header (not generated by zkml).
    /// </summary>
    public static bool? DeclaresInsecureOrigin(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var line in source.AsSpan().EnumerateLines())
        {
            var t = line.TrimStart();
            if (t.StartsWith(InsecureOriginLine, StringComparison.Ordinal)) return true;
            if (t.StartsWith(CeremonyOriginLine, StringComparison.Ordinal)) return false;
            if (!t.IsEmpty && !t.StartsWith("//", StringComparison.Ordinal)) break;   // the header ends at the first code line
        }
        return null;
    }

    private static string Header(VerifyingKey vk)
    {
        var shape = string.Join("→", new[] { vk.InputSize }.Concat(vk.Layers.Select(l => l.OutputSize)));
        var o = vk.Origin;
        string origin = o.IsInsecure
            ? InsecureOriginLine + " Whoever made the key knows τ and can forge proofs that this contract accepts;\n//      for tests and demos only (make the key with zkml setup --ptau CEREMONY.ptau for real use)."
            : $"{CeremonyOriginLine}, {o.Contributions} contribution{(o.Contributions == 1 ? "" : "s")}"
              + (o.CeremonyHashHex is { } h ? $"; last next-challenge hash (snarkjs powersoftau verify) 0x{h}" : "; the file had no contributions section");
        return $"// circuit: {shape}, max batch {vk.MaxBatch}, VK digest 0x{vk.DigestHex}\n{origin}";
    }

    /// <summary>
    /// The end of <c>verifyFirstPart</c> in a verifier of two contracts: the calldata cursor <c>cd</c> stored in the ctx word at
    /// <paramref name="cursorSlot"/>, ctx in memory word 1, and the memory image [0, bump) returned (word 0 is the transcript state).
    /// </summary>
    private static void FirstPartReturn(YulWriter y, string cursorSlot)
    {
        y.Comment("the memory image [0, bump) holds the transcript state (word 0), ctx (word 1) and every point and table");
        y.Line($"mstore(add(ctx, {cursorSlot}), cd)");
        y.Line("mstore(0x20, ctx)");
        y.Line("return(0x00, mload(0x40))");
        y.Close();
    }

    /// <summary>
    /// The start of <c>verify</c> in a verifier of two contracts: the staticcall of the first part (this call's calldata under its
    /// selector; a revert passed on, a one-word answer a rejection), its memory image copied to address 0, and ctx, the calldata
    /// cursor cd (ctx word at <paramref name="cursorSlot"/>) and g2 read back.
    /// </summary>
    private static void SecondPartEntry(YulWriter y, string cursorSlot)
    {
        y.Open("function verify(part, partSelector, pf, pfLen, pi, piWords)");
        y.Line("calldatacopy(0x00, 0x00, calldatasize())");
        y.Line("mstore(0x00, or(partSelector, shr(32, shl(32, mload(0x00)))))");
        y.Open("if iszero(staticcall(gas(), part, 0x00, calldatasize(), 0x00, 0x00))");
        y.Line("returndatacopy(0x00, 0x00, returndatasize())");
        y.Line("revert(0x00, returndatasize())");
        y.Close();
        y.Line("if lt(returndatasize(), 0x80) { fail() } // the first part rejected (one zero word)");
        y.Line("returndatacopy(0x00, 0x00, returndatasize())");
        y.Line("let ctx := mload(0x20)");
        y.Line($"let cd := mload(add(ctx, {cursorSlot}))");
        y.Line($"let g2 := mload(add(ctx, {"0x" + (32 * SlotG2).ToString("x", CultureInfo.InvariantCulture)}))");
    }

    /// <summary>
    /// <c>splits</c> for <c>opening</c>: none (the opening covers C_model), or group 0 entering the joint opening as the fold of the
    /// model's 2^k parts (their A_S constants); <paramref name="comments"/> adds the dense verifier's comments.
    /// </summary>
    private static void OpeningSplits(YulWriter y, Circuit c, bool comments)
    {
        bool split = c.Vk.ModelParts.Count > 0;
        int kSplit = split ? c.Vk.ModelSplit.Bits : 0;
        if (!split)
        {
            if (comments) y.Comment("no split (a small model vector): the opening covers C_model itself");
            y.Line("let splits := alloc(0x20)");
            y.Line("mstore(splits, 0)");
            return;
        }
        if (comments) y.Comment($"one split: group 0 (C_model, N_model variables) enters the joint opening as the fold of its {1 << kSplit} parts");
        y.Line($"let splits := alloc({0x80 + (64 << kSplit)})");
        y.Line("mstore(splits, 1)");
        y.Line("mstore(add(splits, 0x20), 0)");
        y.Line($"mstore(add(splits, 0x40), {c.Model.NumVars})");
        y.Line($"mstore(add(splits, 0x60), {kSplit})");
        for (int j = 0; j < 1 << kSplit; j++)
        {
            y.Line($"mstore(add(splits, {0x80 + 64 * j}), MODEL_A{j}_X)");
            y.Line($"mstore(add(splits, {0xa0 + 64 * j}), MODEL_A{j}_Y)");
        }
    }

    /// <summary>Everything the generated code needs, derived from the key.</summary>
    private sealed class Circuit
    {
        public Circuit(VerifyingKey vk)
        {
            Vk = vk;
            L = vk.Layers.Count;
            H = L - 1;
            T = vk.Shape.T;
            OutputTabled = vk.Shape.OutputTabled;
            Model = vk.Shape.ModelLayout;
            Table = vk.Shape.TableLayout;
            ColumnCount = ProofParts.ColumnCount(vk);
            ClaimCount = ProofParts.ClaimCount(vk);
            int maxB = System.Numerics.BitOperations.Log2((uint)vk.MaxBatch);
            Batches = Enumerable.Range(0, maxB + 1).Select(b => new Batch(this, b)).ToArray();
        }

        public VerifyingKey Vk { get; }
        public int L { get; }
        public int H { get; }
        /// <summary>Layers with a lookup table: the hidden ones, and the output layer when it proves a final activation.</summary>
        public int T { get; }
        public bool OutputTabled { get; }
        public Layout Model { get; }
        public Layout? Table { get; }
        public Batch[] Batches { get; }
        public int ColumnCount { get; }
        public int ClaimCount { get; }
        public int TableVars => Table?.NumVars ?? 0;

        /// <summary>Index of tabled layer ℓ's first column (Q) in `cols`.</summary>
        public int ColumnBase(int layer) => Enumerable.Range(0, layer).Sum(l => 2 + Vk.Layers[l].Limbs);

        /// <summary>
        /// ZK keys: the batch-record fields with one value at every batch size of the key (item indices, the region's place …),
        /// written into the code as constants instead of into every record (<see cref="ZkConstantFields"/>); empty otherwise.
        /// </summary>
        public IReadOnlyDictionary<string, long> ZkConstants => _zkConstants ??= Vk.IsZk ? ZkConstantFields(this) : new Dictionary<string, long>();

        private IReadOnlyDictionary<string, long>? _zkConstants;

        /// <summary>Fields of one batch record, in order (names for the comments of the generated code).</summary>
        public List<string> FieldNames()
        {
            if (Vk.IsZk) return ZkFields(this, 0).Select(f => f.Name).Where(n => !ZkConstants.ContainsKey(n)).ToList();
            if (Vk.HasSpatialLayers) return SpatialFields(this, 0).Select(f => f.Name).ToList();
            if (T == 0) return ["proof length"];
            var f = new List<string> { "proof length", "n (f vars)", "N1 (W1 vars)", "N2 (W2 vars)", "h_w index", "h_t index", "mult index" };
            for (int l = 0; l < T; l++)
            {
                if (l < H) f.Add($"A_{l} index"); // (a tabled output layer's A is public, not in W1)
                for (int i = 0; i < Vk.Layers[l].Limbs; i++) f.Add($"R_{l},{i} index");
                f.Add($"f act_{l} index");
                for (int i = 0; i < Vk.Layers[l].Limbs; i++) f.Add($"f limb_{l},{i} index");
            }
            return f;
        }

        /// <summary>Tabled layer ℓ's first record field (for a hidden layer the W1 index of A_ℓ; Q_ℓ is not committed).</summary>
        public int FieldA(int layer)
        {
            int j = 7;
            for (int l = 0; l < layer; l++) j += (l < H ? 2 : 1) + 2 * Vk.Layers[l].Limbs;
            return j;
        }

        public int FieldR(int layer, int i) => FieldA(layer) + (layer < H ? 1 : 0) + i;
        public int FieldFAct(int layer) => FieldR(layer, 0) + Vk.Layers[layer].Limbs;
        public int FieldFLimb(int layer, int i) => FieldFAct(layer) + 1 + i;
    }

    /// <summary>One batch record: the layouts of the prover's <see cref="BatchShape"/> for a padded batch of 2^b rows (docs/protocol.md "Witness").</summary>
    private sealed class Batch
    {
        public Batch(Circuit c, int b)
        {
            var vk = c.Vk;
            var fields = new List<long>();
            if (vk.IsZk)
            {
                Fields = ZkFields(c, b).Where(f => !c.ZkConstants.ContainsKey(f.Name)).Select(f => f.Value).ToArray();
                return;
            }
            var bs = new BatchShape(vk, b);
            if (vk.HasSpatialLayers)
            {
                Fields = SpatialFields(c, b).Select(f => f.Value).ToArray();
                return;
            }
            if (c.T >= 1)
            {
                Layout w1 = bs.W1!, f = bs.F!, w2 = bs.W2!;
                long Idx(Layout lay, int item) => lay.Offset(item) >> lay.LogSize(item);
                fields.AddRange([0, f.NumVars, w1.NumVars, w2.NumVars, Idx(w2, 0), Idx(w2, 1), Idx(w1, bs.MultItem)]);
                for (int l = 0; l < c.T; l++)
                {
                    if (l < c.H) fields.Add(Idx(w1, bs.AItem[l]));
                    foreach (var ri in bs.RItem[l]) fields.Add(Idx(w1, ri));
                    fields.Add(Idx(f, bs.FAct[l]));
                    foreach (var fi in bs.FLimb[l]) fields.Add(Idx(f, fi));
                }
            }
            else fields.Add(0);
            fields[0] = ProofParts.Length(vk, bs, ProofParts.VectorCount(vk), ProofParts.OpeningVars(vk, bs));
            Fields = fields.ToArray();
        }

        public long[] Fields { get; }
    }

    private static string Q(string label) => VerifierTemplates.Literal(label);

    private static string Hex(BigInteger v) => "0x" + (v.IsZero ? "0" : v.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'));

    private static BigInteger Mod(BigInteger v) => ((v % R) + R) % R;

    private static string Word(ReadOnlySpan<byte> be32) => Hex(new BigInteger(be32, isUnsigned: true, isBigEndian: true));

    private static string Constants(Circuit c)
    {
        var vk = c.Vk;
        var s = new StringBuilder();
        void K(string name, string value, string? doc = null)
        {
            if (doc != null) s.Append("    /// ").Append(doc).Append('\n');
            s.Append("    uint256 internal constant ").Append(name).Append(" = ").Append(value).Append(";\n");
        }
        K("MAX_BATCH", vk.MaxBatch.ToString(CultureInfo.InvariantCulture), "largest batch B (padded batches 2^b ≤ MAX_BATCH)");
        K("INPUT_SIZE", vk.InputSize.ToString(CultureInfo.InvariantCulture), "real input width");
        if (c.OutputTabled)
            K("OUTPUT_SIZE", vk.OutputColumns.ToString(CultureInfo.InvariantCulture), $"output values per statement row: the padded width (the proven final activation of {vk.OutputSize} real columns; padded columns hold act(0))");
        else
            K("OUTPUT_SIZE", vk.OutputSize.ToString(CultureInfo.InvariantCulture), "real output width (logits)");
        K("X_BYTES", vk.XBytes.ToString(CultureInfo.InvariantCulture), "bytes per packed input value (big-endian two's complement)");
        K("Y_BYTES", vk.YBytes.ToString(CultureInfo.InvariantCulture), "bytes per packed output value");
        K("X_BOUND", vk.InputBound.ToString(CultureInfo.InvariantCulture), "valid inputs are integers in ±X_BOUND");
        K("IN_VARS0", vk.Layers[0].InVars.ToString(CultureInfo.InvariantCulture), "i_0 = log2 of the padded input width");
        int lo = Math.Min(System.Numerics.BitOperations.Log2((uint)(32 / vk.XBytes)), vk.Layers[0].InVars);
        K("X_LO_VARS", lo.ToString(CultureInfo.InvariantCulture), "input columns handled per calldata word: 2^X_LO_VARS");
        K("OUT_VARS", vk.Layers[^1].OutVars.ToString(CultureInfo.InvariantCulture), "o_{L−1} = log2 of the padded output width");
        K("VK_DIGEST", "0x" + vk.DigestHex, "SHA-256 of the verifying key (first transcript absorb)");
        if (vk.IsZk)
        {
            // ZK: every model part is its own vector of the ZK batched opening (docs/protocol.md "Batched openings" → "ZK mode")
            for (int j = 0; j < vk.ModelCommitments.Count; j++)
            {
                var enc = EvmEncoding.EncodeG1(vk.ModelCommitments[j]);
                K($"MODEL_C{j}_X", Word(enc.AsSpan(0, 32)), j == 0 ? $"the hiding commitments C_j of the {vk.ModelCommitments.Count} model part(s) (G1)" : null);
                K($"MODEL_C{j}_Y", Word(enc.AsSpan(32, 32)));
            }
            var hb = EvmEncoding.EncodeG1(vk.BlindingBase!.Value);
            K("BLINDING_H_X", Word(hb.AsSpan(0, 32)), "the blinding base H of the hiding commitments (G1; checked at generation: on the curve, not infinity)");
            K("BLINDING_H_Y", Word(hb.AsSpan(32, 32)));
        }
        else if (vk.ModelParts.Count == 0)
        {
            var cm = EvmEncoding.EncodeG1(vk.ModelCommitments[0]);
            K("MODEL_X", Word(cm.AsSpan(0, 32)), "model commitment C_model (G1)");
            K("MODEL_Y", Word(cm.AsSpan(32, 32)));
        }
        else
        {
            // The model vector enters the joint opening as the fold of its parts (docs/protocol.md "Batched openings"):
            // Σ_j eq(c, j)·C_j = Σ_S (Π_(t∈S) c_t)·A_S.
            var mono = vk.ModelSplit.MonomialCoefficients();
            for (int j = 0; j < mono.Length; j++)
            {
                var enc = EvmEncoding.EncodeG1(mono[j]);
                K($"MODEL_A{j}_X", Word(enc.AsSpan(0, 32)), j == 0 ? $"the model parts' commitments C_j (j < {mono.Length}) as A_S = Σ_(j⊆S) (−1)^(|S|−|j|)·C_j (G1)" : null);
                K($"MODEL_A{j}_Y", Word(enc.AsSpan(32, 32)));
            }
        }
        var g2 = EvmEncoding.EncodeG2(vk.Kzg.G2);
        var t2 = EvmEncoding.EncodeG2(vk.Kzg.TauG2);
        string[] g2n = ["X_C1", "X_C0", "Y_C1", "Y_C0"];
        for (int i = 0; i < 4; i++) K("G2_" + g2n[i], Word(g2.AsSpan(32 * i, 32)), i == 0 ? "[1]₂ (EVM encoding x.c1, x.c0, y.c1, y.c0)" : null);
        for (int i = 0; i < 4; i++) K("TAU_G2_" + g2n[i], Word(t2.AsSpan(32 * i, 32)), i == 0 ? "[τ]₂" : null);
        var names = c.FieldNames();
        s.Append("\n    /// Per padded batch 2^b (b = 0 … log2 MAX_BATCH), ").Append(names.Count).Append(" big-endian 32-bit fields:\n    /// ")
            .Append(string.Join(", ", names)).Append(".\n    /// An index is an item's offset divided by its size (its offset bits in a claim point).\n");
        var blob = new StringBuilder();
        foreach (var bt in c.Batches)
        {
            if (bt.Fields.Length != names.Count) throw new InvalidOperationException($"batch layout record has {bt.Fields.Length} fields, expected {names.Count}");
            foreach (var f in bt.Fields) blob.Append(checked((uint)f).ToString("x8", CultureInfo.InvariantCulture));
        }
        s.Append("    bytes internal constant BATCH_LAYOUTS = hex\"").Append(blob).Append("\";\n");
        s.Append("    uint256 internal constant BATCH_RECORD_BYTES = ").Append(4 * names.Count).Append(";\n");
        return s.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// The generated Yul of a dense default-mode key: <c>verify(pf, pfLen, pi, piWords, layouts)</c> and its steps, or with
    /// <paramref name="twoParts"/> the two entries of a verifier in two contracts (docs/protocol.md "On-chain verifier"):
    /// <c>verifyFirstPart</c> (the statement, the lookups, the matmul sumcheck; returns its memory image) and
    /// <c>verify(part, partSelector, …)</c> (calls it, then the batched opening). The steps are the same text either way.
    /// </summary>
    private static string Main(Circuit c, bool twoParts = false)
    {
        var vk = c.Vk;
        var y = new YulWriter();
        int L = c.L, H = c.H, T = c.T, m = c.TableVars, nm = vk.ModelVars;
        int ctxWords = 20 + 6 * L + 1 + (twoParts ? 1 : 0); // + λ of the matmul sumcheck (+ the first part's calldata cursor)
        int iMax = vk.Layers.Max(l => l.InVars);
        string Slot(int w) => "0x" + (32 * w).ToString("x", CultureInfo.InvariantCulture);
        string LSlot(int l, int k) => Slot(20 + 6 * l + k); // k: 0 rb, 1 ro, 2 rho, 3 bias, 4 a, 5 w
        string SlotLambda = Slot(20 + 6 * L);
        string SlotCursor = Slot(20 + 6 * L + 1);

        int xLo = Math.Min(System.Numerics.BitOperations.Log2((uint)(32 / vk.XBytes)), vk.Layers[0].InVars);
        var (fixBase, fixLo, fixHi, fixOut, fixEnd) = FixedTables(c, xLo);
        XChunk(y, vk, fixLo);
        EqTableFixed(y, "eqTableXLo", xLo, unreduced: true, fixedAt: fixLo);
        EqTableFixed(y, "eqTableXHi", vk.Layers[0].InVars - xLo, unreduced: true, fixedAt: fixHi);
        EqTableFixed(y, "eqTableOut", vk.Layers[^1].OutVars, unreduced: true, fixedAt: fixOut);
        y.Blank();
        y.Comment($"Layers (0 = input side): {string.Join("; ", vk.Layers.Select((l, i) => $"{i}: 2^{l.InVars}→2^{l.OutVars}" + (i < T ? $", M={l.Multiplier}, k={l.Shift}, {l.Limbs} limbs of {vk.LimbBits} bits, QMin={l.QMin}, table 2^{l.TableVars}" : "")))}");
        y.Comment($"ctx words: 0 B, 1 b, 2 layout record, 3 publicInputs, 4 β, 5 α, 6 r_w, 7 r_t, 8 LogUp values, 9 cols, 10 out_r, 11 h'_w(½ⁿ), 12 h'_w(r_w), 13 [1]₂‖[τ]₂, 14–19 commitments C_model, C_1, C_2; per layer ℓ at 20 + 6ℓ: r_b, r_o, ρ, b(r_o), a, w; then λ of the matmul sumcheck{(twoParts ? "; then the calldata cursor where the first part stopped" : "")}");
        if (twoParts) y.Comment("the first part (on NAMEFirstPart): the statement, the lookups, the matmul sumcheck; returns its memory");
        y.Open(twoParts ? "function verifyFirstPart(pf, pfLen, pi, piWords, layouts)" : "function verify(pf, pfLen, pi, piWords, layouts)");
        y.Comment($"the fixed regions of the eq tables of X̃ and Ỹ (FixedTables): [{fixBase}, {fixEnd}) right after BATCH_LAYOUTS' copy, below the bump pointer");
        y.Line($"if gt(mload(0x40), {fixBase}) {{ revert(0, 0) }}");
        y.Line($"mstore(0x40, {fixEnd})");
        y.Line($"let ctx := alloc({Slot(ctxWords)})");
        y.Line("decodeStatement(ctx, pi, piWords)");
        y.Line("let lay := add(layouts, mul(mload(add(ctx, 0x20)), BATCH_RECORD_BYTES))");
        y.Line("mstore(add(ctx, 0x40), lay)");
        y.Line("if iszero(eq(pfLen, layField(lay, 0))) { fail() }");
        y.Line("let g2 := alloc(0x100)");
        string[] g2n = ["G2_X_C1", "G2_X_C0", "G2_Y_C1", "G2_Y_C0", "TAU_G2_X_C1", "TAU_G2_X_C0", "TAU_G2_Y_C1", "TAU_G2_Y_C0"];
        for (int i = 0; i < 8; i++) y.Line($"mstore(add(g2, {Slot(i)}), {g2n[i]})");
        y.Line($"mstore(add(ctx, {Slot(SlotG2)}), g2)");
        bool split = vk.ModelParts.Count > 0;
        y.Line($"mstore(add(ctx, {Slot(SlotGroups)}), {(split ? "0" : "MODEL_X")}){(split ? " // group 0 (the model): its fold is set by batchOpen" : "")}");
        y.Line($"mstore(add(ctx, {Slot(SlotGroups + 1)}), {(split ? "0" : "MODEL_Y")})");
        y.Comment($"transcript: Transcript({Q(Protocol.Domain)}), absorb vk, io");
        y.Line($"mstore(0x00, {Q(Protocol.Domain)})");
        y.Line("mstore(0x00, keccak256(0x00, 17))");
        y.Line($"trAbsorbWord({Q(Protocol.Labels.Vk)}, VK_DIGEST)");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Io)}, pi, shl(5, piWords))");
        y.Line("let cd := pf");
        if (T >= 1) y.Line("cd := lookups(ctx, cd)");
        if (!c.OutputTabled)
        {
            y.Comment($"r = (r_b, r_o): b + {vk.Layers[^1].OutVars} challenges out_r; claim Ỹ(r)");
            y.Line($"let rout := alloc(shl(5, add(mload(add(ctx, 0x20)), {vk.Layers[^1].OutVars})))");
            y.Line($"for {{ let i := 0 }} lt(i, add(mload(add(ctx, 0x20)), {vk.Layers[^1].OutVars})) {{ i := add(i, 1) }} {{ mstore(add(rout, shl(5, i)), trChallenge({Q(Protocol.Labels.OutR)})) }}");
            y.Line($"mstore(add(ctx, {Slot(SlotRout)}), rout)");
            y.Line("cd := matmul(ctx, cd, mleY(ctx, rout))");
        }
        else
        {
            y.Comment($"proven final activation: the output layer's claim is at p_{L - 1} from r_w (relation R), no out_r");
            y.Line("cd := matmul(ctx, cd, 0)");
        }
        if (twoParts)
        {
            FirstPartReturn(y, SlotCursor);
            y.Blank();
            y.Comment("the verifier: the first part on NAMEFirstPart (staticcall with this call's calldata under its selector), whose memory");
            y.Comment("becomes this call's memory; then the batched opening");
            SecondPartEntry(y, SlotCursor);
        }
        OpeningSplits(y, c, comments: true);
        y.Line("opening(ctx, cd, g2, splits)");
        y.Line("mstore(0x00, 1)");
        y.Line("return(0x00, 0x20)");
        y.Close();

        if (T >= 1)
        {
            // ---- lookups
            y.Blank();
            y.Comment($"W1, W2 commitments, β, α, LogUp (table 2^{m}), cols ({c.ColumnCount}); checks f(r_w) and t(r_t)");
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
            y.Line($"for {{ let p := cdOut }} lt(p, add(cdOut, {32 * c.ColumnCount})) {{ p := add(p, 0x20) }} {{ pop(frAt(p)) }}");
            y.Line($"mstore(add(ctx, {Slot(SlotCols)}), cdOut)");
            y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Cols)}, cdOut, {32 * c.ColumnCount})");
            y.Line("checkWitness(ctx)");
            y.Line("checkTable(ctx)");
            if (c.OutputTabled)
            {
                int cbo = c.ColumnBase(L - 1);
                y.Comment($"the output layer's A_{L - 1}(p_{L - 1}) in cols is the public output's MLE Ỹ at p_{L - 1} (the last b + {vk.Layers[^1].OutVars} coordinates of r_w)");
                y.Line($"if iszero(eq(calldataload(add(cdOut, {32 * (cbo + 1)})), mleY(ctx, add(rw, shl(5, sub(n, add(mload(add(ctx, 0x20)), {vk.Layers[^1].OutVars}))))))) {{ fail() }}");
            }
            y.Line($"pop(frAt(add(cdOut, {32 * c.ColumnCount}))) // the filler hint c_f = 1/(α − 1), not absorbed");
            y.Line($"cdOut := add(cdOut, {32 * c.ColumnCount + 32})");
            y.Close();

            // ---- f(r_w)
            y.Blank();
            y.Comment("f(r_w) = Σ_seg sel_seg(r_w)·(tag + β·col + β²·a) + (1 − Σ_seg sel_seg(r_w))·1");
            y.Open("function checkWitness(ctx)");
            y.Line("let lay := mload(add(ctx, 0x40))");
            y.Line("let b := mload(add(ctx, 0x20))");
            y.Line($"let rw := mload(add(ctx, {Slot(SlotRw)}))");
            y.Line("let n := layField(lay, 1)");
            y.Line($"let beta := mload(add(ctx, {Slot(SlotBeta)}))");
            y.Line($"let cols := mload(add(ctx, {Slot(SlotCols)}))");
            y.Line("let acc := 0");
            y.Line("let sels := 0");
            y.Line("let sel := 0");
            for (int l = 0; l < T; l++)
            {
                int cb = c.ColumnBase(l);
                y.Comment($"{(l < H ? "hidden" : "output")} layer {l}: activation segment (tag {l + 2}, Q_{l}, A_{l}), then {vk.Layers[l].Limbs} limb segments (tag 1, R_{l},i)");
                WitnessSegments(y, vk, l, cb, "selectorBits", $"layField(lay, {c.FieldFAct(l)})", i => $"layField(lay, {c.FieldFLimb(l, i)})");
            }
            y.Line("acc := addmod(acc, frSub(1, sels), R_MOD)");
            y.Line("let lu := mload(add(ctx, " + Slot(SlotLu) + "))");
            y.Line("if iszero(eq(acc, mload(add(lu, 0x60)))) { fail() }");
            long coveredPerRow = Enumerable.Range(0, T).Sum(l => (1L + vk.Layers[l].Limbs) << vk.Layers[l].OutVars);
            y.Comment("W2 holds h'_w = h_w with f's filler entries (each c_f = 1/(α − 1)) zeroed: h'_w(x) = h_w(x) − c_f·Fill(x),");
            y.Comment($"Fill(r_w) = 1 − Σ_seg sel_seg(r_w), Fill(½ⁿ) = 1 − covered/2^n with covered = 2^b·{coveredPerRow}");
            y.Line($"let cf := calldataload(add(mload(add(ctx, {Slot(SlotCols)})), {32 * c.ColumnCount}))");
            y.Line($"if iszero(eq(mulmod(cf, frSub(mload(add(ctx, {Slot(SlotAlpha)})), 1), R_MOD), 1)) {{ fail() }}");
            y.Line($"mstore(add(ctx, {Slot(SlotHwHalf)}), frSub(mload(lu), mulmod(cf, frSub(1, mulmod(shl(b, {coveredPerRow}), inv2Pow(n), R_MOD)), R_MOD)))");
            y.Line($"mstore(add(ctx, {Slot(SlotHwRw)}), frSub(mload(add(lu, 0x40)), mulmod(cf, frSub(1, sels), R_MOD)))");
            y.Close();

            // ---- t(r_t)
            y.Blank();
            y.Comment("t(r_t) = Σ_seg sel_seg(r_t)·(tag + β·(q_lo + local index)) + β²·a_col(r_t)");
            y.Open("function checkTable(ctx)");
            y.Line($"let rt := mload(add(ctx, {Slot(SlotRt)}))");
            y.Line($"let beta := mload(add(ctx, {Slot(SlotBeta)}))");
            y.Line($"let acc := mulmod(mulmod(beta, beta, R_MOD), calldataload(add(mload(add(ctx, {Slot(SlotCols)})), {32 * (c.ColumnCount - 1)})), R_MOD)");
            // the segments' local indices Σ_t 2^t·r_t[m−1−t] (t < s) are nested: one pass from the last coordinate
            var sizes = Enumerable.Range(0, T + 1).Select(seg => c.Table!.LogSize(seg)).Where(sz => sz > 0).ToHashSet();
            if (sizes.Count > 0)
            {
                for (int t = 0; t < sizes.Max(); t++)
                {
                    string at = $"mload(add(rt, {32 * (m - 1 - t)}))";
                    y.Line(t == 0 ? $"let lx := {at}" : $"lx := addmod(lx, mulmod({at}, {Hex(BigInteger.One << t)}, R_MOD), R_MOD)");
                    if (sizes.Contains(t + 1)) y.Line($"let li{t + 1} := lx");
                }
            }
            TableSegments(y, c, T, "selectorBits", sz => sz == 0 ? "0" : $"li{sz}");
            y.Line($"if iszero(eq(acc, mload(add(mload(add(ctx, {Slot(SlotLu)})), 0xa0)))) {{ fail() }}");
            y.Close();

            // ---- requantization
            for (int l = 0; l < T; l++) Requantized(y, vk, l, c.ColumnBase(l), masked: false);
        }

        // ---- layers: ONE sumcheck for all matmuls
        y.Blank();
        y.Comment($"The layers' claims Z̃_ℓ(r_b, r_o) − b̃_ℓ(r_o) = Σ_k Ã_{{ℓ−1}}(r_b, k)·W̃_ℓ(k, r_o) (ℓ = L−1 at out_r, hidden ℓ at p_ℓ = the last b + o_ℓ");
        y.Comment($"coordinates of r_w), weighted λ^(L−1−ℓ)·2^({iMax} − i_ℓ), in one sumcheck of {iMax} rounds; ρ_ℓ = its last i_ℓ challenges");
        y.Open("function matmul(ctx, cd, zOut) -> cdOut");
        y.Line("let claim := matmulClaim(ctx, cd, zOut)");
        y.Line($"let rho := alloc({32 * iMax})");
        y.Line($"let e, c := sumcheck2(claim, {iMax}, add(cd, {32 * L}), rho)");
        y.Line("if iszero(eq(e, matmulFinal(ctx, c, rho))) { fail() }");
        y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Mm)}, c, {64 * L})");
        y.Line($"if iszero(eq(mload(add(ctx, {LSlot(0, 4)})), mleX(ctx, mload(add(ctx, {LSlot(0, 0)})), mload(add(ctx, {LSlot(0, 2)}))))) {{ fail() }}");
        y.Line($"cdOut := add(c, {64 * L})");
        y.Close();

        y.Blank();
        y.Comment("points r_b, r_o and biases b_ℓ(r_o) of every layer (absorbed, ℓ = L−1 first), λ, and the sumcheck claim");
        y.Open("function matmulClaim(ctx, cd, zOut) -> claim");
        y.Line("let rb := 0");
        y.Line("let bias := 0");
        for (int l = L - 1; l >= 0; l--)
        {
            var lk = vk.Layers[l];
            int j = L - 1 - l;
            if (l == L - 1 && !c.OutputTabled) y.Line($"rb := mload(add(ctx, {Slot(SlotRout)}))");
            else y.Line($"rb := add(mload(add(ctx, {Slot(SlotRw)})), shl(5, sub(layField(mload(add(ctx, 0x40)), 1), add(mload(add(ctx, 0x20)), {lk.OutVars}))))");
            y.Line($"mstore(add(ctx, {LSlot(l, 0)}), rb)");
            y.Line($"mstore(add(ctx, {LSlot(l, 1)}), add(rb, shl(5, mload(add(ctx, 0x20)))))");
            y.Line($"mstore(add(ctx, {LSlot(l, 3)}), frAt(add(cd, {32 * j})))");
            y.Line($"trAbsorbCalldata({Q(Protocol.Labels.Bias)}, add(cd, {32 * j}), 0x20)");
        }
        y.Line($"let lambda := trChallenge({Q(Protocol.Labels.MmLambda)})");
        y.Line($"mstore(add(ctx, {SlotLambda}), lambda)");
        y.Line("let cj := 1");
        for (int l = L - 1; l >= 0; l--)
        {
            var lk = vk.Layers[l];
            string z = l == L - 1 && !c.OutputTabled ? "zOut" : $"requantized{l}(mload(add(ctx, {Slot(SlotCols)})))";
            y.Line($"claim := addmod(claim, mulmod(cj, mulmod({Hex(BigInteger.One << (iMax - lk.InVars))}, frSub({z}, mload(add(ctx, {LSlot(l, 3)}))), R_MOD), R_MOD), R_MOD)");
            if (l > 0) y.Line("cj := mulmod(cj, lambda, R_MOD)");
        }
        y.Close();

        y.Blank();
        y.Comment("Σ_ℓ λ^(L−1−ℓ)·a_ℓ·w_ℓ for the values at c (a ‖ w per layer, ℓ = L−1 first), storing a, w and ρ_ℓ");
        y.Open("function matmulFinal(ctx, c, rho) -> fin");
        y.Line("let cj := 1");
        for (int l = L - 1; l >= 0; l--)
        {
            var lk = vk.Layers[l];
            int j = L - 1 - l;
            y.Line($"mstore(add(ctx, {LSlot(l, 4)}), frAt(add(c, {64 * j})))");
            y.Line($"mstore(add(ctx, {LSlot(l, 5)}), frAt(add(c, {64 * j + 32})))");
            y.Line($"mstore(add(ctx, {LSlot(l, 2)}), add(rho, {32 * (iMax - lk.InVars)}))");
            y.Line($"fin := addmod(fin, mulmod(cj, mulmod(mload(add(ctx, {LSlot(l, 4)})), mload(add(ctx, {LSlot(l, 5)})), R_MOD), R_MOD), R_MOD)");
            if (l > 0) y.Line($"cj := mulmod(cj, mload(add(ctx, {SlotLambda})), R_MOD)");
        }
        y.Close();

        // ---- the batched opening, its claims written out (SolidityVerifierGenerator.Opening.cs)
        EmitOpening(y, DenseClaims(c), T >= 1 ? [Dim.C(nm), LayDim(2), LayDim(3)] : [Dim.C(nm)], OpeningSplitBits(c), OpeningConstMax(c, T >= 1));
        return y.ToString();
    }

    /// <summary>
    /// The batched opening's claims of a dense key in protocol order (<c>InferenceVerifier</c>'s): h'_w(½ⁿ), h_t(½ᵐ), h'_w(r_w),
    /// h_t(r_t) on C_2, mult(r_t) on C_1, a_col(r_t) on C_model; A_ℓ, R_ℓ,i at p_ℓ on C_1 for each tabled ℓ; for ℓ = L−1 … 0
    /// b_ℓ(r_o), W_ℓ(ρ, r_o) on C_model and, if ℓ ≥ 1, A_{ℓ−1}(r_b, ρ) on C_1. Groups: 0 = C_model, 1 = C_1 (W1), 2 = C_2 (W2).
    /// </summary>
    private static List<OClaim> DenseClaims(Circuit c)
    {
        var vk = c.Vk;
        int L = c.L, H = c.H, T = c.T, m = c.TableVars, nm = vk.ModelVars;
        static string Slot(int w) => "0x" + (32 * w).ToString("x", CultureInfo.InvariantCulture);
        string LSlot(int l, int k) => Slot(20 + 6 * l + k);
        var n = LayDim(1);
        var n1 = LayDim(2);
        var n2 = LayDim(3);
        Dim Field(int f) => LayDim(f);
        string lu = $"mload(add(ctx, {Slot(SlotLu)}))";
        string Cols(int i) => $"calldataload(add(mload(add(ctx, {Slot(SlotCols)})), {32 * i}))";
        string rwEnd = $"add(mload(add(ctx, {Slot(SlotRw)})), shl(5, {n.Yul}))";
        string rtEnd = $"add(mload(add(ctx, {Slot(SlotRt)})), {32 * m})";
        string rhoEnd = $"add(mload(add(ctx, {LSlot(L - 1, 2)})), {32 * vk.Layers[^1].InVars})";
        bool outAtRout(int l) => l == L - 1 && !c.OutputTabled;
        string routEnd = $"add(mload(add(ctx, {Slot(SlotRout)})), shl(5, add(b, {vk.Layers[^1].OutVars})))";
        // r_o of layer ℓ (its first len coordinates), r_b of layer ℓ, ρ_ℓ (its first len coordinates)
        Seg Ro(int l, int len) => outAtRout(l) ? new("rout", routEnd, Dim.C(vk.Layers[l].OutVars - len), Dim.C(len)) : new("rw", rwEnd, Dim.C(vk.Layers[l].OutVars - len), Dim.C(len));
        Seg Rb(int l) => outAtRout(l) ? new("rout", routEnd, Dim.C(vk.Layers[l].OutVars), DimB) : new("rw", rwEnd, Dim.C(vk.Layers[l].OutVars), DimB);
        Seg Rho(int l, int len) => new("rho", rhoEnd, Dim.C(vk.Layers[l].InVars - len), Dim.C(len));
        var r = new List<OClaim>();
        if (T >= 1)
        {
            int o0 = vk.Layers[0].OutVars;
            var rt = new Seg("rt", rtEnd, Dim.C(0), Dim.C(m));
            r.Add(new("h'_w(½ⁿ) on C_2", GroupW2, $"mload(add(ctx, {Slot(SlotHwHalf)}))", n2, Field(4), [], Half: n));
            r.Add(new("h_t(½ᵐ) on C_2", GroupW2, $"mload(add({lu}, 0x20))", n2, Field(5), [], Half: Dim.C(m)));
            // r_w = its head ‖ r_b of layer 0 ‖ r_o of layer 0 (shared with layer 0's claims at p_0)
            r.Add(new("h'_w(r_w) on C_2", GroupW2, $"mload(add(ctx, {Slot(SlotHwRw)}))", n2, Field(4),
                [new("rw", rwEnd, Dim.E($"add(b, {o0})"), Dim.E($"sub({n.Yul}, add(b, {o0}))"), Start: $"mload(add(ctx, {Slot(SlotRw)}))"), Rb(0), Ro(0, o0)]));
            r.Add(new("h_t(r_t) on C_2", GroupW2, $"mload(add({lu}, 0x80))", n2, Field(5), [rt]));
            r.Add(new("mult(r_t) on C_1", GroupW1, $"mload(add({lu}, 0xc0))", n1, Field(6), [rt]));
            int acol = vk.Shape.ActColItem;
            r.Add(new("a_col(r_t) on C_model", GroupModel, Cols(c.ColumnCount - 1), Dim.C(nm), Dim.C(checked((int)(c.Model.Offset(acol) >> c.Model.LogSize(acol)))), [rt]));
            for (int l = 0; l < T; l++)
            {
                var lk = vk.Layers[l];
                int cb = c.ColumnBase(l);
                // cols[cb] = Q_ℓ(p_ℓ) is no claim; nor is the output layer's A (checked against Ỹ in lookups)
                var fields = l < H ? new List<(int Field, int Col, string Name)> { (c.FieldA(l), cb + 1, $"A_{l}") } : [];
                for (int i = 0; i < lk.Limbs; i++) fields.Add((c.FieldR(l, i), cb + 2 + i, $"R_{l},{i}"));
                foreach (var (field, col, name) in fields)
                    r.Add(new($"{name}(p_{l}) on C_1", GroupW1, Cols(col), n1, Field(field), [Rb(l), Ro(l, lk.OutVars)]));
            }
        }
        for (int l = L - 1; l >= 0; l--)
        {
            var lk = vk.Layers[l];
            int wi = KeyShape.WeightItem(l), bi = KeyShape.BiasItem(l);
            r.Add(new($"b_{l}(r_o) on C_model", GroupModel, $"mload(add(ctx, {LSlot(l, 3)}))", Dim.C(nm), Dim.C(checked((int)(c.Model.Offset(bi) >> c.Model.LogSize(bi)))), [Ro(l, lk.OutVars)]));
            r.Add(new($"W_{l}(ρ, r_o) on C_model", GroupModel, $"mload(add(ctx, {LSlot(l, 5)}))", Dim.C(nm), Dim.C(checked((int)(c.Model.Offset(wi) >> c.Model.LogSize(wi)))),
                [Rho(l, lk.InVars), Ro(l, lk.OutVars)]));
            if (l >= 1)
                r.Add(new($"A_{l - 1}(r_b, ρ) on C_1", GroupW1, $"mload(add(ctx, {LSlot(l, 4)}))", n1, Field(c.FieldA(l - 1)), [Rb(l), Rho(l, lk.InVars)]));
        }
        if (r.Count != c.ClaimCount) throw new InvalidOperationException($"{r.Count} claims written, the key has {c.ClaimCount}");
        return r;
    }

    /// <summary>
    /// xChunk(xrow, h, eqlo): for 1-byte inputs, the chunk loop unrolled over its 2^X_LO_VARS byte
    /// positions in groups of 4 or 8 (an all-zero group costs one test); otherwise the template's loop.
    /// </summary>
    private static void XChunk(YulWriter y, VerifyingKey vk, int? fixedLo = null)
    {
        // the low eq table's entry j: at a constant address when the table is a fixed region (FixedTables)
        string Lo(int j) => fixedLo is { } f ? (f + 32 * j).ToString(CultureInfo.InvariantCulture) : $"add(eqlo, {32 * j})";
        y.Comment("Σ_j x[h·2^X_LO_VARS + j]·eqlo[j] for chunk h of an input row (see xChunkLoop)");
        y.Open("function xChunk(xrow, h, eqlo) -> s");
        if (vk.XBytes != 1)
        {
            y.Line("s := xChunkLoop(xrow, h, eqlo)");
            y.Close();
            return;
        }
        int cs = 1 << Math.Min(5, vk.Layers[0].InVars);
        // chunk h holds min(cs, INPUT_SIZE − h·cs) real values, the top bytes of its word: every chunk but the last
        // holds cs, so the word is masked to cs bytes (if cs < 32) and the last one to its own count (if fewer)
        int lastChunk = (vk.InputSize - 1) / cs, lastCount = vk.InputSize - lastChunk * cs;
        static string TopBytes(int count) => Hex(((BigInteger.One << (8 * count)) - 1) << (256 - 8 * count));
        y.Line("let w := calldataload(add(xrow, shl(X_LO_VARS, h)))");
        bool unsignedFast = vk.InputBound == 127;
        if (cs < 32) y.Line($"w := and(w, {TopBytes(cs)})");
        if (lastCount < cs) y.Line($"if eq(h, {lastChunk}) {{ w := and(w, {TopBytes(lastCount)}) }}");
        y.Line("if iszero(w) { leave }");
        if (vk.InputBound != 127) y.Line("let x := 0");
        // With X_BOUND = 127 every byte below 0x80 is a valid non-negative input: the bytes are summed as
        // unsigned values, and a word with a byte ≥ 0x80 (negative inputs, or the invalid −128) is corrected
        // once by xChunkNegative. Otherwise each byte is sign-extended and range-checked.
        // groups of 4 bytes for the branch-free sum (the strokes of an MNIST digit leave fewer non-zero 4-byte groups:
        // 216 bytes multiplied instead of 296 with groups of 8 for the first test image), 8 bytes otherwise
        int groupBytes = unsignedFast ? 4 : 8;
        for (int g = 0; g < cs; g += groupBytes)
        {
            int width = Math.Min(groupBytes, cs - g);
            string test = $"and(shr({256 - 8 * (g + width)}, w), {Hex((BigInteger.One << (8 * width)) - 1)})";
            y.Open($"if {test}");
            if (unsignedFast)
            {
                // branch-free: every byte of a non-zero group is multiplied (a zero byte adds 0); at most four
                // products (each < r, 4r < 2^256) are added before one reduction
                for (int j0 = g; j0 < g + width; j0 += 4)
                {
                    var terms = Enumerable.Range(j0, Math.Min(4, g + width - j0)).Select(j => $"mulmod(byte({j}, w), mload({Lo(j)}), R_MOD)").ToList();
                    var sum = terms[0];
                    for (int t = 1; t < terms.Count; t++) sum = $"add({sum}, {terms[t]})";
                    y.Line($"s := addmod(s, {sum}, R_MOD)");
                }
            }
            else
            {
                for (int j = g; j < g + width; j++)
                    y.Line($"x := byte({j}, w) if x {{ x := signextend(0, x) if gt(add(x, X_BOUND), {2 * vk.InputBound}) {{ fail() }} s := addmod(s, mulmod(add(x, mul(slt(x, 0), R_MOD)), mload({Lo(j)}), R_MOD), R_MOD) }}");
            }
            y.Close();
        }
        // the masked bytes are 0: the first cs bytes hold every value ≥ 0x80
        if (unsignedFast) y.Line($"if and(w, 0x8080808080808080808080808080808080808080808080808080808080808080) {{ s := xChunkNegative(w, {cs}, eqlo, s) }}");
        y.Close();
        if (!unsignedFast) return;
        y.Blank();
        y.Comment("bytes ≥ 0x80 of a chunk word were summed as u; the input is u − 256 (and u = 0x80, i.e. −128, is out of range)");
        y.Open("function xChunkNegative(w, cnt, eqlo, s0) -> s");
        y.Line("s := s0");
        y.Open("for { let j := 0 } lt(j, cnt) { j := add(j, 1) }");
        y.Line("let u := byte(j, w)");
        y.Open("if gt(u, 0x7f)");
        y.Line("if eq(u, 0x80) { fail() }");
        y.Line("s := addmod(s, sub(R_MOD, mulmod(256, mload(add(eqlo, shl(5, j))), R_MOD)), R_MOD)");
        y.Close();
        y.Close();
        y.Close();
    }

    /// <summary>
    /// <c>name(pt) -> t</c>: the table [eq(pt, bits(i))]_i of 2^k words (as the core's <c>eqTable(pt, k)</c>), straight-line
    /// for k ≤ 5 (no loop: about a fifth of the loop's gas per entry), otherwise the core's loop.
    /// </summary>
    /// <remarks>With <paramref name="unreduced"/> the entries T[2i] = T[i] − T[2i+1] are left as T[i] + r − T[2i+1] (one addmod less
    /// per entry): after the k − 1 doublings an entry is below k·r ≤ 5r &lt; 2^256, so every entry is a valid mulmod operand, which
    /// is how the dense verifier reads them (X̃ and Ỹ).</remarks>
    /// <remarks>With <paramref name="fixedAt"/> (k ≤ 5) the table is the fixed memory region at that address (see
    /// <see cref="FixedTables"/>), every entry's address a constant.</remarks>
    private static void EqTableFixed(YulWriter y, string name, int k, bool unreduced = false, int? fixedAt = null)
    {
        y.Blank();
        y.Comment($"[eq(pt, bits(i))]_i, i < 2^{k} (pt[0] = most significant index bit; see eqTable)");
        y.Open($"function {name}(pt) -> t");
        if (k > 5)
        {
            y.Line($"t := eqTable(pt, {k})");
            y.Close();
            return;
        }
        y.Line(fixedAt is { } fa ? $"t := {fa} // a fixed region (FixedTables)" : $"t := alloc({32 << k})");
        string at(int w) => fixedAt is { } f0 ? (f0 + 32 * w).ToString(CultureInfo.InvariantCulture) : w == 0 ? "t" : $"add(t, {32 * w})";
        if (k == 0)
        {
            y.Line($"mstore({at(0)}, 1)");
            y.Close();
            return;
        }
        y.Line("let q := R_MOD // on the stack: one PUSH32 instead of three per entry keeps the code small");
        y.Line("let r := mload(pt)");
        y.Line($"mstore({(fixedAt is null ? "add(t, 0x20)" : at(1))}, r)");
        y.Line($"mstore({at(0)}, addmod(sub(R_MOD, r), 1, R_MOD))");
        for (int j = 1; j < k; j++)
        {
            y.Line($"r := mload(add(pt, {32 * j}))");
            for (int i = (1 << j) - 1; i >= 0; i--)
            {
                y.Line(unreduced
                    ? $"{{ let v := mload({at(i)}) let hi := mulmod(v, r, q) mstore({at(2 * i + 1)}, hi) mstore({at(2 * i)}, add(v, sub(q, hi))) }}"
                    : $"{{ let v := mload({at(i)}) let hi := mulmod(v, r, q) mstore({at(2 * i + 1)}, hi) mstore({at(2 * i)}, addmod(v, sub(q, hi), q)) }}");
            }
        }
        y.Close();
    }

    /// <summary>
    /// Fixed memory regions for the dense verifier's straight-line eq tables (X̃'s low and high tables, Ỹ's output table;
    /// each only when it has ≤ 5 variables, else null and allocated as before): every entry's address is a constant, so an
    /// entry costs one PUSH instead of a pointer on the stack and an ADD (X̃'s bytes read the low table 216 times for one
    /// MNIST image). The regions start where Solidity's free memory pointer stands when the assembly block begins: after the
    /// copy of <c>BATCH_LAYOUTS</c> at 0x80 (length word and data rounded up to 32 bytes); verify checks that (it reverts
    /// otherwise, so a compiler that laid memory out differently would fail every test) and moves the bump pointer past them.
    /// </summary>
    private static (int Base, int? Lo, int? Hi, int? Out, int End) FixedTables(Circuit c, int xLo)
    {
        int len = 4 * c.FieldNames().Count * c.Batches.Length;
        int at = 0x80 + 0x20 + (len + 31) / 32 * 32, start = at;
        int? Region(int k)
        {
            if (k > 5) return null;
            int r = at;
            at += 32 << k;
            return r;
        }
        var lo = Region(xLo);
        var hi = Region(c.Vk.Layers[0].InVars - xLo);
        var o = Region(c.Vk.Layers[^1].OutVars);
        return (start, lo, hi, o, at);
    }

    /// <summary>Indented Yul text (the generated part sits at the core's indentation).</summary>
    private sealed class YulWriter
    {
        private readonly StringBuilder _s = new();
        private int _depth = 3;

        public void Line(string text) => _s.Append(' ', 4 * _depth).Append(text).Append('\n');

        public void Comment(string text) => Line("// " + text);

        public void Blank() => _s.Append('\n');

        /// <summary>A line as it is (already indented).</summary>
        public void Raw(string text) => _s.Append(text).Append('\n');

        public void Open(string header)
        {
            Line(header + " {");
            _depth++;
        }

        public void Close()
        {
            _depth--;
            Line("}");
        }

        public override string ToString() => _s.ToString().TrimEnd('\n');
    }
}
