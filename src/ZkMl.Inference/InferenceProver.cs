using System.Security.Cryptography;
using System.Diagnostics;
using ZkMl.Algebra;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

using Labels = ZkMl.Inference.Protocol.Labels;

namespace ZkMl.Inference;

/// <summary>Per-stage wall-clock times of one proof (what <c>zkml bench</c> reports).</summary>
public sealed class ProverTimings
{
    private readonly List<(string Stage, TimeSpan Time)> _stages = [];

    /// <summary>The stages in the order they ran.</summary>
    public IReadOnlyList<(string Stage, TimeSpan Time)> Stages => _stages;

    /// <summary>Called when a stage starts (e.g. for progress display).</summary>
    public Action<string>? OnStageStart { get; init; }

    /// <summary>Total of all stages.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(_stages.Sum(s => s.Time.Ticks));

    internal T Run<T>(string stage, Func<T> body)
    {
        OnStageStart?.Invoke(stage);
        var sw = Stopwatch.StartNew();
        var r = body();
        _stages.Add((stage, sw.Elapsed));
        return r;
    }

    internal void Run(string stage, Action body) => Run<int>(stage, () => { body(); return 0; });
}

/// <summary>A proof with private inputs, the input commitment of its statement and the opening (secret: it reveals the inputs).</summary>
/// <param name="Proof">The proof; its statement is B ‖ C_X ‖ Y.</param>
/// <param name="Commitment">The input commitment (public: input.commit).</param>
/// <param name="Opening">The opening (secret: input.opening).</param>
public sealed record PrivateInputProof(InferenceProof Proof, InputCommitment Commitment, InputOpening Opening)
{
    /// <summary>The shapes only: the opening's values never appear in a message or log.</summary>
    public override string ToString() => $"PrivateInputProof {{ {Commitment}, {Opening} }}";
}

/// <summary>
/// The inference prover (DESIGN.md §4, docs/protocol.md "Inference proof"): one proof for a whole
/// batch — witness from the integer executor, W1/W2 commitments, one LogUp for every lookup, the
/// matmul sumchecks from the output back to the input, and one batched HyperKZG opening.
/// </summary>
public static class InferenceProver
{
    /// <summary>The transcript domain (<see cref="Protocol.Domain"/>).</summary>
    public const string Domain = Protocol.Domain;

    /// <summary>Quantizes float samples (<see cref="Circuit.QuantizeInput"/>) and proves the batch.</summary>
    /// <exception cref="ArgumentException">No sample, a sample of the wrong length or non-finite, or a batch larger than the key supports.</exception>
    public static InferenceProof Prove(ProvingKey pk, IReadOnlyList<float[]> samples, ProverTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(pk);
        ArgumentNullException.ThrowIfNull(samples);
        timings ??= new ProverTimings();
        ProverMemory.BeforeProof();
        if (pk.VerifyingKey.IsZk) return ProveZk(pk, samples.Select(x => pk.Circuit.QuantizeInput(x)).ToArray(), timings, null);
        var w = timings.Run("witness", () => IntegerExecutor.Run(pk.Circuit, samples));
        return ProveWitness(pk, w, timings, checkLookups: true);
    }

    /// <summary>Proves a batch of integer inputs (each InputSize values in ±InputBound).</summary>
    /// <exception cref="ArgumentException">As <see cref="Prove"/>, or an input out of range.</exception>
    public static InferenceProof ProveQuantized(ProvingKey pk, IReadOnlyList<long[]> inputs, ProverTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(pk);
        ArgumentNullException.ThrowIfNull(inputs);
        timings ??= new ProverTimings();
        ProverMemory.BeforeProof();
        if (pk.VerifyingKey.IsZk) return ProveZk(pk, inputs, timings, null);
        var w = timings.Run("witness", () => IntegerExecutor.RunQuantized(pk.Circuit, inputs));
        return ProveWitness(pk, w, timings, checkLookups: true);
    }

    /// <summary>
    /// A zero-knowledge proof (public inputs; docs/protocol.md "Inference proof" → "ZK mode"): the batch is executed with
    /// its padded rows as copies of row 0; masks and blindings from <paramref name="rng"/> (null: the OS CSPRNG; tests inject one).
    /// </summary>
    /// <exception cref="ArgumentException">An input of the wrong length or out of range, a batch too large, a key this version cannot prove for, or a key with private inputs (<see cref="ProvePrivate(ProvingKey, IReadOnlyList{long[]}, InputCommitment?, InputOpening?, ProverTimings?)"/>).</exception>
    internal static InferenceProof ProveZk(ProvingKey pk, IReadOnlyList<long[]> inputs, ProverTimings timings, RandomNumberGenerator? rng)
    {
        InferenceSetup.CheckProvable(pk.Circuit); // as ProveWitness: a key file is not trusted (review of step 9)
        if (ZkInference.Unsupported(pk.VerifyingKey) is { } why) throw new ArgumentException(why, nameof(pk));
        if (inputs.Count == 0) throw new ArgumentException("the batch is empty", nameof(inputs));
        if (pk.VerifyingKey.Zk.Inputs == InputVisibility.Private)
            throw new ArgumentException("a key with private inputs: prove with InferenceProver.ProvePrivate (it makes or takes the input commitment C_X and returns its opening)", nameof(pk));
        var w = timings.Run("witness", () => IntegerExecutor.RunQuantized(pk.Circuit, Padded(inputs)));
        return ZkInference.Prove(pk, w, inputs.Count, timings, checkLookups: true, rng);
    }

    /// <summary>
    /// A zero-knowledge proof for a key with private inputs (docs/protocol.md "Inference proof" → "ZK mode: private inputs";
    /// docs/zk-design.md §6): the statement holds the input commitment C_X instead of the inputs. Without
    /// <paramref name="commitment"/> a fresh commitment is made (blinding from the OS CSPRNG); with it, <paramref name="opening"/>
    /// must open it on the key's SRS and hold exactly <paramref name="inputs"/>, which is checked before proving.
    /// </summary>
    /// <param name="pk">A proving key with private inputs.</param>
    /// <param name="inputs">The B quantized input rows (each InputSize values in ±InputBound).</param>
    /// <param name="commitment">An existing input commitment, or null for a fresh one.</param>
    /// <param name="opening">Its opening (secret); given exactly when <paramref name="commitment"/> is.</param>
    /// <param name="timings">Stage timings, or null.</param>
    /// <returns>The proof, the commitment of its statement and the opening (secret: it reveals the inputs).</returns>
    /// <exception cref="ArgumentException">Not a private-input key, a key this version cannot prove for, a bad input, or a
    /// commitment/opening that does not match each other, the key's SRS and shape, or the inputs (the message says which).</exception>
    public static PrivateInputProof ProvePrivate(ProvingKey pk, IReadOnlyList<long[]> inputs, InputCommitment? commitment = null, InputOpening? opening = null, ProverTimings? timings = null)
        => ProvePrivate(pk, inputs, commitment, opening, timings, null);

    /// <summary>As the public overload; masks and blindings from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static PrivateInputProof ProvePrivate(ProvingKey pk, IReadOnlyList<long[]> inputs, InputCommitment? commitment, InputOpening? opening,
        ProverTimings? timings, RandomNumberGenerator? rng, Func<int, bool>? rejectAttempt = null)
    {
        ArgumentNullException.ThrowIfNull(pk);
        ArgumentNullException.ThrowIfNull(inputs);
        timings ??= new ProverTimings();
        ProverMemory.BeforeProof();
        var vk = pk.VerifyingKey;
        if (!vk.IsZk || vk.Zk.Inputs != InputVisibility.Private)
            throw new ArgumentException($"not a key with private inputs ({(vk.IsZk ? vk.Zk.ToString() : "default, not zero-knowledge")}): prove with InferenceProver.Prove", nameof(pk));
        InferenceSetup.CheckProvable(pk.Circuit);
        if (ZkInference.Unsupported(vk) is { } why) throw new ArgumentException(why, nameof(pk));
        if (inputs.Count == 0) throw new ArgumentException("the batch is empty", nameof(inputs));
        // (before the input commitment: X′ of a batch beyond the key's would not fit its SRS, a less helpful message)
        if (Circuit.NextPowerOfTwo(inputs.Count) > vk.MaxBatch)
            throw new ArgumentException($"a batch of {inputs.Count} needs {Circuit.NextPowerOfTwo(inputs.Count)} padded rows; this key supports at most {vk.MaxBatch} (run setup with a larger SRS)", nameof(inputs));
        // (and a key made before setup sized ZK keys by their opening may state a max batch its SRS cannot open: say so first)
        ZkMaskPoints.For(pk, Circuit.NextPowerOfTwo(inputs.Count));
        if ((commitment is null) != (opening is null))
            throw new ArgumentException("an existing input commitment needs its opening, and an opening its commitment (give both or neither)", commitment is null ? nameof(commitment) : nameof(opening));
        int rowWidth = 1 << vk.Layers[0].InVars;
        if (commitment is null)
        {
            // the witness checks every value first (InputBound), so the commitment is never made of an invalid input
            var w0 = timings.Run("witness", () => IntegerExecutor.RunQuantized(pk.Circuit, Padded(inputs)));
            // (X′'s points summed per value for C_X serve W3 as well: InputValueSums, cleared here after the last attempt)
            var (c, o, sums) = timings.Run("input commitment", () => InputCommitment.CommitWithSums(pk.Srs, rowWidth, vk.InputSize, vk.XBytes, inputs, rng));
            (commitment, opening) = (c, o);
            InferenceProof proof;
            try { proof = ZkInference.Prove(pk, w0, inputs.Count, timings, checkLookups: true, rng, new ZkPrivateInput(commitment, opening, sums), rejectAttempt); }
            finally { foreach (var sh in sums) sh?.Clear(); }
            return new PrivateInputProof(proof, commitment, opening);
        }
        if (commitment.RowWidth != rowWidth || commitment.InputSize != vk.InputSize)
            throw new ArgumentException($"the input commitment holds rows of {commitment.InputSize} values in a width of {commitment.RowWidth}; this key's input is {vk.InputSize} values in a width of {rowWidth}", nameof(commitment));
        var check = commitment.Check(opening!, pk.Srs);
        if (!check.IsValid) throw new ArgumentException($"the input opening does not open the input commitment: {check.Reason}", nameof(opening));
        var holds = opening!.Holds(inputs);
        if (!holds.IsValid) throw new ArgumentException($"the input opening does not hold the inputs to prove: {holds.Reason}", nameof(opening));
        var w = timings.Run("witness", () => IntegerExecutor.RunQuantized(pk.Circuit, Padded(inputs)));
        var p = ZkInference.Prove(pk, w, inputs.Count, timings, checkLookups: true, rng, new ZkPrivateInput(commitment, opening), rejectAttempt);
        return new PrivateInputProof(p, commitment, opening);
    }

    /// <summary>The batch with its padded rows copies of row 0 (zero-knowledge mode).</summary>
    private static long[][] Padded(IReadOnlyList<long[]> inputs)
        => inputs.Concat(Enumerable.Repeat(inputs[0], Circuit.NextPowerOfTwo(inputs.Count) - inputs.Count)).ToArray();

    /// <summary>
    /// Proves from a witness. With <paramref name="checkLookups"/> = false a witness that breaks a lookup
    /// still yields a proof (tests use it: such a prover is forced to cheat, and the proof must be rejected).
    /// </summary>
    internal static InferenceProof ProveWitness(ProvingKey pk, Witness wit, ProverTimings timings, bool checkLookups)
    {
        InferenceSetup.CheckProvable(pk.Circuit); // a key can only be made by setup, which checks too; a key file is not trusted
        if (pk.VerifyingKey.IsZk) throw new ArgumentException("a zero-knowledge key: prove with InferenceProver.Prove / ProveQuantized (the ZK witness repeats row 0 in the padded rows)", nameof(pk));
        var vk = pk.VerifyingKey;
        var ks = vk.Shape;
        var srs = pk.Srs;
        int batch = wit.BatchSize, bp = wit.PaddedBatchSize;
        if (bp > vk.MaxBatch) throw new ArgumentException($"a batch of {batch} needs {bp} padded rows; this key supports at most {vk.MaxBatch} (run setup with a larger SRS)");
        int b = System.Numerics.BitOperations.Log2((uint)bp);
        var bs = new BatchShape(vk, b);
        int L = ks.L, H = ks.H, T = ks.T;

        var io = PublicIO.Create(vk, batch, RealInputs(wit, vk), RealOutputs(wit, vk));
        var t = new Transcript(Domain);
        t.AppendBytes(Labels.Vk, vk.Digest);
        t.AppendBytes(Labels.Io, io.Words);

        var claims = new List<OpeningClaim>();
        var vectors = new List<Fr[]>();
        Fr[] w1Fr = [], w2 = [];
        G1Affine c1 = default, c2 = default;
        LogUpProof? logup = null;
        var cols = Array.Empty<Fr>();
        var fillerHint = Fr.Zero;
        Fr[] rw = [];
        if (T >= 1)
        {
            var tl = ks.TableLayout!;
            var w1 = BuildW1(vk, bs, wit);
            c1 = timings.Run("commit W1", () => HyperKzg.CommitSmall(srs, w1));
            t.AppendG1(Labels.W1, c1);
            var beta = t.ChallengeScalar(Labels.Beta);
            var alpha = t.ChallengeScalar(Labels.Alpha);
            var (f, table, mult) = timings.Run("lookup vectors", () => LookupVectors(pk, bs, wit, w1, beta));
            var (hw, ht) = timings.Run("lookup helpers", () => LogUpProver.ComputeHelpers(f, table, mult, alpha));
            // W2 holds h_w without its filler entries (all equal to c_f = 1/(α − 1), known to the
            // verifier), so the commitment and the opening only pay for real lookups.
            w2 = new Fr[bs.W2!.Length];
            bs.W2.Place<Fr>(0, hw.AsSpan(0, (int)bs.F!.Covered), w2);
            bs.W2.Place<Fr>(1, ht, w2);
            var w2c = w2;
            // h_w = 1/(α − f) takes one value per distinct lookup entry (a few thousand at any batch size).
            c2 = timings.Run("commit W2", () => HyperKzg.CommitFewDistinct(srs, w2c));
            t.AppendG1(Labels.W2, c2);
            // f, t, m, h_w, h_t are not read after the LogUp (W2 holds its own copy of the helpers): the prover consumes them.
            var lu = timings.Run("lookups", () => LogUpProver.ProveConsuming(t, f, table, mult, hw, ht, alpha, checkSums: checkLookups));
            logup = lu.Proof;
            rw = lu.Claims[2].Point;
            var rt = lu.Claims[4].Point;
            var w1Arr = w1;
            cols = timings.Run("lookup columns", () => Columns(pk, bs, wit, w1Arr, rw, rt));
            t.AppendScalars(Labels.Cols, cols);
            w1Fr = FrVector.FromInt64(w1);

            var ml = ks.ModelLayout;
            var cf = FillerHelper(alpha);
            fillerHint = cf;
            claims.Add(new(c2, bs.W2.Point(0, lu.Claims[0].Point), lu.Claims[0].Value - cf * FillerWeight(bs.F, lu.Claims[0].Point) + HtShare(bs, lu.Claims[0].Point, lu.Claims[1].Value))); vectors.Add(w2);
            claims.Add(new(c2, bs.W2.Point(1, lu.Claims[1].Point), lu.Claims[1].Value)); vectors.Add(w2);
            claims.Add(new(c2, bs.W2.Point(0, rw), lu.Claims[2].Value - cf * FillerWeight(bs.F, rw) + HtShare(bs, rw, lu.Claims[4].Value))); vectors.Add(w2);
            claims.Add(new(c2, bs.W2.Point(1, rt), lu.Claims[4].Value)); vectors.Add(w2);
            claims.Add(new(c1, bs.W1!.Point(bs.MultItem, rt), lu.Claims[6].Value)); vectors.Add(w1Fr);
            claims.Add(new(vk.ModelClaimKey, ml.Point(ks.ActColItem, rt), cols[^1])); vectors.Add(pk.ModelFr);
            int ci = 0;
            for (int l = 0; l < T; l++)
            {
                if (!ks.Tabled(l))
                {
                    // a max pool: D at p_D (its range segment's point); Y is opened by the Phase-2 MaxY term
                    var (pd, _) = MaxPoolPoints(vk, l, b, rw);
                    claims.Add(new(c1, bs.W1.Point(bs.DItem[l], pd), cols[ci++])); vectors.Add(w1Fr);
                    continue;
                }
                var p = Suffix(rw, b + vk.Layers[l].OutVars);
                ci++; // Q_ℓ(p_ℓ) is not opened: Q is not committed, the matmul claim z_ℓ fixes it
                if (l < H) { claims.Add(new(c1, bs.W1.Point(bs.AItem[l], p), cols[ci])); vectors.Add(w1Fr); }
                ci++; // (a tabled output layer's A is the public output: the verifier computes it)
                foreach (int ri in bs.RItem[l]) { claims.Add(new(c1, bs.W1.Point(ri, p), cols[ci++])); vectors.Add(w1Fr); }
            }
        }

        var mmLayers = Enumerable.Range(0, L).Reverse().Where(ks.InMatmul).ToArray();
        var layers = new LayerProof[mmLayers.Length];
        SumcheckProof? matmul = null;
        var points = new Fr[L][];
        var zs = new Fr[L];
        var phase1 = new Fr[L][]; // a conv layer's Phase-1 point ρ
        timings.Run("matmul sumchecks", () =>
        {
            // Every layer's claim is known here (the output layer's from out_r, the hidden layers' from the
            // LogUp point and the cols): ONE sumcheck over I = max i_ℓ variables proves them all, with the
            // weights λ^j (j = position among the matmul layers from the output down); a layer with i_ℓ < I
            // variables is tiled (it depends on the last i_ℓ). A conv layer's term is its Phase 1, K̃(r_c, k)·T(k).
            // Without a proven final activation the output layer's claim is at fresh challenges out_r;
            // with one, it is at p_{L−1} from the LogUp point like a hidden layer's (its Z from relation R).
            if (!ks.OutputTabled)
            {
                points[L - 1] = t.ChallengeScalars(Labels.OutR, b + vk.Layers[L - 1].OutVars);
                zs[L - 1] = Layout.EvaluateSmall(wit.Layers[L - 1].Z, points[L - 1]);
            }
            for (int l = T - 1; l >= 0; l--)
            {
                points[l] = Suffix(rw, b + vk.Layers[l].OutVars);
                if (ks.Tabled(l)) zs[l] = Layout.EvaluateSmall(wit.Layers[l].Z, points[l]);
            }
            int iMax = ProofParts.MatmulVars(vk);
            var biases = new Fr[L];
            var tables = new List<DenseMle>();
            var terms = new List<ProductTerm>();
            foreach (int l in mmLayers)
            {
                var lk = vk.Layers[l];
                var rb = points[l].AsSpan(0, b);
                Fr[] aVec, wVec;
                if (lk.Kind == Compiler.Model.LayerKind.Conv)
                {
                    var (rc, ry, rx) = SpatialProof.Split(points[l].AsSpan(b), lk.OutBits);
                    var eqc = Eq.Table(rc);
                    biases[l] = Dot(pk.Circuit.Layers[l].Bias, eqc);
                    // T(i, dy, dx) from the batch-folded input, and K̃(r_c, ·) from the kernel item
                    var ab = SpatialProof.Fold(wit.LayerInput(l), bp, 1 << lk.InVars, Eq.Table(rb), null, 0);
                    aVec = SpatialProof.ConvT(lk, ab, ry, rx);
                    wVec = KernelFold(pk, l, eqc);
                }
                else
                {
                    var eqo = Eq.Table(points[l].AsSpan(b));
                    biases[l] = Dot(pk.Circuit.Layers[l].Bias, eqo);
                    aVec = RowCombination(wit.LayerInput(l), bp, 1 << lk.InVars, Eq.Table(rb));
                    wVec = new Fr[1 << lk.InVars];
                    MatVec(pk, l, eqo, wVec);
                }
                t.AppendScalar(Labels.Bias, biases[l]);
                tables.Add(aVec.Length == 1 << iMax ? new DenseMle(aVec) : DenseMle.Tiled(aVec, iMax));
                tables.Add(wVec.Length == 1 << iMax ? new DenseMle(wVec) : DenseMle.Tiled(wVec, iMax));
            }
            var lambda = t.ChallengeScalar(Labels.MmLambda);
            var claim = Fr.Zero;
            var c = Fr.One;
            for (int j = 0; j < mmLayers.Length; j++)
            {
                int l = mmLayers[j];
                terms.Add(new ProductTerm(c, [2 * j, 2 * j + 1]));
                claim += c * FieldPowers.TwoTo(iMax - ProofParts.MatmulVars(vk.Layers[l])) * (zs[l] - BiasTerm(vk.Layers[l], biases[l], points[l].AsSpan(b)));
                c *= lambda;
            }
            var sc = SumcheckProver.Prove(t, new ProductSum(2 * mmLayers.Length, terms.ToArray()), tables, claim);
            matmul = sc.Proof;
            var mm = sc.FinalEvaluations;
            t.AppendScalars(Labels.Mm, mm);
            var ml = ks.ModelLayout;
            for (int j = 0; j < mmLayers.Length; j++)
            {
                int l = mmLayers[j];
                var lk = vk.Layers[l];
                var rho = Suffix(sc.Point, ProofParts.MatmulVars(lk));
                var ro = points[l].AsSpan(b);
                var (a, w) = (mm[2 * j], mm[2 * j + 1]);
                layers[j] = new LayerProof(biases[l], a, w);
                if (lk.Kind == Compiler.Model.LayerKind.Conv)
                {
                    // K̃(r_c, ρ) and b̃(r_c) on the model vector; τ_ℓ = T(ρ) is Phase 2's claim
                    var rc = ro[..lk.OutBits.C];
                    phase1[l] = rho;
                    claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.BiasItem(l), rc), biases[l])); vectors.Add(pk.ModelFr);
                    claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.WeightItem(l), Concat(rc, rho)), w)); vectors.Add(pk.ModelFr);
                    continue;
                }
                claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.BiasItem(l), ro), biases[l])); vectors.Add(pk.ModelFr);
                claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.WeightItem(l), Concat(rho, ro)), w)); vectors.Add(pk.ModelFr);
                if (l >= 1) { claims.Add(new(c1, bs.W1!.Point(bs.AItem[l - 1], Concat(points[l].AsSpan(0, b), rho)), a)); vectors.Add(w1Fr); }
            }
        });

        // Phase 2 (conv, average pool, max-pool D consistency) and the max-pool zero-checks.
        Phase2Proof? phase2 = null;
        var pools = new List<MaxPoolProof>();
        if (vk.HasSpatialLayers)
        {
            timings.Run("conv and pooling", () =>
            {
                // each max pool's T_Y = Σ_{c,y,x} Y(r_b, c, y, x)·E_C(c)·W_h(y)·W_w(x), sent before cv_lambda
                var yValues = new List<Fr>();
                var pre = Phase2Terms(vk, b, points, zs, layers, mmLayers, phase1, cols, rw, new Fr[ks.MaxPoolLayers.Count()]);
                foreach (var term in pre.Where(x => x.Kind == Phase2Kind.MaxY))
                {
                    var v = Phase2Values(vk, wit, term, b);
                    var sel = term.SelectorTable();
                    var sum = Fr.Zero;
                    for (int q = 0; q < v.Length; q++) sum += v[q] * sel[q];
                    yValues.Add(sum);
                }
                var yv = yValues.ToArray();
                if (yv.Length > 0) t.AppendScalars(Protocol.ConvLabels.MpY, yv);
                var terms = Phase2Terms(vk, b, points, zs, layers, mmLayers, phase1, cols, rw, yv);
                int n2 = terms.Max(x => x.Vars);
                var tables = new List<DenseMle>();
                foreach (var term in terms)
                {
                    var a = Phase2Values(vk, wit, term, b);
                    var sel = term.SelectorTable();
                    tables.Add(a.Length == 1 << n2 ? new DenseMle(a) : DenseMle.Tiled(a, n2));
                    tables.Add(sel.Length == 1 << n2 ? new DenseMle(sel) : DenseMle.Tiled(sel, n2));
                }
                var lambda2 = t.ChallengeScalar(Protocol.ConvLabels.CvLambda);
                var (shape, claim) = Phase2Statement(terms, n2, lambda2);
                var sc = SumcheckProver.Prove(t, shape, tables, claim);
                var cv = new Fr[terms.Count];
                for (int j = 0; j < cv.Length; j++) cv[j] = sc.FinalEvaluations[2 * j];
                t.AppendScalars(Protocol.ConvLabels.Cv, cv);
                phase2 = new Phase2Proof(yv, sc.Proof, cv);
                for (int j = 0; j < terms.Count; j++)
                {
                    int ol = terms[j].OpenedLayer;
                    if (ol < 0) continue; // the public input: the verifier evaluates X̃
                    var sigma = Suffix(sc.Point, terms[j].Vars);
                    claims.Add(new(c1, bs.W1!.Point(bs.AItem[ol], Concat(terms[j].Prefix, sigma)), cv[j])); vectors.Add(w1Fr);
                }
                foreach (int l in ks.MaxPoolLayers)
                {
                    var lk = vk.Layers[l];
                    var (wh, ww) = lk.WindowBits;
                    var g = lk.Geometry!;
                    int n = b + lk.OutVars;
                    var tau = t.ChallengeScalars(Protocol.ConvLabels.MpTau, n);
                    var d = SpatialProof.WindowDifferences(lk, wit.LayerInput(l), wit.Layers[l].A!, bp);
                    var mles = new List<DenseMle> { new(SpatialProof.OutputIndicator(lk, bp)) };
                    int slots = 1 << (wh + ww);
                    for (int dy = 0; dy < g.KH; dy++)
                        for (int dx = 0; dx < g.KW; dx++)
                        {
                            var col = new Fr[1 << n];
                            int slot = (dy << ww) + dx;
                            for (int e = 0; e < col.Length; e++) col[e] = Fr.FromInt64(d[(long)e * slots + slot]);
                            mles.Add(new DenseMle(col));
                        }
                    var zc = SumcheckProver.ProveZeroCheck(t, MaxPoolShape(g.Window), mles, tau, Fr.Zero);
                    var dv = zc.FinalEvaluations[1..];
                    t.AppendScalars(Protocol.ConvLabels.Mp, dv);
                    pools.Add(new MaxPoolProof(zc.Proof, dv));
                    int k = 0;
                    for (int dy = 0; dy < g.KH; dy++)
                        for (int dx = 0; dx < g.KW; dx++)
                        {
                            var pt = SpatialProof.SlotPoint(zc.Point, dy, dx, wh, ww);
                            claims.Add(new(c1, bs.W1!.Point(bs.DItem[l], pt), dv[k++])); vectors.Add(w1Fr);
                        }
                }
            });
        }

        // The model vector enters the joint opening as the fold of its parts (SplitVector).
        var red = timings.Run("batched opening (sumcheck)", () => BatchOpening.Reduce(t, claims, vectors, bindClaims: false, [vk.ModelSplit]));
        // Its first fold commitments come from the key's precomputed fold bases of the parts.
        FixedPart? fixedPart = null;
        int mi = Array.FindIndex(red.Folds, f => f != null);
        if (pk.ModelFolds is { } mf && mi >= 0)
            fixedPart = new FixedPart(red.Coefficients[mi], red.Vectors[mi], mf, red.Folds[mi]!);
        var kzg = timings.Run("HyperKZG", () => HyperKzg.Prove(srs, t, red.Commitment, red.Joint, red.Point, red.Value, fixedPart, bindClaim: false));
        var opening = new BatchOpeningProof(red.Rounds, red.Evaluations, kzg);
        var parts = new ProofParts(c1, c2, logup, cols, fillerHint, layers, matmul!, opening) { Phase2 = phase2, MaxPools = pools.ToArray() };
        return new InferenceProof(vk.Digest, io.Words.ToArray(), parts.ToBytes(), 0);
    }

    /// <summary>A max pool's points: p_D = the last b + o_ℓ + kh' + kw' coordinates of r_w (its D segment), p_Y = p_D's first b + o_ℓ.</summary>
    internal static (Fr[] PD, Fr[] PY) MaxPoolPoints(VerifyingKey vk, int layer, int b, Fr[] rw)
    {
        var lk = vk.Layers[layer];
        var (wh, ww) = lk.WindowBits;
        var pd = Suffix(rw, b + lk.OutVars + wh + ww);
        return (pd, pd[..(b + lk.OutVars)]);
    }

    /// <summary>The bias term of a matmul layer's claim: b̃(r_o) (dense), b̃(r_c)·Ĩ_{H_out}(r_y)·Ĩ_{W_out}(r_x) (conv).</summary>
    internal static Fr BiasTerm(LayerKey lk, Fr bias, ReadOnlySpan<Fr> ro)
    {
        if (lk.Kind != Compiler.Model.LayerKind.Conv) return bias;
        var (_, ry, rx) = SpatialProof.Split(ro, lk.OutBits);
        return bias * ConvSelector.LessThan(ry, lk.Geometry!.OutH) * ConvSelector.LessThan(rx, lk.Geometry.OutW);
    }

    /// <summary>K̃(r_c, ·): Σ_o eq(r_c, o)·K[o, ·] over the kernel item [C_out'][C_in'][kh'][kw'] of the model vector.</summary>
    private static Fr[] KernelFold(ProvingKey pk, int layer, Fr[] eqc)
    {
        var lk = pk.VerifyingKey.Layers[layer];
        var ml = pk.VerifyingKey.Shape.ModelLayout;
        int per = 1 << lk.KernelInVars;
        var item = pk.Model.AsSpan((int)ml.Offset(KeyShape.WeightItem(layer)), (int)ml.Size(KeyShape.WeightItem(layer)));
        var r = new Fr[per];
        for (int o = 0; o < eqc.Length; o++)
        {
            var w = eqc[o];
            var row = item.Slice(o * per, per);
            for (int k = 0; k < per; k++)
                if (row[k] != 0) r[k] += w * Fr.FromInt64(row[k]);
        }
        return r;
    }

    /// <summary>
    /// The Phase-2 terms (docs/protocol.md "Conv and pooling layers"), ℓ = L−1 … 0: a conv layer's τ_ℓ; an average pool's
    /// window sum = z_ℓ; a max pool's MaxY term = its `mp_y` value T_Y and its window term = T_Y + 1 − Ĩ_C·V̂_h·V̂_w − D̃(p_D).
    /// Prover and verifier build the same list (<paramref name="yValues"/>: the `mp_y` values, one per max pool).
    /// </summary>
    internal static List<Phase2Term> Phase2Terms(VerifyingKey vk, int b, Fr[][] points, Fr[] zs, LayerProof[] layers, int[] mmLayers, Fr[][] phase1, Fr[] cols, Fr[] rw, Fr[] yValues)
    {
        var ks = vk.Shape;
        var r = new List<Phase2Term>();
        int mi = 0;
        foreach (int l in ks.Phase2Layers)
        {
            var lk = vk.Layers[l];
            var g = lk.Geometry!;
            var (ic, ih, iw) = lk.InBits;
            var (wh, ww) = lk.WindowBits;
            switch (lk.Kind)
            {
                case Compiler.Model.LayerKind.Conv:
                {
                    var rho = phase1[l];
                    var (_, ry, rx) = SpatialProof.Split(points[l].AsSpan(b), lk.OutBits);
                    var tau = layers[Array.IndexOf(mmLayers, l)].A;
                    r.Add(new Phase2Term(l, lk, Phase2Kind.Conv, Concat(points[l].AsSpan(0, b), rho.AsSpan(0, ic)), tau)
                    { Ry = ry, Rx = rx, RhoY = rho.AsSpan(ic, wh).ToArray(), RhoX = rho.AsSpan(ic + wh, ww).ToArray() });
                    break;
                }
                case Compiler.Model.LayerKind.AveragePool:
                {
                    var (rc, ry, rx) = SpatialProof.Split(points[l].AsSpan(b), lk.OutBits);
                    r.Add(new Phase2Term(l, lk, Phase2Kind.PoolWindow, points[l][..b], zs[l])
                    { Rc = rc, Ry = ry, Rx = rx, WholeWindow = true });
                    break;
                }
                default:
                {
                    var (pd, py) = MaxPoolPoints(vk, l, b, rw);
                    var (rc, ry, rx) = SpatialProof.Split(py.AsSpan(b), lk.OutBits);
                    var rdy = pd.AsSpan(b + lk.OutVars, wh);
                    var rdx = pd.AsSpan(b + lk.OutVars + wh, ww);
                    var wy = SpatialProof.EqPrefix(rdy, g.KH);
                    var wx = SpatialProof.EqPrefix(rdx, g.KW);
                    var valid = ConvSelector.LessThan(rc, g.OutC)
                              * SpatialProof.Validity(ry, rdy, g.KH, ih, g.StrideH, g.PadTop, g.OutH, g.InH)
                              * SpatialProof.Validity(rx, rdx, g.KW, iw, g.StrideW, g.PadLeft, g.OutW, g.InW);
                    var ty = yValues[mi++];
                    int off = ks.ColumnOffset[l];
                    r.Add(new Phase2Term(l, lk, Phase2Kind.MaxY, py[..b], ty) { Rc = rc, Ry = ry, Rx = rx, WeightY = wy, WeightX = wx });
                    r.Add(new Phase2Term(l, lk, Phase2Kind.PoolWindow, py[..b], ty + Fr.One - valid - cols[off])
                    { Rc = rc, Ry = ry, Rx = rx, WeightY = wy, WeightX = wx });
                    break;
                }
            }
        }
        return r;
    }

    /// <summary>The Phase-2 sumcheck's shape and claim: Σ_j λ^j·V_j·Sel_j over n2 variables (tiled), claim Σ_j λ^j·2^{n2−n_j}·target_j.</summary>
    internal static (ProductSum Shape, Fr Claim) Phase2Statement(List<Phase2Term> terms, int n2, Fr lambda)
    {
        var pt = new ProductTerm[terms.Count];
        var claim = Fr.Zero;
        var c = Fr.One;
        for (int j = 0; j < terms.Count; j++)
        {
            pt[j] = new ProductTerm(c, [2 * j, 2 * j + 1]);
            claim += c * FieldPowers.TwoTo(n2 - terms[j].Vars) * terms[j].Target;
            c *= lambda;
        }
        return (new ProductSum(2 * terms.Count, pt), claim);
    }

    /// <summary>The table a Phase-2 term opens: the opened layer's A (or X) folded over the batch by eq(r_b) and, for a conv term, over the channels by eq(ρ_i).</summary>
    private static Fr[] Phase2Values(VerifyingKey vk, Witness wit, Phase2Term term, int b)
    {
        int bp = 1 << b;
        var eqb = Eq.Table(term.Prefix.AsSpan(0, b));
        var lk = term.Key;
        if (term.Kind == Phase2Kind.MaxY) return SpatialProof.Fold(wit.Layers[term.Layer].A!, bp, 1 << lk.OutVars, eqb, null, 0);
        var input = wit.LayerInput(term.Layer);
        if (term.Kind == Phase2Kind.PoolWindow) return SpatialProof.Fold(input, bp, 1 << lk.InVars, eqb, null, 0);
        var (_, ih, iw) = lk.InBits;
        return SpatialProof.Fold(input, bp, 1 << lk.InVars, eqb, Eq.Table(term.Prefix.AsSpan(b)), 1 << (ih + iw));
    }

    /// <summary>The max-pool zero-check's G = I·Π_w D_w (window entries w).</summary>
    internal static ProductSum MaxPoolShape(int window) => new(1 + window, [new ProductTerm(Fr.One, Enumerable.Range(0, 1 + window).ToArray())]);

    /// <summary>c_f = 1/(α − 1): h_w at a filler entry of f (the tuple (1, 0, 0)).</summary>
    /// <summary>
    /// Refuses a zero-knowledge key this version cannot prove for (private inputs, docs/zk-design.md §11 step 10; a circuit
    /// without hidden layers or with a proven final activation): never a non-ZK proof for a ZK key.
    /// </summary>
    /// <exception cref="ArgumentException">"not yet implemented: …".</exception>
    public static void RefuseZk(VerifyingKey vk)
    {
        ArgumentNullException.ThrowIfNull(vk);
        if (vk.IsZk && ZkInference.Unsupported(vk) is { } why)
            throw new ArgumentException($"{why} (the key is a zero-knowledge key: {vk.Zk})", nameof(vk));
    }

    internal static Fr FillerHelper(in Fr alpha) => (alpha - Fr.FromInt64(KeyShape.RangeTag)).Inverse();

    /// <summary>The MLE of f's filler indicator at a point: 1 − Σ_seg sel_seg(point).</summary>
    internal static Fr FillerWeight(Layout f, ReadOnlySpan<Fr> point)
    {
        var s = Fr.One;
        for (int i = 0; i < f.Count; i++) s -= f.Selector(i, point);
        return s;
    }

    /// <summary>
    /// h_t's share of W2 at a point z of h'_w's n variables when h_t sits in h'_w's filler tail (<see cref="BatchShape.HtInFiller"/>):
    /// sel_t(z)·h_t(z's last m coordinates), with <paramref name="htValue"/> = that h_t value (a LogUp claim: h_t(½ᵐ) for z = ½ⁿ,
    /// h_t(r_t) for z = r_w, since r_t is r_w's last m coordinates); zero otherwise.
    /// </summary>
    internal static Fr HtShare(BatchShape bs, ReadOnlySpan<Fr> z, in Fr htValue) => bs.HtInFiller ? bs.W2!.Selector(1, z) * htValue : Fr.Zero;

    /// <summary>Σ_k A(r_b, k)·W(k, r_o): the product of two multilinear factors.</summary>
    internal static readonly ProductSum MatmulShape = new(2, [new ProductTerm(Fr.One, [0, 1])]);

    internal static long[] RealInputs(Witness w, VerifyingKey vk)
    {
        int n0 = w.Circuit.PaddedInputSize;
        var x = new long[(long)w.BatchSize * vk.InputSize];
        var shape = w.Circuit.InputShape;
        for (int r = 0; r < w.BatchSize; r++)
        {
            if (shape.Count <= 1) { Array.Copy(w.Input, (long)r * n0, x, (long)r * vk.InputSize, vk.InputSize); continue; }
            // a [C, H, W] input sits at its per-dimension padded positions
            for (int i = 0; i < vk.InputSize; i++) x[(long)r * vk.InputSize + i] = w.Input[(long)r * n0 + Circuit.PaddedIndex(shape, i)];
        }
        return x;
    }

    internal static long[] RealOutputs(Witness w, VerifyingKey vk)
    {
        var last = w.Layers[^1];
        int cols = vk.OutputColumns;
        var src = w.Output;
        var y = new long[(long)last.Rows * cols];
        for (int r = 0; r < last.Rows; r++) Array.Copy(src, (long)r * last.Cols, y, (long)r * cols, cols);
        return y;
    }

    /// <summary>W1 = A_ℓ, R_ℓ,i per hidden layer, then the lookup multiplicities (Q_ℓ is not committed).</summary>
    internal static long[] BuildW1(VerifyingKey vk, BatchShape bs, Witness wit)
    {
        var ks = vk.Shape;
        var tl = ks.TableLayout!;
        var w1 = new long[bs.W1!.Length];
        var mult = new long[tl.Length];
        long range = tl.Offset(ks.RangeItem), rangeSize = tl.Size(ks.RangeItem);
        for (int l = 0; l < ks.T; l++)
        {
            var lw = wit.Layers[l];
            if (!ks.Tabled(l))
            {
                // a max pool: Y and its window differences D (each counted in the range segment)
                var d = SpatialProof.WindowDifferences(vk.Layers[l], wit.LayerInput(l), lw.A!, wit.PaddedBatchSize);
                bs.W1.Place<long>(bs.AItem[l], lw.A, w1);
                bs.W1.Place<long>(bs.DItem[l], d, w1);
                foreach (long v in d)
                    if ((ulong)v < (ulong)rangeSize) mult[range + v]++;
                continue;
            }
            if (bs.AItem[l] >= 0) bs.W1.Place<long>(bs.AItem[l], lw.A, w1);
            for (int i = 0; i < lw.RemainderLimbs!.Length; i++) bs.W1.Place<long>(bs.RItem[l][i], lw.RemainderLimbs[i], w1);
            long off = tl.Offset(ks.TableItem[l]), size = tl.Size(ks.TableItem[l]), qmin = vk.Layers[l].QMin;
            // Each tuple is counted at its table index; one that is in no table entry is not counted
            // (only a cheating witness has one, and LogUp then fails).
            foreach (long q in lw.Q!)
                if ((ulong)(q - qmin) < (ulong)size) mult[off + q - qmin]++;
            foreach (var limb in lw.RemainderLimbs)
                foreach (long v in limb)
                    if ((ulong)v < (ulong)rangeSize) mult[range + v]++;
        }
        mult[range] += bs.F!.Length - bs.F.Covered; // filler tuples (1, 0, 0)
        if (ks.InputItem >= 0) CountInputs(vk, wit, mult);
        bs.W1.Place<long>(bs.MultItem, mult, w1);
        return w1;
    }

    /// <summary>
    /// The input range check's counts (docs/protocol.md "ZK mode: the input range check", "ZK mode: the column-major private
    /// input"): every entry of X′ (all Bp rows) in a real column at its input-segment index x + InputBound; the padded columns
    /// are not looked up (sel = 0 there) and not counted. A value outside ±InputBound is in no entry and is not counted (only a
    /// cheating prover has one; the sum relation fails).
    /// </summary>
    private static void CountInputs(VerifyingKey vk, Witness wit, long[] mult)
    {
        var ks = vk.Shape;
        var tl = ks.TableLayout!;
        long inOff = tl.Offset(ks.InputItem), bound = vk.InputBound;
        int n0 = wit.Circuit.PaddedInputSize;
        for (int e = 0; e < wit.Input.Length; e++)
        {
            if (e % n0 >= vk.InputSize) continue;
            long x = wit.Input[e];
            if (x >= -bound && x <= bound) mult[inOff + x + bound]++;
        }
    }

    /// <summary>The input segment's entry j: (t_X, −InputBound + min(j, 2·InputBound), 0) — the entries past the last value repeat it.</summary>
    internal static long InputSegmentValue(VerifyingKey vk, long j) => -vk.InputBound + Math.Min(j, 2 * vk.InputBound);

    /// <summary>f, t and the multiplicities (docs/protocol.md "Lookup witness f", "Lookup table t").</summary>
    internal static (Fr[] F, Fr[] T, Fr[] Mult) LookupVectors(ProvingKey pk, BatchShape bs, Witness wit, long[] w1, Fr beta)
    {
        var vk = pk.VerifyingKey;
        var ks = vk.Shape;
        var beta2 = beta * beta;
        var f = new Fr[bs.F!.Length];
        Array.Fill(f, Fr.FromInt64(KeyShape.RangeTag));
        var rangeTag = Fr.FromInt64(KeyShape.RangeTag);
        for (int l = 0; l < ks.T; l++)
        {
            var lw = wit.Layers[l];
            if (!ks.Tabled(l))
            {
                long dOff = bs.F.Offset(bs.FD[l]);
                var dv = w1.AsSpan((int)bs.W1!.Offset(bs.DItem[l]), (int)bs.W1.Size(bs.DItem[l])).ToArray();
                Parallelism.For(dv.Length, (lo, hi) =>
                {
                    for (int e = lo; e < hi; e++) f[dOff + e] = rangeTag + beta * Fr.FromInt64(dv[e]);
                });
                continue;
            }
            var tag = Fr.FromInt64(KeyShape.ActTag(l));
            long off = bs.F.Offset(bs.FAct[l]);
            var q = lw.Q!; var a = lw.A!;
            Parallelism.For(q.Length, (lo, hi) =>
            {
                for (int e = lo; e < hi; e++) f[off + e] = tag + beta * Fr.FromInt64(q[e]) + beta2 * Fr.FromInt64(a[e]);
            });
            for (int i = 0; i < lw.RemainderLimbs!.Length; i++)
            {
                long lo2 = bs.F.Offset(bs.FLimb[l][i]);
                var limb = lw.RemainderLimbs[i];
                Parallelism.For(limb.Length, (lo, hi) =>
                {
                    for (int e = lo; e < hi; e++) f[lo2 + e] = rangeTag + beta * Fr.FromInt64(limb[e]);
                });
            }
        }
        var tl = ks.TableLayout!;
        var table = new Fr[tl.Length];
        var acol = pk.Model.AsSpan((int)ks.ModelLayout.Offset(ks.ActColItem), (int)tl.Length);
        for (int l = 0; l < ks.T; l++)
        {
            if (!ks.Tabled(l)) continue;
            var tag = Fr.FromInt64(KeyShape.ActTag(l));
            int ti = ks.TableItem[l];
            long off = tl.Offset(ti), qmin = vk.Layers[l].QMin;
            for (long j = 0; j < tl.Size(ti); j++)
                table[off + j] = tag + beta * Fr.FromInt64(qmin + j) + beta2 * Fr.FromInt64(acol[(int)(off + j)]);
        }
        long ro = tl.Offset(ks.RangeItem);
        for (long j = 0; j < tl.Size(ks.RangeItem); j++) table[ro + j] = rangeTag + beta * Fr.FromInt64(j);
        if (ks.InputItem >= 0)
        {
            // the input segment (t_X, x, 0); the filler entry (0, 0, 0) stays 0
            long io = tl.Offset(ks.InputItem);
            var inTag = Fr.FromInt64(ks.InputTag);
            for (long j = 0; j < tl.Size(ks.InputItem); j++) table[io + j] = inTag + beta * Fr.FromInt64(InputSegmentValue(vk, j));
        }
        var mult = new Fr[tl.Length];
        long mo = bs.W1!.Offset(bs.MultItem);
        for (int j = 0; j < mult.Length; j++) mult[j] = Fr.FromInt64(w1[mo + j]);
        return (f, table, mult);
    }

    /// <summary>The `cols` values: Q, A, R_i of every hidden layer at p_ℓ, then a_col(r_t).</summary>
    internal static Fr[] Columns(ProvingKey pk, BatchShape bs, Witness wit, long[] w1, Fr[] rw, Fr[] rt)
    {
        var vk = pk.VerifyingKey;
        var ks = vk.Shape;
        var cols = new List<Fr>();
        for (int l = 0; l < ks.T; l++)
        {
            if (!ks.Tabled(l))
            {
                var (pd, _) = MaxPoolPoints(vk, l, bs.BatchVars, rw);
                cols.Add(Dot(w1.AsSpan((int)bs.W1!.Offset(bs.DItem[l]), (int)bs.W1.Size(bs.DItem[l])), Eq.Table(pd)));
                continue;
            }
            int s = bs.BatchVars + vk.Layers[l].OutVars;
            var p = Suffix(rw, s);
            var eq = Eq.Table(p);
            Fr Item(int item) => Dot(w1.AsSpan((int)bs.W1!.Offset(item), 1 << s), eq);
            cols.Add(Dot(wit.Layers[l].Q!, eq));
            cols.Add(bs.AItem[l] >= 0 ? Item(bs.AItem[l]) : Dot(wit.Layers[l].A!, eq));
            foreach (int ri in bs.RItem[l]) cols.Add(Item(ri));
        }
        var tl = ks.TableLayout!;
        cols.Add(Dot(pk.Model.AsSpan((int)ks.ModelLayout.Offset(ks.ActColItem), (int)tl.Length), Eq.Table(rt)));
        return cols.ToArray();
    }

    /// <summary>Σ_i v_i·eq_i over small integers.</summary>
    internal static Fr Dot(ReadOnlySpan<long> v, ReadOnlySpan<Fr> eq)
    {
        var acc = Fr.Zero;
        int n = Math.Min(v.Length, eq.Length);
        for (int i = 0; i < n; i++)
            if (v[i] != 0) acc += eq[i] * Fr.FromInt64(v[i]);
        return acc;
    }

    /// <summary>out[k] = Σ_row eqb[row]·M[row, k] for a row-major [rows × cols] integer matrix.</summary>
    internal static Fr[] RowCombination(long[] m, int rows, int cols, Fr[] eqb)
    {
        var r = new Fr[cols];
        if (rows == 1)
        {
            for (int k = 0; k < cols; k++) r[k] = Fr.FromInt64(m[k]);
            return r;
        }
        var mi = new int[(long)rows * cols];
        for (long i = 0; i < mi.Length; i++) mi[i] = checked((int)m[i]);
        FrVector.SmallMatVecTransposed(mi, rows, cols, eqb, r);
        return r;
    }

    /// <summary>out[k] = Σ_j W_ℓ[k, j]·eqo[j] (padded weights).</summary>
    internal static void MatVec(ProvingKey pk, int layer, Fr[] eqo, Fr[] output)
    {
        var lk = pk.VerifyingKey.Layers[layer];
        int rows = 1 << lk.InVars, cols = 1 << lk.OutVars;
        var (s8, s32) = pk.PaddedWeights(layer);
        if (s8 != null) FrVector.SmallMatVec(s8, rows, cols, eqo, output);
        else FrVector.SmallMatVec(s32!, rows, cols, eqo, output);
    }

    internal static Fr[] Suffix(Fr[] p, int n) => p[(p.Length - n)..];

    internal static Fr[] Concat(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b)
    {
        var r = new Fr[a.Length + b.Length];
        a.CopyTo(r);
        b.CopyTo(r.AsSpan(a.Length));
        return r;
    }
}
