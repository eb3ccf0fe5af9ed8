using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Inference;

/// <summary>
/// Setup (DESIGN.md §4, docs/protocol.md "Keys"): lays all weights, biases and the activation column
/// of the lookup table into ONE model vector, commits it, and derives the proving and verifying keys.
/// </summary>
public static class InferenceSetup
{
    /// <summary>Largest padded batch a key is ever made for.</summary>
    public const int MaxBatchLimit = 1 << 16;

    /// <summary>
    /// Runs setup for <paramref name="circuit"/> on <paramref name="srs"/>. The key supports every batch
    /// whose padded witness vectors fit the SRS, up to <paramref name="maxBatch"/> (a power of two).
    /// </summary>
    /// <exception cref="ArgumentException">The SRS is too small for the model vector or a batch of one, or maxBatch is not a power of two.</exception>
    public static (ProvingKey ProvingKey, VerifyingKey VerifyingKey) Run(Circuit circuit, Srs srs, int maxBatch = MaxBatchLimit)
        => Run(circuit, srs, maxBatch, fixedBaseTable: true);

    /// <summary>
    /// As <see cref="Run(Circuit, Srs, int)"/>; with <paramref name="fixedBaseTable"/> the proving key also
    /// holds, for a model vector of ≥ 2^14 entries, a <see cref="FixedBaseTable"/> of the first
    /// <see cref="TableBases"/> SRS powers (1 KiB per power) that makes commitments of ≥ 2^14 coefficients
    /// 14–26 % faster (MsmBenchmarks, bench/README.md), and the HyperKZG <see cref="FoldBases"/> of the model vector's
    /// parts. Without it the key is the SRS powers, the circuit and the verifying key (bench/README.md "Issue 19
    /// kernels and memory" gives the prove-time cost of each choice).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Run(Circuit, Srs, int)"/>, or a zero-knowledge circuit (use <see cref="RunZk(Circuit, Srs, int, bool)"/>).</exception>
    public static (ProvingKey ProvingKey, VerifyingKey VerifyingKey) Run(Circuit circuit, Srs srs, int maxBatch, bool fixedBaseTable)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (circuit.Zk.Zk)
            throw new ArgumentException($"the circuit is a zero-knowledge circuit ({circuit.Zk}): its setup checks the SRS's blinding base and writes the model's blindings (InferenceSetup.RunZk, zkml setup)", nameof(circuit));
        var (pk, vk, _) = Make(circuit, srs, maxBatch, fixedBaseTable, null);
        return (pk, vk);
    }

    /// <summary>
    /// Setup of a zero-knowledge circuit (docs/zk-design.md §2, §11 step 8): first the SRS provenance verdict of assumption A2
    /// (<see cref="SrsProvenance.CheckBlindingBase(Srs)"/>: a pinned ceremony or a development SRS is accepted, an unknown
    /// ceremony only with <paramref name="ptauVerified"/>, a planted or missing blinding base never), then the model parts
    /// are committed as hiding commitments C_j = [part_j(τ)]₁ + s_j·H with fresh s_j from the OS CSPRNG. The verifying key
    /// (version 6) holds the flags, H, the public-circuit digest and the C_j; the proving key (version 6) and
    /// <see cref="ZkSetup.Secret"/> hold the s_j.
    /// </summary>
    /// <param name="circuit">A circuit compiled in ZK mode.</param>
    /// <param name="srs">The SRS; it needs a blinding base H.</param>
    /// <param name="maxBatch">Largest padded batch (a power of two).</param>
    /// <param name="ptauVerified">The user states that the ceremony file was verified (<c>snarkjs powersoftau verify</c>, or its hash matches a published one).</param>
    /// <exception cref="ArgumentException">Not a zero-knowledge circuit; the SRS is too small; or <see cref="SrsProvenanceException"/> (the verdict refuses the SRS).</exception>
    public static ZkSetup RunZk(Circuit circuit, Srs srs, int maxBatch = MaxBatchLimit, bool ptauVerified = false)
        => RunZk(circuit, srs, maxBatch, ptauVerified, fixedBaseTable: true, SrsProvenance.Pins, rng: null);

    /// <summary>As <see cref="RunZk(Circuit, Srs, int, bool)"/>, with or without the fixed-base table (<see cref="Run(Circuit, Srs, int, bool)"/>).</summary>
    /// <exception cref="ArgumentException">As <see cref="RunZk(Circuit, Srs, int, bool)"/>.</exception>
    public static ZkSetup RunZk(Circuit circuit, Srs srs, int maxBatch, bool ptauVerified, bool fixedBaseTable)
        => RunZk(circuit, srs, maxBatch, ptauVerified, fixedBaseTable, SrsProvenance.Pins, rng: null);

    /// <summary>As the public overload with the pins and the blinding generator given (tests: a pinned ceremony, a seeded generator).</summary>
    internal static ZkSetup RunZk(Circuit circuit, Srs srs, int maxBatch, bool ptauVerified, bool fixedBaseTable, IReadOnlyList<PinnedCeremony> pins, RandomNumberGenerator? rng)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(srs);
        if (!circuit.Zk.Zk) throw new ArgumentException("the circuit is not a zero-knowledge circuit (compile it with --zk, or use InferenceSetup.Run)", nameof(circuit));
        // (compile refuses --zk with conv layers; a crafted circuit file is refused here: a ZK key, version 6, has dense layer records only)
        if (circuit.HasSpatialLayers) throw new ArgumentException("not yet supported: a zero-knowledge circuit with conv or pooling layers", nameof(circuit));
        var check = SrsProvenance.CheckBlindingBase(srs, pins);
        if (!check.Allows(ptauVerified)) throw new SrsProvenanceException(check);
        var (pk, vk, blindings) = Make(circuit, srs, maxBatch, fixedBaseTable, rng ?? RandomNumberGenerator.Create());
        return new ZkSetup(pk, vk, new ModelSecret(vk.Digest, blindings!), check);
    }

    private static (ProvingKey ProvingKey, VerifyingKey VerifyingKey, Fr[]? Blindings) Make(Circuit circuit, Srs srs, int maxBatch, bool fixedBaseTable, RandomNumberGenerator? rng)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (maxBatch < 1 || maxBatch > MaxBatchLimit || (maxBatch & (maxBatch - 1)) != 0)
            throw new ArgumentException($"max batch {maxBatch} must be a power of two in 1…{MaxBatchLimit}", nameof(maxBatch));
        bool zk = circuit.Zk.Zk;
        var layers = LayerKeys(circuit);
        var shape = ShapeOf(circuit, layers);
        long need = shape.ModelLayout.Length;
        if (need > srs.MaxDegree + 1L)
            throw new ArgumentException($"the SRS has {srs.MaxDegree + 1} powers; the model vector of this circuit needs {need} (2^{shape.ModelLayout.NumVars})", nameof(srs));
        var model = BuildModel(circuit, shape);
        Fr[]? blindings = null;
        var commitments = zk
            ? CommitModelHiding(srs, model, shape.ModelLayout.NumVars, rng, out blindings)
            : CommitModel(srs, model, shape.ModelLayout.NumVars);
        int partCount = VerifyingKey.ModelPartCount(shape.ModelLayout.NumVars), partLen = model.Length / Math.Max(1, partCount);

        var last = circuit.Layers[^1];
        int yBytes = OutputBytes(last.Table != null ? Math.Max(Math.Abs(last.AMin), Math.Abs(last.AMax)) : last.ZBound);
        int xBytes = (circuit.ActBits + 7) / 8;
        // The largest batch whose W1/W2 fit: the sizes grow monotonically with the batch.
        int best = 0;
        long needMax = need;
        for (int b = 0; (1 << b) <= maxBatch; b++)
        {
            long len = ProofLength(circuit, layers, shape, b);
            if (len > srs.MaxDegree + 1L) break;
            best = 1 << b;
            needMax = Math.Max(needMax, len);
        }
        if (best == 0)
            throw new ArgumentException($"the SRS has {srs.MaxDegree + 1} powers; a {(zk ? "zero-knowledge " : "")}proof of one input needs {ProofLength(circuit, layers, shape, 0)}", nameof(srs));
        var vk = new VerifyingKey(VerifyingKey.CircuitDigestOf(circuit), circuit.LimbBits, circuit.ActBits, circuit.InputSize, circuit.OutputSize, best,
            xBytes, yBytes, layers, circuit.InputScale, circuit.OutputScale, shape.ModelLayout.NumVars, commitments, KzgVerifierKey.From(srs), srs.Origin,
            circuit.Zk, zk ? srs.BlindingBase : null);
        var trimmed = srs.MaxDegree + 1L > needMax ? srs.Truncate((int)Math.Max(needMax - 1, 1)) : srs;
        // (only when the model vector reaches the size from which commitments use the table)
        bool extras = fixedBaseTable && shape.ModelLayout.Length >= Kzg.TableMinPoints;
        if (extras && trimmed.Table == null)
            trimmed.AttachTable(FixedBaseTable.Build(trimmed.G1Powers[..(int)TableBases(layers, shape, trimmed.MaxDegree + 1L, best, circuit)]));
        // (ZK: the affine-mask points of the batched opening for every N the trimmed SRS opens, ZkMaskPointTable)
        var pk = new ProvingKey(vk, circuit, trimmed, model) { ModelBlindings = blindings, ZkMasks = zk ? ZkMaskPointTable.Compute(trimmed) : null };
        // Fold commitments of the first two HyperKZG levels (8 and 64 points) of each model part: the
        // opened fold of the parts then has fold commitments of MSMs of those points instead of 1/8
        // and 1/64 of its length.
        if (extras && partCount > 0) pk.ModelFolds = Enumerable.Range(0, partCount).Select(j => FoldBases.Compute(trimmed, model.AsSpan(j * partLen, partLen), 2)).ToArray();
        return (pk, vk, blindings);
    }

    /// <summary>
    /// The hiding commitments of the model parts (ZK mode, docs/zk-design.md §2): C_j = [part_j(τ)]₁ + s_j·H with s_j
    /// uniform and independent (<paramref name="rng"/>; the OS CSPRNG in production). k = 0 gives one part, the whole vector.
    /// </summary>
    internal static G1Affine[] CommitModelHiding(Srs srs, long[] model, int modelVars, RandomNumberGenerator? rng, out Fr[] blindings)
    {
        int count = Math.Max(1, VerifyingKey.ModelPartCount(modelVars)), len = model.Length / count;
        var r = new G1Affine[count];
        blindings = new Fr[count];
        for (int j = 0; j < count; j++)
        {
            var hc = HyperKzg.CommitSmallHiding(srs, model.AsSpan(j * len, len), rng);
            r[j] = hc.Commitment;
            blindings[j] = hc.Blinding;
        }
        return r;
    }

    /// <summary>C_j + s_j·H recomputed: the commitment of <paramref name="part"/> with blinding <paramref name="blinding"/>.</summary>
    internal static G1Affine CommitPartHiding(Srs srs, ReadOnlySpan<long> part, in G1Affine h, in Fr blinding)
        => (G1Jacobian.FromAffine(h).ScalarMul(blinding) + HyperKzg.CommitSmall(srs, part)).ToAffine();

    /// <summary>The key shape of a circuit: with the input segment when its private inputs are range-checked.</summary>
    internal static KeyShape ShapeOf(Circuit circuit, IReadOnlyList<LayerKey> layers)
        => new(layers, circuit.LimbBits, circuit.InputRangeSegment is { } seg ? seg.LogSize : -1);

    /// <summary>
    /// The model's commitments (<see cref="VerifyingKey.ModelCommitments"/>): the 2^k parts along the top k index
    /// bits that the batched opening folds (docs/protocol.md "Keys"), or the whole vector for k = 0.
    /// </summary>
    internal static G1Affine[] CommitModel(Srs srs, long[] model, int modelVars)
    {
        int count = Math.Max(1, VerifyingKey.ModelPartCount(modelVars)), len = model.Length / count;
        var r = new G1Affine[count];
        for (int j = 0; j < count; j++) r[j] = HyperKzg.CommitSmall(srs, model.AsSpan(j * len, len));
        return r;
    }

    /// <summary>
    /// Refuses a circuit this protocol cannot prove (docs/protocol.md "Conv and pooling layers"): a conv or pooling
    /// output layer, a conv or pooling layer whose input is not its predecessor's output in the proof's layout (a Reshape
    /// between them: <see cref="ProofShapes.SpatialInputProblem"/>), a max pool with more than
    /// <see cref="ProofShapes.MaxPoolWindowLimit"/> window entries, or a max pool whose input range does not fit one range
    /// limb (its window differences are range-checked in [0, 2^c)).
    /// </summary>
    /// <exception cref="ArgumentException">"not yet provable: …", naming the layer.</exception>
    public static void CheckProvable(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        foreach (var l in circuit.Layers)
        {
            string who = $"layer {l.Index}{(l.Name is null ? "" : $" '{l.Name}'")}";
            if (l.Kind == LayerKind.Dense) continue;
            if (l.IsOutput)
                throw new ArgumentException($"not yet provable: a {l.Kind} output layer ({who}; the proof needs a dense output layer)", nameof(circuit));
            if (l.Index > 0 && ProofShapes.SpatialInputProblem(l.Index, circuit.Layers[l.Index - 1].Geometry, l.Geometry!) is { } ip)
                throw new ArgumentException($"not yet provable: {ip}", nameof(circuit));
            if (l.Kind != LayerKind.MaxPool) continue;
            if (l.Geometry!.Window > ProofShapes.MaxPoolWindowLimit)
                throw new ArgumentException($"not yet provable: a {l.Geometry.KH}×{l.Geometry.KW} max pool ({who}; at most {ProofShapes.MaxPoolWindowLimit} window entries)", nameof(circuit));
            if (l.AMax - l.AMin >= 1L << circuit.LimbBits)
                throw new ArgumentException($"not yet provable: {who}'s input range [{l.AMin}, {l.AMax}] is wider than one {circuit.LimbBits}-bit range limb (max-pool window differences are range-checked in one limb)", nameof(circuit));
        }
    }

    /// <summary>SRS powers (G1 points) that a key for <paramref name="circuit"/> up to padded batch <paramref name="maxBatch"/> needs.</summary>
    public static long RequiredPowers(Circuit circuit, int maxBatch)
    {
        var layers = LayerKeys(circuit);
        var shape = ShapeOf(circuit, layers);
        long need = shape.ModelLayout.Length;
        for (int b = 0; (1 << b) <= maxBatch; b++) need = Math.Max(need, ProofLength(circuit, layers, shape, b));
        return need;
    }

    /// <summary>
    /// The size of the proving key that <see cref="Run(Circuit, Srs, int)"/> makes for <paramref name="circuit"/>
    /// and padded batch <paramref name="maxBatch"/>, computed from the shapes alone (within about a kilobyte:
    /// the SRS description's length is not known yet): the SRS powers (64 bytes each), the fixed-base table
    /// (1 KiB per power of <see cref="TableBases"/>, for a model vector of 2^14 entries or more), the fold bases and the circuit.
    /// </summary>
    public static long EstimateProvingKeyBytes(Circuit circuit, int maxBatch) => EstimateProvingKeyBytes(circuit, maxBatch, fixedBaseTable: true);

    /// <summary>As <see cref="EstimateProvingKeyBytes(Circuit, int)"/> for a key made with or without the fixed-base table and fold bases.</summary>
    public static long EstimateProvingKeyBytes(Circuit circuit, int maxBatch, bool fixedBaseTable)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var layers = LayerKeys(circuit);
        var shape = ShapeOf(circuit, layers);
        long powers = RequiredPowers(circuit, maxBatch);
        long modelLen = shape.ModelLayout.Length;
        int partCount = VerifyingKey.ModelPartCount(shape.ModelLayout.NumVars);
        bool zk = circuit.Zk.Zk;
        long vk = VerifyingKey.ByteLength(layers.Length, partCount, layers.Any(l => l.IsSpatial), zk);
        // (a ZK key embeds the SRS with its flags word and H, and one 32-byte blinding per part)
        long srs = 8 + 16 + 128 + 256 + 64 * powers + 32 + (zk ? 4 + 64 : 0);
        long blindings = zk ? 4 + 4 + 32L * Math.Max(1, partCount) : 0;
        long masks = zk ? 4 + ZkMaskPointTable.ByteLength(ZkMaskPointTable.MaxVarsFor(powers)) : 0;
        bool extras = fixedBaseTable && modelLen >= Kzg.TableMinPoints;
        long table = extras ? 8 + 64L * Msm.WindowCount(254, FixedBaseTable.DefaultWindow) * TableBases(layers, shape, powers, maxBatch, circuit) : 0;
        long folds = extras ? partCount * (4 + 64L * (8 + 64)) : 0;
        long circuitBytes = CircuitFile.ToBytes(circuit).LongLength;
        return 12 + 20 + vk + circuitBytes + srs + table + folds + blindings + masks + 32;
    }

    /// <summary>
    /// The SRS powers the fixed-base table covers: the length of the vector that a proof of one input opens (the
    /// batched opening's joint vector: one model part, or the longest witness vector when that is longer; at least
    /// <see cref="Kzg.TableMinPoints"/>, the shortest commitment that uses a table), extended to the used length of the
    /// witness vectors (<see cref="Layout.Covered"/>, the entries their items occupy; the rest is zero and costs no MSM
    /// work) of every batch size up to <paramref name="maxBatch"/> whose vectors stay within twice that length; at most the
    /// SRS. Proofs of those batch sizes then run their long MSMs (the HyperKZG quotients) on the table in full; larger
    /// batches use it for the prefix of their longer vectors (Kzg.Commit). For the MNIST MLP: 2^15 powers at max batch
    /// 1 … 32, 2^15 + 2^12 from max batch 64 on (W1 and W2 of 64 rows hold 2^15 entries plus the 2^12-entry multiplicities /
    /// h_t, which the table of 2^15 left to a plain MSM: bench/README.md "Session 29"). The former table of the whole model
    /// vector (2^17 powers, 128 MiB for the MNIST MLP) served batch-1 proofs no better: their vectors never reach past a
    /// model part (2^15). In ZK mode (<paramref name="circuit"/> a ZK circuit) the used length is also that of the ZK batched
    /// opening's joint vector (<see cref="ZkMaskPoints.MaskLength(VerifyingKey, ZkShape, int)"/>): the MNIST MLP with a private input
    /// gets 50,176 powers from max batch 64 on (X′ of 784 × 64 entries), which the table of 36,864 left partly to plain MSMs.
    /// </summary>
    internal static long TableBases(IReadOnlyList<LayerKey> layers, KeyShape shape, long powers, int maxBatch, Circuit? circuit = null)
    {
        long modelLen = shape.ModelLayout.Length;
        int parts = Math.Max(1, VerifyingKey.ModelPartCount(shape.ModelLayout.NumVars));
        // ZK mode: the batched opening's joint vector is used up to L* (ZkMaskPoints.MaskLength: the private input X′ of
        // inputSize·Bp entries, or 2^N with the unconfined mask), past every witness vector's items.
        bool zk = circuit is { Zk.Zk: true } && ZkInference.Unsupported(circuit.Zk, shape, layers) is null;
        long ZkUsed(int b) => zk
            ? ZkMaskPoints.MaskLength(circuit!.InputSize, ZkShape.FromParts(layers, shape, circuit.Zk, shape.ModelLayout.NumVars, b), 1 << b)
            : 0;
        long one = Math.Max(Math.Max(Math.Max(modelLen / parts, WitnessLength(layers, shape, 0)), ZkUsed(0)), Kzg.TableMinPoints);
        long cover = one;
        for (int b = 1; (1L << b) <= maxBatch; b++)
        {
            long used = Math.Max(WitnessCovered(layers, shape, b), ZkUsed(b));
            if (used > 2 * one) break; // the used lengths grow with the batch
            cover = Math.Max(cover, used);
        }
        return Math.Min(cover, powers);
    }

    /// <summary>
    /// SRS powers a proof at 2^<paramref name="b"/> padded rows needs beyond the model vector: the longest witness vector
    /// (W1, W2) in the default mode; in ZK mode (docs/protocol.md "Keys" → "ZK mode", the size of a key) also 2^N of the ZK
    /// batched opening, N = <see cref="ZkShape.OpeningVars"/> — W2 with its mask region, X′ (b + i_0 variables) with private
    /// inputs — which can exceed every default-mode vector (a wide private input and narrow hidden layers). A ZK circuit
    /// this version cannot prove (<see cref="ZkInference.Unsupported(ZkSettings, KeyShape, IReadOnlyList{LayerKey})"/>:
    /// its proof shape is not defined yet) is sized as in the default mode; its keys refuse every proof.
    /// </summary>
    private static long ProofLength(Circuit circuit, IReadOnlyList<LayerKey> layers, KeyShape shape, int b)
    {
        long len = WitnessLength(layers, shape, b);
        if (circuit.Zk.Zk && ZkInference.Unsupported(circuit.Zk, shape, layers) is null)
            len = Math.Max(len, 1L << Math.Max(HyperKzgMask.MinVars, ZkShape.FromParts(layers, shape, circuit.Zk, shape.ModelLayout.NumVars, b).OpeningVars));
        return len;
    }

    private static long WitnessLength(IReadOnlyList<LayerKey> layers, KeyShape shape, int b)
    {
        if (shape.T == 0) return 1;
        var bs = new BatchShape(layers, shape, b);
        return Math.Max(bs.W1!.Length, bs.W2!.Length);
    }

    /// <summary>The entries the items of W1 and W2 occupy at 2^<paramref name="b"/> rows (the longer of the two).</summary>
    private static long WitnessCovered(IReadOnlyList<LayerKey> layers, KeyShape shape, int b)
    {
        if (shape.T == 0) return 1;
        var bs = new BatchShape(layers, shape, b);
        return Math.Max(bs.W1!.Covered, bs.W2!.Covered);
    }

    internal static LayerKey[] LayerKeys(Circuit circuit)
    {
        CheckProvable(circuit);
        var r = new LayerKey[circuit.Layers.Count];
        for (int i = 0; i < r.Length; i++)
        {
            var l = circuit.Layers[i];
            int iv = Log2(l.PaddedInputSize), ov = Log2(l.PaddedOutputSize);
            r[i] = l.Table == null
                ? new LayerKey(iv, ov, l.InputSize, l.OutputSize, 0, 0, 0, 0, 0)
                : new LayerKey(iv, ov, l.InputSize, l.OutputSize, l.Multiplier, l.Shift, l.LimbCount, l.Table!.QMin, Log2(Circuit.NextPowerOfTwo(l.Table.Size)));
            if (l.Kind != LayerKind.Dense) r[i] = r[i] with { Kind = l.Kind, Geometry = l.Geometry };
        }
        return r;
    }

    /// <summary>The model vector: W_ℓ, b_ℓ (padded), then the activation column of the table.</summary>
    internal static long[] BuildModel(Circuit circuit, KeyShape shape)
    {
        var v = new long[shape.ModelLayout.Length];
        for (int l = 0; l < circuit.Layers.Count; l++)
        {
            var layer = circuit.Layers[l];
            if (layer.Kind == LayerKind.Conv)
            {
                // the kernel [C_out'][C_in'][kh'][kw'] and the bias [C_out'], zero-padded in every dimension
                var g = layer.Geometry!;
                int ci = Circuit.NextPowerOfTwo(g.InC), kh = Circuit.NextPowerOfTwo(g.KH), kw = Circuit.NextPowerOfTwo(g.KW);
                var k = new long[(long)Circuit.NextPowerOfTwo(g.OutC) * ci * kh * kw];
                var src = layer.Weights;
                for (int o = 0; o < g.OutC; o++)
                    for (int i = 0; i < g.InC; i++)
                        for (int dy = 0; dy < g.KH; dy++)
                            for (int dx = 0; dx < g.KW; dx++)
                                k[((o * ci + i) * kh + dy) * kw + dx] = src[((o * g.InC + i) * g.KH + dy) * g.KW + dx];
                shape.ModelLayout.Place<long>(KeyShape.WeightItem(l), k, v);
                shape.ModelLayout.Place<long>(KeyShape.BiasItem(l), layer.Bias.ToArray(), v);
                continue;
            }
            if (layer.Kind != LayerKind.Dense) continue;
            // (only the real rows of layer 0: its padding rows may hold other items; a dense layer after a conv or
            // pooling layer has its real rows spread over the padded [C'][H'][W'] layout)
            var w = layer.PaddedWeights();
            int rows = l == 0 ? layer.InputSize : layer.PaddedInputSize;
            shape.ModelLayout.Place<long>(KeyShape.WeightItem(l), w.AsSpan(0, rows * layer.PaddedOutputSize), v);
            shape.ModelLayout.Place<long>(KeyShape.BiasItem(l), layer.PaddedBias(), v);
        }
        if (shape.T >= 1) shape.ModelLayout.Place<long>(shape.ActColItem, ActColumn(circuit, shape), v);
        return v;
    }

    /// <summary>a_col: for act_ℓ entry j the value act(min(QMin + j, QMax)); 0 for range and filler entries.</summary>
    internal static long[] ActColumn(Circuit circuit, KeyShape shape)
    {
        var t = shape.TableLayout!;
        var col = new long[t.Length];
        for (int l = 0; l < shape.T; l++)
        {
            if (shape.TableItem[l] < 0) continue; // a max pool: no table
            var table = circuit.Layers[l].Table!;
            long off = t.Offset(shape.TableItem[l]), size = t.Size(shape.TableItem[l]);
            var vals = table.Values;
            for (long j = 0; j < size; j++) col[off + j] = vals[(int)Math.Min(j, vals.Length - 1)];
        }
        return col;
    }

    private static int OutputBytes(long bound)
    {
        foreach (int w in new[] { 1, 2, 4 })
            if (bound < 1L << (8 * w - 1)) return w;
        return 8;
    }

    private static int Log2(int p) => System.Numerics.BitOperations.Log2((uint)p);
}

/// <summary>The result of <see cref="InferenceSetup.RunZk(Circuit, Srs, int, bool)"/>.</summary>
/// <param name="ProvingKey">The proving key (version 6; holds the model blindings: a secret file).</param>
/// <param name="VerifyingKey">The verifying key (version 6: flags, H, the public-circuit digest, hiding part commitments; its digest is the model's identity).</param>
/// <param name="Secret">The model blindings for <c>model.secret</c> (the owner's means to open the model later).</param>
/// <param name="Provenance">The SRS provenance verdict that was applied.</param>
public sealed record ZkSetup(ProvingKey ProvingKey, VerifyingKey VerifyingKey, ModelSecret Secret, BlindingBaseCheck Provenance);

/// <summary>Zero-knowledge setup refused the SRS: its blinding base H is planted or missing, or the ceremony is unknown and not stated verified.</summary>
public sealed class SrsProvenanceException(BlindingBaseCheck check)
    : ArgumentException(check.Verdict switch
    {
        BlindingBaseVerdict.UnknownCeremony => "refusing the SRS for a zero-knowledge setup: " + check.Message + "; state that it was verified to use it",
        _ => "refusing the SRS for a zero-knowledge setup: " + check.Message,
    })
{
    /// <summary>The verdict that refused the SRS.</summary>
    public BlindingBaseCheck Check { get; } = check;
}
