using System.Security.Cryptography;
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
using ZkLabels = ZkMl.Inference.Protocol.ZkLabels;

namespace ZkMl.Inference;

/// <summary>
/// The per-proof masks of the mask region of W2 (docs/zk-design.md §5.2–5.3): uniform μ items (2 entries: μ(0), μ(1), so
/// μ(y) = μ(0) + (μ(1) − μ(0))·y), ν items (4 entries, ν(y, w) at index 2y + w) and the two Libra masks. Fresh from the
/// caller's generator (the OS CSPRNG in production) for every proof; never printed.
/// </summary>
internal sealed class ZkMaskRegion
{
    private readonly Dictionary<int, Fr[]> _items = [];

    public ZkMaskRegion(ZkShape zs, RandomNumberGenerator rng)
    {
        Lu = LibraMask.Sample(zs.LuDegrees, rng);
        Mm = LibraMask.Sample(zs.MmDegrees, rng);
        for (int i = 2; i < zs.W2.Count; i++)
        {
            if (i == zs.LibraLu || i == zs.LibraMm) continue;
            var v = new Fr[zs.W2.Size(i)];
            for (int j = 0; j < v.Length; j++) v[j] = LibraMask.UniformScalar(rng);
            _items[i] = v;
        }
        if (zs.Private && ZkInference.UnmaskedInputForTests.Value) Array.Clear(_items[zs.MuX]); // (test switch: μ_X = 0)
    }

    public LibraMask Lu { get; }

    public LibraMask Mm { get; }

    /// <summary>The entries of a μ or ν item.</summary>
    public Fr[] Item(int item) => _items[item];

    /// <summary>μ(y) of a 2-entry item.</summary>
    public Fr Mu(int item, in Fr y) { var v = _items[item]; return v[0] + (v[1] - v[0]) * y; }

    /// <summary>μ(y) = ν(y, 0) + ν(y, 1) of a 4-entry item.</summary>
    public Fr MuOfNu(int item, in Fr y) { var v = _items[item]; return (v[0] + v[1]) * (Fr.One - y) + (v[2] + v[3]) * y; }

    /// <summary>ν(y, w) of a 4-entry item.</summary>
    public Fr Nu(int item, in Fr y, in Fr w)
    {
        var v = _items[item];
        var at0 = v[0] + (v[1] - v[0]) * w;
        var at1 = v[2] + (v[3] - v[2]) * w;
        return at0 + (at1 - at0) * y;
    }

    /// <summary>A vanishing mask with μ = this 2-entry item scaled by <paramref name="scale"/>, selector variable <paramref name="selector"/>.</summary>
    public VanishingMask Affine(int item, int selector, in Fr scale)
    {
        var v = _items[item];
        return VanishingMask.Affine(selector, scale * v[0], scale * (v[1] - v[0]));
    }

    /// <summary>Zeroes every item and both Libra masks' coefficients (after the proof is made).</summary>
    public void Clear()
    {
        foreach (var v in _items.Values) Array.Clear(v);
        foreach (var c in Lu.Coefficients) Array.Clear(c);
        foreach (var c in Mm.Coefficients) Array.Clear(c);
    }

    /// <summary>Writes the mask region into W2.</summary>
    public void PlaceInto(ZkShape zs, Fr[] w2)
    {
        zs.W2.Place<Fr>(zs.LibraLu, Lu.ToTable(), w2);
        zs.W2.Place<Fr>(zs.LibraMm, Mm.ToTable(), w2);
        foreach (var (item, v) in _items) zs.W2.Place<Fr>(item, v, w2);
    }

    /// <summary>Shape only.</summary>
    public override string ToString() => $"ZkMaskRegion {{ {_items.Count} items }}";
}

/// <summary>The private input of a proof: the commitment C_X of the statement and its opening (X′'s rows and s_X; secret).</summary>
internal sealed record ZkPrivateInput(InputCommitment Commitment, InputOpening Opening, InputValueSums?[]? Sums = null)
{
    /// <summary>The shape only.</summary>
    public override string ToString() => $"ZkPrivateInput {{ {Commitment} }}";
}

/// <summary>A rejected challenge event of one proof attempt (probability ~2^-250 each): the prover tries again with fresh masks.</summary>
internal sealed class ZkChallengeRejectedException(string message) : InvalidOperationException(message);

/// <summary>
/// The zero-knowledge inference proof (docs/protocol.md "Inference proof" → "ZK mode"; docs/zk-design.md §5, §6, §11 steps 9
/// and 10): dense circuits whose hidden layers are tabled and whose output layer has no proven final activation.
/// Every revealed value is masked (masked items, Libra-masked LogUp zero-check and matmul sumcheck with the corrections of
/// §5.4), every claim goes into the ZK batched opening, and padded batch rows are copies of row 0. With private inputs the
/// statement holds C_X instead of X, X is a masked factor of layer 0's matmul and one more vector of the opening.
/// </summary>
internal static class ZkInference
{
    /// <summary>Why this version cannot prove or verify for <paramref name="vk"/> in ZK mode, or null.</summary>
    public static string? Unsupported(VerifyingKey vk) => Unsupported(vk.Zk, vk.Shape, vk.Layers);

    /// <summary>As <see cref="Unsupported(VerifyingKey)"/> from the circuit's ZK flags, the key shape and the layer keys (setup, before the key exists).</summary>
    internal static string? Unsupported(ZkSettings zk, KeyShape ks, IReadOnlyList<LayerKey> layers)
    {
        if (!zk.Zk) return "not a zero-knowledge key";
        if (layers.Any(l => l.IsSpatial)) return "not yet supported: zero-knowledge proofs of conv or pooling layers";
        if (ks.T == 0) return "not yet implemented: a zero-knowledge proof of a circuit without hidden layers (no lookups; docs/zk-design.md §5.5, W2 = the mask region alone)";
        if (ks.OutputTabled) return "not yet implemented: a zero-knowledge proof of a proven final activation (--prove-output-activation)";
        return null;
    }

    // ---------------------------------------------------------------- prover

    /// <summary>Proof attempts before a run of rejected challenge events (each of probability ~2^-250) is reported as an error.</summary>
    internal const int MaxAttempts = 8;

    /// <summary>
    /// Proves the batch whose witness <paramref name="wit"/> was executed on the B real rows followed by copies of row 0
    /// (its BatchSize is the padded batch); <paramref name="batch"/> = B. Masks and blindings from <paramref name="rng"/>
    /// (null: the OS CSPRNG; tests inject a seeded generator). <paramref name="input"/>: the commitment and opening of a
    /// private-input key (null for public inputs). A rejected challenge event (<see cref="PointProblem"/>) retries with fresh
    /// masks, at most <see cref="MaxAttempts"/> attempts; <paramref name="rejectAttempt"/> lets a test force the event.
    /// </summary>
    /// <exception cref="ArgumentException">A key this version cannot prove for, a witness not in ZK form, or a missing/mismatching private input.</exception>
    /// <exception cref="InvalidOperationException">Every attempt hit a rejected challenge event.</exception>
    internal static InferenceProof Prove(ProvingKey pk, Witness wit, int batch, ProverTimings timings, bool checkLookups, RandomNumberGenerator? rng,
        ZkPrivateInput? input = null, Func<int, bool>? rejectAttempt = null)
    {
        using var ownRng = rng is null ? RandomNumberGenerator.Create() : null;
        rng ??= ownRng!;
        string? last = null;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            try { return ProveOnce(pk, wit, batch, timings, checkLookups, rng, input, rejectAttempt?.Invoke(attempt) == true); }
            catch (ZkChallengeRejectedException e) { last = e.Message; }
        }
        throw new InvalidOperationException($"{MaxAttempts} proof attempts hit a rejected challenge event (each of probability ~2^-250; the last: {last}): is the random generator broken?");
    }

    private static InferenceProof ProveOnce(ProvingKey pk, Witness wit, int batch, ProverTimings timings, bool checkLookups, RandomNumberGenerator rng,
        ZkPrivateInput? input, bool forceReject)
    {
        // The attempt's secret buffers (masks, the opened witness copies) are cleared whether it succeeds, is rejected or fails.
        var secrets = new List<Action>();
        try { return ProveAttempt(pk, wit, batch, timings, checkLookups, rng, input, forceReject, secrets); }
        finally { foreach (var clear in secrets) clear(); }
    }

    private static InferenceProof ProveAttempt(ProvingKey pk, Witness wit, int batch, ProverTimings timings, bool checkLookups, RandomNumberGenerator rng,
        ZkPrivateInput? input, bool forceReject, List<Action> secrets)
    {
        var vk = pk.VerifyingKey;
        if (Unsupported(vk) is { } why) throw new ArgumentException(why, nameof(pk));
        if (pk.ModelBlindings is not { } blindings) throw new ArgumentException("the proving key has no model blindings (not a version-6 key)", nameof(pk));
        var ks = vk.Shape;
        var srs = pk.Srs;
        int bp = wit.PaddedBatchSize;
        if (wit.BatchSize != bp || batch < 1 || batch > bp || Circuit.NextPowerOfTwo(batch) != bp)
            throw new ArgumentException($"a zero-knowledge witness is executed on all {bp} padded rows (row 0 repeated after the {batch} real rows)", nameof(wit));
        if (bp > vk.MaxBatch) throw new ArgumentException($"a batch of {batch} needs {bp} padded rows; this key supports at most {vk.MaxBatch} (run setup with a larger SRS)");
        int n0 = wit.Circuit.PaddedInputSize;
        for (int r = batch; r < bp; r++)
            if (!wit.Input.AsSpan(r * n0, n0).SequenceEqual(wit.Input.AsSpan(0, n0)))
                throw new ArgumentException($"padded row {r} of the input is not a copy of row 0 (zero-knowledge mode repeats row 0)", nameof(wit));
        using var secretScalars = Msm.SecretScalars(); // every MSM of this proof: scratch zeroed after use
        int b = System.Numerics.BitOperations.Log2((uint)bp);
        var zs = new ZkShape(vk, b);
        var bs = zs.Batch;
        int L = zs.L, H = zs.H;

        var y = InferenceProver.RealOutputs(wit, vk);
        PublicIO io;
        // X′ column-major (entry col·Bp + row; docs/protocol.md "ZK mode: the column-major private input"): the committed,
        // range-checked and opened vector; the witness keeps its row-major X for layer 0's matmul.
        long[] xCol = [];
        if (zs.Private)
        {
            xCol = InputCommitment.ColumnMajor(wit.Input, n0);
            if (input is null) throw new ArgumentException("a private-input key: the proof needs the input commitment and its opening (InferenceProver.ProvePrivate)", nameof(input));
            var com = input.Commitment;
            if (com.RowWidth != n0 || com.InputSize != vk.InputSize || com.BatchSize != batch)
                throw new ArgumentException($"the input commitment is for B = {com.BatchSize} rows of {com.InputSize} values in rows of {com.RowWidth}; this proof has B = {batch}, the key {vk.InputSize} values in rows of {n0}", nameof(input));
            if (!AnyInputLayoutForTests.Value && !InputCommitment.Layout(input.Opening.Rows(), n0, vk.InputSize).AsSpan().SequenceEqual(xCol))
                throw new ArgumentException("the opening's X′ is not the witness's input", nameof(input));
            // (the commitment's shape, checked above, fixes its split; the opening's blindings must follow it)
            if (input.Opening.BlindingHigh.HasValue != zs.SplitX)
                throw new ArgumentException($"X′ of {bp} × {n0} entries is {(zs.SplitX ? "" : "not ")}split into two committed halves; the opening has {(zs.SplitX ? "one blinding" : "two blindings")}", nameof(input));
            io = PublicIO.CreatePrivate(vk, batch, com.Commitment, y.AsSpan(0, batch * vk.OutputColumns), com.CommitmentHigh);
        }
        else
        {
            if (input is not null) throw new ArgumentException("an input commitment for a key with public inputs", nameof(input));
            var x = InferenceProver.RealInputs(wit, vk);
            io = PublicIO.Create(vk, batch, x.AsSpan(0, batch * vk.InputSize), y.AsSpan(0, batch * vk.OutputColumns));
        }
        var t = new Transcript(Protocol.ZkDomain);
        t.AppendBytes(Labels.Vk, vk.Digest);
        t.AppendBytes(Labels.Io, io.Words);

        // The opening's mask first: every challenge depends on fresh prover randomness (docs/zk-design.md §7.4).
        // Private-input keys: the mask confined to the public used prefix L* (docs/protocol.md "ZK mode: the column-major
        // private input", (4); hiding iff L* > 3·2^(N−2), ZkOpeningRankTests), so the opened joint vector is zero from L* on.
        var maskPoints = timings.Run("ZK masks", () => ZkMaskPoints.For(pk, bp));
        long maskLength = ZkMaskPoints.MaskLength(vk, zs, bp);
        var omask = maskLength < 1L << zs.OpeningVars
            ? ZkOpeningMask.SampleConfined(srs, timings.Run("ZK confined mask points", () => ZkMaskPoints.ForConfined(pk, zs.OpeningVars, maskLength)), zs.OpeningVars, maskLength, rng)
            : ZkOpeningMask.Sample(srs, nv => nv == zs.OpeningVars ? maskPoints : ZkMaskPoints.ForVars(pk, nv), zs.OpeningVars, rng);
        secrets.Add(omask.Clear);
        t.AppendG1s(ZkLabels.Masks, [omask.CommitmentD1, omask.CommitmentD2]);
        var region = new ZkMaskRegion(zs, rng);
        secrets.Add(region.Clear);

        var w1 = InferenceProver.BuildW1(vk, bs, wit);
        secrets.Add(() => Array.Clear(w1));
        // W1, W2, W3 of SplitMinVars or more variables: each half committed with its own blinding, the high half's point absorbed
        // right after the low one (docs/protocol.md "ZK mode: split opening vectors").
        HidingCommitment c1 = default, c1h = default;
        timings.Run("commit W1", () =>
        {
            int h1 = zs.SplitW1 ? w1.Length / 2 : w1.Length;
            c1 = HyperKzg.CommitSmallHiding(srs, w1.AsSpan(0, h1), rng);
            if (zs.SplitW1) c1h = HyperKzg.CommitSmallHiding(srs, w1.AsSpan(h1), rng);
        });
        t.AppendG1(Labels.W1, c1.Commitment);
        if (zs.SplitW1) t.AppendG1(ZkLabels.High, c1h.Commitment);
        var beta = t.ChallengeScalar(Labels.Beta);
        var alpha = t.ChallengeScalar(Labels.Alpha);
        var (f, table, mult) = timings.Run("lookup vectors", () => InferenceProver.LookupVectors(pk, bs, wit, w1, beta));
        var (hw, ht) = timings.Run("lookup helpers", () => LogUpProver.ComputeHelpers(f, table, mult, alpha));
        // The looked-up values, their multiplicities and both helpers are functions of the witness (the lookups prover transforms
        // f and h_w in place and leaves them so): cleared with the other secrets.
        secrets.Add(() => { Array.Clear(f); Array.Clear(mult); Array.Clear(hw); Array.Clear(ht); });
        var w2 = new Fr[zs.W2.Length];
        secrets.Add(() => Array.Clear(w2));
        zs.W2.Place<Fr>(0, hw.AsSpan(0, (int)bs.F!.Covered), w2);
        zs.W2.Place<Fr>(1, ht, w2);
        region.PlaceInto(zs, w2);
        var s2 = LibraMask.UniformScalar(rng);
        var s2h = zs.SplitW2 ? LibraMask.UniformScalar(rng) : Fr.Zero;
        int h2 = zs.SplitW2 ? w2.Length / 2 : w2.Length;
        G1Affine c2 = default, c2h = default;
        timings.Run("commit W2", () =>
        {
            c2 = Blind(HyperKzg.CommitFewDistinct(srs, w2.AsSpan(0, h2)), srs, s2);
            if (zs.SplitW2) c2h = Blind(HyperKzg.CommitFewDistinct(srs, w2.AsSpan(h2)), srs, s2h);
        });
        t.AppendG1(Labels.W2, c2);
        if (zs.SplitW2) t.AppendG1(ZkLabels.High, c2h);
        // The input range check (docs/zk-design.md §6): f_in = t_X·sel + β·X′ over X′'s 2^{i_0}·Bp entries (column-major),
        // W3 = h_in = sel/(α − f_in), sel = [e < inputSize·Bp].
        LogUpInputSide? inSide = null;
        G1Affine c3 = default, c3h = default;
        var s3 = Fr.Zero;
        var s3h = Fr.Zero;
        if (zs.RangeCheck)
        {
            var (side, groups, helperValues) = timings.Run("input range check", () => InputSide(vk, xCol, bp, beta, alpha));
            inSide = side;
            secrets.Add(() => { Array.Clear(side.Witness); Array.Clear(side.Helper); Array.Clear(groups); Array.Clear(helperValues); Array.Clear(side.Groups!.WitnessValues); Array.Clear(xCol); });
            s3 = LibraMask.UniformScalar(rng);
            if (zs.SplitW3) s3h = LibraMask.UniformScalar(rng);
            // h_in's entries are the few helperValues (one per (column kind, x)): the grouped commitment needs no hashing of 2^n_in scalars.
            // h_in is 0 on the padded columns' tail (e ≥ InputSize·Bp): only the real prefix is summed.
            // Most inputs of real data are 0 (MNIST: ≈ 80 % of the pixels): their common value h_0 is paid once through the sum of
            // the prefix's powers, which the opening's mask points (S_∅ over L* or 2^N powers) nearly give.
            var (refLength, refSum) = maskLength < 1L << zs.OpeningVars
                ? (maskLength, ZkMaskPoints.ForConfined(pk, zs.OpeningVars, maskLength)[0])
                : (1L << zs.OpeningVars, maskPoints[0]);
            // A fresh input commitment summed X′'s points per value (InputValueSums, the same X′: checked above; the caller clears
            // them after the last attempt): W3 combines them.
            var alphaMinusTag = alpha - Fr.FromInt64(vk.Shape.InputTag);
            int prefix = vk.InputSize * bp;
            // a split W3: each half (re-based at 0) is committed alone, its prefix the real entries it holds; X′'s per-value sums are per half
            int halves = zs.SplitW3 ? 2 : 1, len = xCol.Length / halves;
            var c3s = new G1Affine[halves];
            timings.Run("commit W3", () =>
            {
                for (int h = 0; h < halves; h++)
                {
                    int hp = Math.Clamp(prefix - h * len, 0, len);
                    var s = h == 0 ? s3 : s3h;
                    if (input?.Sums is { } sums && sums.Length == halves && sums[h] is { } sh && !alphaMinusTag.IsZero && !AnyInputLayoutForTests.Value)
                        c3s[h] = Blind(CommitInputHelperFromSums(srs, sh, beta, alphaMinusTag, hp, refLength, refSum), srs, s);
                    else if (halves == 1)
                        c3s[h] = Blind(CommitInputHelper(srs, xCol, groups, helperValues, hp, alphaMinusTag, refLength, refSum), srs, s);
                    else
                    {
                        var xh = xCol.AsSpan(h * len, len).ToArray();
                        var gh = groups.AsSpan(h * len, len).ToArray();
                        try { c3s[h] = Blind(CommitInputHelper(srs, xh, gh, helperValues, hp, alphaMinusTag, refLength, refSum), srs, s); }
                        finally { Array.Clear(xh); Array.Clear(gh); }
                    }
                }
            });
            c3 = c3s[0];
            t.AppendG1(ZkLabels.W3, c3);
            if (zs.SplitW3) { c3h = c3s[1]; t.AppendG1(ZkLabels.High, c3h); }
        }

        // The masked LogUp (no S): item masks through f, t, m, h_w, h_t; the Libra mask in W2 (absorbed above).
        int nlu = zs.Nlu, n = zs.N, m = zs.M;
        var beta2 = beta * beta;
        var masks = new Dictionary<LogUpPolynomial, VanishingMask>
        {
            [LogUpPolynomial.WitnessHelper] = region.Affine(zs.MuHw, nlu - n, Fr.One),
            [LogUpPolynomial.TableHelper] = region.Affine(zs.MuHt, nlu - m, Fr.One),
            [LogUpPolynomial.Multiplicities] = region.Affine(zs.MuMult, nlu - m, Fr.One),
            [LogUpPolynomial.Table] = region.Affine(zs.MuAcol, nlu - m, beta2),
            [LogUpPolynomial.Witness] = new VanishingMask(r => WitnessMask(vk, zs, region, r.AsSpan(nlu - n), beta)),
        };
        if (zs.RangeCheck)
        {
            // ĥ_in: its own μ item, selector r_in[0]; f̂_in = t_X·s̃el + β·X̂ with X̂'s μ_X at X's column MSB, r_in[0] (column-major)
            masks[LogUpPolynomial.InputHelper] = region.Affine(zs.MuHin, nlu - zs.NIn, Fr.One);
            masks[LogUpPolynomial.InputWitness] = region.Affine(zs.MuX, nlu - zs.NIn, beta);
        }
        // f, t, h_w and f_in are not needed after the lookups: the prover works in them instead of copying (h_in stays: W3's opening).
        var lu = timings.Run("lookups", () => LogUpProver.ProveMaskedConsuming(t, f, table, mult, hw, ht, alpha, region.Lu, [], masks, checkSums: checkLookups, inSide));
        var luPoint = lu.Point;
        var rw = luPoint[(nlu - n)..];
        var rt = luPoint[(nlu - m)..];
        var rin = zs.RangeCheck ? luPoint[(nlu - zs.NIn)..] : null;
        var v = Vanish(luPoint[^1]);
        if (v.IsZero) throw new ZkChallengeRejectedException("the LogUp point's last coordinate is 0 or 1 (probability 2/r)");
        var xIn = Fr.Zero;
        if (rin is not null)
        {
            if (beta.IsZero) throw new ZkChallengeRejectedException("β = 0 (probability 1/r): X̂(r_in) would not follow from f̂_in(r_in)");
            xIn = ScaledInputAtRangePoint(vk, rin, lu.Proof.InputEvals![1]);
        }

        // cols: Q̂, Â, R̂_i of every hidden layer at p_ℓ and â_col(r_t), each P̃ + V·μ_P(selector).
        var cols = timings.Run("lookup columns", () => InferenceProver.Columns(pk, bs, wit, w1, rw, rt));
        for (int l = 0; l < H; l++)
        {
            int ci = ks.ColumnOffset[l];
            var sel = rw[n - vk.Layers[l].OutVars];
            cols[ci] += v * QMask(vk, zs, region, l, sel);
            cols[ci + 1] += v * region.Mu(zs.MuA[l], RowMsbSelectorForTests.Value ? rw[n - b - vk.Layers[l].OutVars] : sel); // (test switch: row MSB)
            for (int i = 0; i < vk.Layers[l].Limbs; i++) cols[ci + 2 + i] += v * region.Mu(zs.MuR[l][i], sel);
        }
        cols[^1] += v * region.Mu(zs.MuAcol, rt[0]);
        t.AppendScalars(Labels.Cols, cols);
        var cf = InferenceProver.FillerHelper(alpha);

        // The matmul: claims of every layer, the masked biases, ONE masked sumcheck with the corrections of §5.4.
        var points = new Fr[L][];
        int lm = zs.MmLayers.Length, iMax = zs.I;
        Fr[] biases = [], kappa = [], mm = [], nuv = [];
        MaskedSumcheckProverOutput mmOut = null!;
        timings.Run("matmul sumchecks", () =>
        {
            points[L - 1] = t.ChallengeScalars(Labels.OutR, b + vk.Layers[L - 1].OutVars);
            for (int l = 0; l < H; l++) points[l] = InferenceProver.Suffix(rw, b + vk.Layers[l].OutVars);
            if (Vanish(points[L - 1][^1]).IsZero) throw new ZkChallengeRejectedException("out_r's last coordinate is 0 or 1 (probability 2/r)");
            var zhat = new Fr[L];
            for (int l = 0; l < H; l++) zhat[l] = InferenceVerifier.Requantized(vk, l, cols);
            zhat[L - 1] = Layout.EvaluateSmall(wit.Layers[L - 1].Z, points[L - 1]);
            biases = new Fr[lm];
            var tables = new List<DenseMle>();
            var factorMasks = new List<VanishingMask?>();
            for (int j = 0; j < lm; j++)
            {
                int l = zs.MmLayers[j];
                var lk = vk.Layers[l];
                var ro = points[l].AsSpan(b);
                var (vl, yl) = (Vanish(points[l][^1]), points[l][b]);
                biases[j] = InferenceProver.Dot(pk.Circuit.Layers[l].Bias, Eq.Table(ro)) + vl * region.MuOfNu(zs.NuB[l], yl);
                t.AppendScalar(Labels.Bias, biases[j]);
                var eqo = Eq.Table(ro);
                var aVec = InferenceProver.RowCombination(wit.LayerInput(l), bp, 1 << lk.InVars, Eq.Table(points[l].AsSpan(0, b)));
                var wVec = new Fr[1 << lk.InVars];
                InferenceProver.MatVec(pk, l, eqo, wVec);
                tables.Add(aVec.Length == 1 << iMax ? new DenseMle(aVec) : DenseMle.Tiled(aVec, iMax));
                tables.Add(wVec.Length == 1 << iMax ? new DenseMle(wVec) : DenseMle.Tiled(wVec, iMax));
                int selector = iMax - lk.InVars;
                factorMasks.Add(l >= 1 ? (RowMsbSelectorForTests.Value ? new VanishingMask(_ => region.Mu(zs.MuA[l - 1], points[l][0])) : region.Affine(zs.MuA[l - 1], selector, Fr.One)) // (test switch: row MSB)
                    : zs.Private ? region.Affine(zs.MuX, selector, Fr.One) : null);
                factorMasks.Add(region.Affine(zs.MuW[l], selector, Fr.One));
            }
            var lambda = t.ChallengeScalar(Labels.MmLambda);
            var (coef, claim) = MatmulClaim(vk, zs, lambda, zhat, biases);
            // the correction table over the last variable: Σ_j t_j·V_j·(ν_Z(y_j, w) − ν_b(y_j, w)), t_j = c_j·2^{1−i_j}
            var corr = new Fr[2];
            var inv = FieldPowers.TwoTo(iMax - 1).Inverse();
            for (int j = 0; j < lm; j++)
            {
                int l = zs.MmLayers[j];
                var (vl, yl) = (Vanish(points[l][^1]), points[l][b]);
                var tj = coef[j] * FieldPowers.TwoTo(iMax - vk.Layers[l].InVars) * inv * vl;
                for (int w = 0; w < 2; w++)
                {
                    var d = -region.Nu(zs.NuB[l], yl, Fr.FromInt64(w));
                    if (l < H) d += region.Nu(zs.NuZ[l], yl, Fr.FromInt64(w));
                    corr[w] += tj * d;
                }
            }
            tables.Add(DenseMle.Tiled(corr, iMax));
            factorMasks.Add(null);
            mmOut = SumcheckProver.ProveMasked(t, zs.MatmulShape(coef), tables, claim, region.Mm, [], factorMasks, ZkLabels.MatmulMask);
            kappa = mmOut.Point;
            if ((PointProblem(vk, zs, rw, kappa, rin) ?? (forceReject ? "forced by the caller (a test of the retry)" : null)) is { } bad)
                throw new ZkChallengeRejectedException(bad + " (probability ~2^-250)");
            mm = mmOut.FinalEvaluations[..(2 * lm)];
            var nu = new List<Fr>();
            foreach (int l in zs.MmLayers)
            {
                var yl = points[l][b];
                if (l < H) nu.Add(region.Nu(zs.NuZ[l], yl, kappa[^1]));
                nu.Add(region.Nu(zs.NuB[l], yl, kappa[^1]));
            }
            nuv = nu.ToArray();
            t.AppendScalars(Labels.Mm, [.. mm, .. nuv, mmOut.MaskEvaluation]);
        });

        // Every claim into the ZK batched opening (model parts, W1, W2, and X with private inputs).
        var ctx = new ClaimValues(rw, rt, luPoint, cf, lu.Proof, cols, points, biases, kappa, mm, nuv, mmOut.MaskEvaluation, rin, xIn, beta);
        var claims = ZkOpeningSplit.Claims(BuildClaims(vk, zs, ctx), zs.SplitFlags());
        var highs = new HighHalves(zs.SplitW1 ? c1h.Commitment : null, zs.SplitW2 ? c2h : null, io.InputCommitmentHigh, zs.SplitW3 ? c3h : null);
        var vectors = OpeningVectors(vk, zs, c1.Commitment, c2, io.InputCommitment, zs.RangeCheck ? c3 : null, highs);
        // The opened vectors' witnesses, a split vector as its two halves (views of its entries, each with its own blinding).
        var model = pk.ModelFr;
        int partLen = 1 << zs.PartVars;
        var witnesses = new List<ZkOpeningWitness>(vectors.Count);
        secrets.Add(() => { foreach (var w in witnesses) Array.Clear(w.Values); });
        for (int j = 0; j < zs.Parts; j++) witnesses.Add(new ZkOpeningWitness(model.AsSpan(j * partLen, partLen).ToArray(), blindings[j], pk.ModelFolds?[j]));
        void Add(Fr[] values, bool split, in Fr low, in Fr high)
        {
            if (!split) { witnesses.Add(new ZkOpeningWitness(values, low)); return; }
            int half = values.Length / 2;
            witnesses.Add(new ZkOpeningWitness(values, 0, half, low));
            witnesses.Add(new ZkOpeningWitness(values, half, half, high));
        }
        Add(FrVector.FromInt64(w1), zs.SplitW1, c1.Blinding, c1h.Blinding);
        Add(w2, zs.SplitW2, s2, s2h);
        if (zs.Private) Add(FrVector.FromInt64(xCol), zs.SplitX, input!.Opening.Blinding, input.Opening.BlindingHigh ?? Fr.Zero);
        if (zs.RangeCheck) Add(inSide!.Helper, zs.SplitW3, s3, s3h);
        if (witnesses.Count != vectors.Count) throw new InvalidOperationException($"{witnesses.Count} opening witnesses for {vectors.Count} vectors");
        if (maskLength < 1L << zs.OpeningVars)
            for (int g = 0; g < witnesses.Count; g++)
                if (witnesses[g].Length > maskLength && witnesses[g].Values.AsSpan(witnesses[g].Offset + (int)maskLength, witnesses[g].Length - (int)maskLength).IndexOfAnyExcept(Fr.Zero) >= 0)
                    throw new InvalidOperationException($"opening vector {vectors[g].Role} has non-zero entries from the mask length L* = {maskLength} on (ZkMaskPoints.MaskLength's used prefix is wrong for this key)");
        // Two stages, named as the default prover's: the reduction (sumcheck, weight and mask tables, joint vector) and the
        // hiding HyperKZG opening of the joint claim (ZkBatchOpening.Prove is the two in one).
        var red = timings.Run("batched opening (sumcheck)", () => ZkBatchOpening.Reduce(t, vectors, witnesses, claims, omask, bindStatement: false));
        var opening = timings.Run("HyperKZG", () => ZkBatchOpening.Open(srs, t, red, rng));
        // The secret buffers (the opened vectors W1, W2, X, the copies of the hidden model parts; the masks) are cleared by ProveOnce.

        var parts = new ZkProofParts(omask.CommitmentD1, omask.CommitmentD2, c1.Commitment, c2, lu.Proof, cols, cf, biases,
            mmOut.MaskSum, mmOut.Proof, mm, nuv, mmOut.MaskEvaluation, opening, zs.RangeCheck ? c3 : null, highs.W1, highs.W2, highs.W3);
        return new InferenceProof(vk.Digest, io.Words.ToArray(), parts.ToBytes(), VerifyingKey.FlagsOf(vk.Zk));
    }

    /// <summary>
    /// The LogUp's input side (docs/protocol.md "ZK mode: the input range check", "ZK mode: the column-major private input"):
    /// over the column-major X′ (entry e = col·Bp + row), f_in[e] = t_X·sel(e) + β·X′[e] with sel(e) = [e &lt; InputSize·Bp] (the
    /// real columns), h_in = sel/(α − f_in) — 0 on the padded columns' tail — and sel as its MLE (<see cref="InputSelectorAt"/>).
    /// </summary>
    /// <exception cref="ZkChallengeRejectedException">α equals an entry of f_in (probability ≤ 2^{n_in}/r).</exception>
    /// <returns>The input side, and h_in as groups (entry e has value HelperValues[Groups[e] − 1]) for its commitment.</returns>
    private static (LogUpInputSide Side, int[] Groups, Fr[] HelperValues) InputSide(VerifyingKey vk, long[] x, int bp, in Fr beta, in Fr alpha)
    {
        // An entry depends only on (real or padded column, x): quantized inputs take ≤ 2·InputBound + 1 values, so each
        // distinct (f, 1/(α − f)) is computed once and copied (2^20 entries at MNIST B = 1024: one batch inversion of a few
        // hundred values instead of 2^20). Entries with |x| beyond the small-value table (only a cheating prover's) go
        // through a dictionary; the vectors are the same either way.
        var tag = Fr.FromInt64(vk.Shape.InputTag);
        const long Small = 1 << 15;
        var smallId = new int[2 * (2 * Small + 1)]; // (x + Small)·2 + real → id + 1 (0: not seen yet)
        Dictionary<(long, bool), int>? largeId = null;
        var fv = new List<Fr>();
        var ids = new int[x.Length];
        var realOf = new List<bool>();
        long prefix = (long)vk.InputSize * bp;
        for (int e = 0; e < x.Length; e++)
        {
            bool real = e < prefix;
            long xe = x[e];
            int id;
            if (xe >= -Small && xe <= Small)
            {
                ref int slot = ref smallId[(xe + Small) * 2 + (real ? 1 : 0)];
                if (slot == 0) { fv.Add(Entry(real, xe, e, tag, beta, alpha)); realOf.Add(real); slot = fv.Count; }
                id = slot - 1;
            }
            else
            {
                largeId ??= [];
                if (!largeId.TryGetValue((xe, real), out id)) { id = fv.Count; fv.Add(Entry(real, xe, e, tag, beta, alpha)); realOf.Add(real); largeId.Add((xe, real), id); }
            }
            ids[e] = id;
        }
        var fDistinct = fv.ToArray();
        var hDistinct = new Fr[fDistinct.Length];
        for (int i = 0; i < hDistinct.Length; i++) hDistinct[i] = alpha - fDistinct[i];
        Fr.BatchInverse(hDistinct);
        for (int i = 0; i < hDistinct.Length; i++) if (!realOf[i]) hDistinct[i] = Fr.Zero; // sel = 0: not looked up
        var f = new Fr[x.Length];
        var h = new Fr[x.Length];
        Parallelism.For(x.Length, (lo, hi) =>
        {
            for (int e = lo; e < hi; e++) { f[e] = fDistinct[ids[e]]; h[e] = hDistinct[ids[e]]; ids[e]++; }
        });
        // sel in closed form (the verifier's s̃el): the LogUp never materialises or folds its 2^{n_in} entries. The entries as
        // distinct values let the LogUp's round that first reads the input side sum per value pair, and bind f_in and h_in per
        // value pair (fDistinct is cleared by the caller with the rest).
        return (new LogUpInputSide(f, h, SelectorMle: r => InputSelectorAt(vk, r)) { Groups = new(ids, fDistinct, hDistinct) }, ids, hDistinct);

        // f = tag_in(col) + β·x, checked α ≠ f at its first entry e.
        static Fr Entry(bool real, long xe, int e, in Fr tag, in Fr beta, in Fr alpha)
        {
            var fe = (real ? tag : Fr.Zero) + beta * Fr.FromInt64(xe);
            if ((alpha - fe).IsZero) throw new ZkChallengeRejectedException($"α equals input-side entry {e} (probability ≤ 2^n_in/r)");
            return fe;
        }
    }

    /// <summary>
    /// s̃el at r_in = (column bits, row bits) of the column-major X′: Σ_{col &lt; InputSize} eq(r_col, col) (the rows sum to 1), the
    /// MLE of the real-column indicator [e &lt; InputSize·Bp].
    /// </summary>
    internal static Fr InputSelectorAt(VerifyingKey vk, ReadOnlySpan<Fr> rin)
    {
        var eq = Eq.Table(rin[..vk.Layers[0].InVars]);
        var s = Fr.Zero;
        for (int c = 0; c < vk.InputSize; c++) s += eq[c];
        return s;
    }

    /// <summary>t̃ag_in at r_in: t_X·s̃el(r_in).</summary>
    internal static Fr InputTagAt(VerifyingKey vk, ReadOnlySpan<Fr> rin) => Fr.FromInt64(vk.Shape.InputTag) * InputSelectorAt(vk, rin);

    /// <summary>
    /// β·X̂(r_in) = f̂_in(r_in) − t̃ag_in(r_in): the masked value of X′ the range check reveals, times β. The X claim at r_in is
    /// stated times β (its terms' coefficients β, β·V_lu; docs/protocol.md "ZK mode: the input range check"), so no verifier
    /// inverts β (the caller rejects β = 0, where X̂ would not follow from f̂_in).
    /// </summary>
    private static Fr ScaledInputAtRangePoint(VerifyingKey vk, Fr[] rin, in Fr fIn) => fIn - InputTagAt(vk, rin);

    /// <summary>
    /// [W3]₁ without its blinding: Σ_(e &lt; prefix) HelperValues[Groups[e] − 1]·τ^e·G, the point
    /// <see cref="HyperKzg.CommitGrouped"/>(srs, groups, helperValues, prefix) gives, with fewer additions when many inputs are 0.
    /// Every x = 0 entry of a real column (the prefix) has h_in = h_0 = 1/(α − t_X), so
    /// W3 = h_0·S^P + Σ_(e &lt; P, x_e ≠ 0) (h_in[e] − h_0)·τ^e·G with S^P = Σ_(e &lt; P) τ^e·G (P = <paramref name="prefix"/>). S^P is
    /// <paramref name="refSum"/> = Σ_(e &lt; L) τ^e·G (L = <paramref name="refLength"/> ≥ P: the opening's mask point S_∅) less the
    /// powers P … L − 1, or the powers below P summed directly, whichever is shorter; the grouped MSM then skips the zeros. When that
    /// is not fewer points than the plain grouped sum (dense inputs), or α = t_X (h_0 undefined; no honest x = 0 entry then), it
    /// returns the plain grouped commitment. <paramref name="alphaMinusTag"/> is α − t_X.
    /// </summary>
    internal static G1Affine CommitInputHelper(Srs srs, long[] x, int[] groups, Fr[] helperValues, int prefix, in Fr alphaMinusTag,
        long refLength, in G1Affine refSum)
    {
        if (refLength < prefix || refLength > srs.G1Powers.Length)
            throw new ArgumentException($"the reference sum covers {refLength} powers; the prefix has {prefix} (SRS: {srs.G1Powers.Length})", nameof(refLength));
        int nonZero = 0;
        for (int e = 0; e < prefix; e++) if (x[e] != 0) nonZero++;
        long toSum = refLength == prefix ? 0 : Math.Min(prefix, refLength - prefix);
        if (alphaMinusTag.IsZero || nonZero + toSum >= prefix) return HyperKzg.CommitGrouped(srs, groups, helperValues, prefix);
        var h0 = alphaMinusTag.Inverse();
        var sparse = new int[prefix];
        var shifted = new Fr[helperValues.Length];
        try
        {
            for (int e = 0; e < prefix; e++) sparse[e] = x[e] == 0 ? 0 : groups[e];
            for (int k = 0; k < shifted.Length; k++) shifted[k] = helperValues[k] - h0;
            var rest = Msm.ComputeGrouped(srs.G1Powers[..prefix], sparse, shifted);
            return (rest + PrefixSum(srs, prefix, refLength, refSum).ScalarMul(h0)).ToAffine();
        }
        finally
        {
            // which entries are 0 and the helper values are functions of the private input
            Array.Clear(sparse);
            Array.Clear(shifted);
        }
    }

    /// <summary>
    /// The same point as <see cref="CommitInputHelper"/> from X′'s per-value sums (<see cref="InputValueSums"/>, made by the fresh
    /// input commitment): W3 = h_0·S^P + Σ_v (h(v) − h_0)·S_v, h(v) = 1/(α − t_X − β·v) — every non-zero value of an honest X′ sits
    /// in the real columns (the prefix). <paramref name="alphaMinusTag"/> is α − t_X (non-zero: the caller falls back otherwise).
    /// </summary>
    /// <exception cref="ArgumentException">α − t_X is zero, or the reference is shorter than the prefix.</exception>
    /// <exception cref="ZkChallengeRejectedException">Some α − t_X − β·v is zero (InputSide rejects that attempt first).</exception>
    internal static G1Affine CommitInputHelperFromSums(Srs srs, InputValueSums sums, in Fr beta, in Fr alphaMinusTag, int prefix,
        long refLength, in G1Affine refSum)
    {
        if (refLength < prefix || refLength > srs.G1Powers.Length)
            throw new ArgumentException($"the reference sum covers {refLength} powers; the prefix has {prefix} (SRS: {srs.G1Powers.Length})", nameof(refLength));
        if (alphaMinusTag.IsZero) throw new ArgumentException("α = t_X: h_0 is undefined", nameof(alphaMinusTag));
        var h0 = alphaMinusTag.Inverse();
        var w = new Fr[sums.Values.Length];
        try
        {
            for (int k = 0; k < w.Length; k++)
            {
                w[k] = alphaMinusTag - beta * Fr.FromInt64(sums.Values[k]);
                if (w[k].IsZero) throw new ZkChallengeRejectedException("α equals an input-side entry t_X + β·v (probability ≤ 2^n_in/r)");
            }
            Fr.BatchInverse(w);
            for (int k = 0; k < w.Length; k++) w[k] -= h0;
            return (sums.Combine(w) + PrefixSum(srs, prefix, refLength, refSum).ScalarMul(h0)).ToAffine();
        }
        finally { Array.Clear(w); }
    }

    /// <summary>
    /// S^P = Σ_(e &lt; P) τ^e·G from refSum = Σ_(e &lt; L) τ^e·G (L = refLength ≥ P): refSum itself, refSum less the powers P … L − 1,
    /// or the powers below P summed directly, whichever adds fewer points (batched affine pair sums).
    /// </summary>
    private static G1Jacobian PrefixSum(Srs srs, int prefix, long refLength, in G1Affine refSum)
    {
        if (refLength == prefix) return G1Jacobian.FromAffine(refSum);
        if (refLength - prefix < prefix)
        {
            var tail = srs.G1Powers[prefix..(int)refLength].ToArray();
            return G1Jacobian.FromAffine(refSum) - G1PairSums.Sum(tail, tail.Length);
        }
        var head = srs.G1Powers[..prefix].ToArray();
        return G1PairSums.Sum(head, head.Length);
    }

    private static G1Affine Blind(in G1Affine c, Srs srs, in Fr s)
        => (G1Jacobian.FromAffine(srs.BlindingBase!.Value).ScalarMul(s) + c).ToAffine();

    /// <summary>
    /// TEST ONLY (docs/zk-design.md §10.4, the selector game's baseline): when set, the prover puts A_ℓ's mask selector on
    /// its row MSB — review finding 2's flaw, which the verifier does not accept. Never set outside tests.
    /// </summary>
    internal static readonly AsyncLocal<bool> RowMsbSelectorForTests = new();

    /// <summary>
    /// TEST ONLY (docs/zk-design.md §10.4, the input game's second baseline): when set, the prover's μ_X item is zero, so the
    /// revealed value of X in layer 0's matmul is X̃′(r_b, ρ_0) in the clear (the proof still verifies: μ_X is the prover's
    /// choice). Never set outside tests.
    /// </summary>
    internal static readonly AsyncLocal<bool> UnmaskedInputForTests = new();

    /// <summary>
    /// TEST ONLY (docs/zk-design.md §10.8, the hole): when set, the prover does not require the witness's X′ to be the opening's
    /// rows laid out with zero padded columns, so a test can force a committed X′ with a non-zero padded column. Never set outside tests.
    /// </summary>
    internal static readonly AsyncLocal<bool> AnyInputLayoutForTests = new();

    /// <summary>z(1 − z): the factor of a masked item's mask at its mask coordinate z (zero iff z ∈ {0, 1}).</summary>
    internal static Fr Vanish(in Fr z) => z * (Fr.One - z);

    /// <summary>
    /// μ_f at the first n − 1 coordinates of r_w: Σ_ℓ sel_act,ℓ·(β·μ_Q,ℓ + β²·μ_A,ℓ) + Σ_ℓ,i sel_limb,ℓ,i·β·μ_R,ℓ,i at each
    /// hidden layer's selector (its column MSB, coordinate n − o_ℓ of r_w); the filler is unmasked.
    /// </summary>
    private static Fr WitnessMask(VerifyingKey vk, ZkShape zs, ZkMaskRegion region, ReadOnlySpan<Fr> rwHead, in Fr beta)
    {
        var f = zs.Batch.F!;
        var acc = Fr.Zero;
        for (int l = 0; l < zs.H; l++)
        {
            var sel = rwHead[zs.N - vk.Layers[l].OutVars];
            acc += f.Selector(zs.Batch.FAct[l], rwHead) * (beta * QMask(vk, zs, region, l, sel) + beta * beta * region.Mu(zs.MuA[l], RowMsbSelectorForTests.Value ? rwHead[zs.N - zs.Batch.BatchVars - vk.Layers[l].OutVars] : sel)); // (test switch: row MSB)
            for (int i = 0; i < vk.Layers[l].Limbs; i++)
                acc += f.Selector(zs.Batch.FLimb[l][i], rwHead) * beta * region.Mu(zs.MuR[l][i], sel);
        }
        return acc;
    }

    /// <summary>μ_Q,ℓ(y) := (M·μ_Z,ℓ(y) − Σ_i 2^{ic}·μ_R,ℓ,i(y))/2^k (docs/zk-design.md §5.4): Q is not committed, its mask is defined by ν_Z and the μ_R.</summary>
    private static Fr QMask(VerifyingKey vk, ZkShape zs, ZkMaskRegion region, int l, in Fr y)
    {
        var lk = vk.Layers[l];
        var acc = Fr.FromInt64(lk.Multiplier) * region.MuOfNu(zs.NuZ[l], y);
        for (int i = 0; i < lk.Limbs; i++) acc -= FieldPowers.TwoTo(i * vk.LimbBits) * region.Mu(zs.MuR[l][i], y);
        return acc * FieldPowers.TwoTo(lk.Shift).Inverse();
    }

    /// <summary>The combination weights c_j = λ^j and the matmul claim Σ_j c_j·2^{I−i_j}·(ẑ_j − b̂_j).</summary>
    private static (Fr[] Coef, Fr Claim) MatmulClaim(VerifyingKey vk, ZkShape zs, in Fr lambda, Fr[] zhat, Fr[] biases)
    {
        var coef = new Fr[zs.MmLayers.Length];
        var claim = Fr.Zero;
        var c = Fr.One;
        for (int j = 0; j < coef.Length; j++)
        {
            int l = zs.MmLayers[j];
            coef[j] = c;
            claim += c * FieldPowers.TwoTo(zs.I - vk.Layers[l].InVars) * (zhat[l] - biases[j]);
            c *= lambda;
        }
        return (coef, claim);
    }

    /// <summary>
    /// The rejected challenge events (docs/zk-design.md §5.2, §7.1): κ_I ∈ {0, 1, ½} (a revealed matmul value unmasked, or
    /// ν̂ = μ/2) and, for an A_ℓ revealed twice, equal selector values at p_ℓ and in the matmul of layer ℓ + 1.
    /// </summary>
    internal static string? PointProblem(VerifyingKey vk, ZkShape zs, Fr[] rw, Fr[] kappa, Fr[]? rin = null)
    {
        var last = kappa[^1];
        if (Vanish(last).IsZero) return "the matmul point's last coordinate κ_I is 0 or 1";
        if (last + last == Fr.One) return "the matmul point's last coordinate κ_I is ½";
        for (int l = 0; l < zs.H; l++)
            if (rw[zs.N - vk.Layers[l].OutVars] == kappa[zs.I - vk.Layers[l + 1].InVars])
                return $"A_{l}'s two selector values (its column MSB at p_{l} and in the matmul of layer {l + 1}) are equal";
        // the input range check reveals X̂ twice: at r_in (selector its column MSB r_in[0], column-major) and in layer 0's matmul (ρ_0[0])
        if (zs.RangeCheck && rin is not null && rin[0] == kappa[zs.I - vk.Layers[0].InVars])
            return "X's two selector values (its column MSB at the range-check point r_in and in the matmul of layer 0) are equal";
        return null;
    }

    // ---------------------------------------------------------------- claims (shared by prover and verifier)

    /// <summary>
    /// The values and challenges the claims are built from (all absorbed, or drawn, before the opening). With the input range
    /// check: XIn = β·X̂(r_in) = f̂_in(r_in) − t̃ag_in(r_in) and Beta = β (≠ 0).
    /// </summary>
    internal sealed record ClaimValues(Fr[] Rw, Fr[] Rt, Fr[] LuPoint, Fr FillerHint, LogUpMaskedProof LogUp, Fr[] Cols, Fr[][] Points,
        Fr[] Biases, Fr[] Kappa, Fr[] Mm, Fr[] Nu, Fr MmMaskEval, Fr[]? Rin = null, Fr XIn = default, Fr Beta = default);

    /// <summary>The high halves' commitments of the split vectors (null: not split), docs/protocol.md "ZK mode: split opening vectors".</summary>
    internal sealed record HighHalves(G1Affine? W1, G1Affine? W2, G1Affine? X, G1Affine? W3)
    {
        public static readonly HighHalves None = new(null, null, null, null);
    }

    /// <summary>
    /// The opening vectors by role: model part 0 … 2^k − 1, W1, W2, and X (C_X of the statement) with private inputs, then W3 = h_in
    /// (C_3) with the input range check — a split vector (<see cref="ZkShape.SplitFlags"/>) as its low half then its high half, of
    /// one variable fewer (the claims follow through <see cref="ZkOpeningSplit.Claims"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A commitment the shape needs is missing, or one it has no place for is given.</exception>
    internal static List<ZkOpeningVector> OpeningVectors(VerifyingKey vk, ZkShape zs, in G1Affine c1, in G1Affine c2, G1Affine? cx, G1Affine? c3, HighHalves highs)
    {
        if (zs.Private != cx.HasValue) throw new ArgumentException(zs.Private ? "a private-input proof needs C_X" : "C_X for a key with public inputs", nameof(cx));
        if (zs.RangeCheck != c3.HasValue) throw new ArgumentException(zs.RangeCheck ? "a proof with the input range check needs C_3" : "C_3 for a key without the input range check", nameof(c3));
        if (zs.SplitW1 != highs.W1.HasValue || zs.SplitW2 != highs.W2.HasValue || zs.SplitX != highs.X.HasValue || zs.SplitW3 != highs.W3.HasValue)
            throw new ArgumentException($"the high halves given (W1 {highs.W1.HasValue}, W2 {highs.W2.HasValue}, X {highs.X.HasValue}, W3 {highs.W3.HasValue}) are not the shape's split vectors (W1 {zs.SplitW1}, W2 {zs.SplitW2}, X {zs.SplitX}, W3 {zs.SplitW3})", nameof(highs));
        var v = new List<ZkOpeningVector>();
        void Add(string role, in G1Affine c, int vars, G1Affine? high)
        {
            if (high is not { } h) { v.Add(new ZkOpeningVector(role, c, vars)); return; }
            v.Add(new ZkOpeningVector(role + " (low half)", c, vars - 1));
            v.Add(new ZkOpeningVector(role + " (high half)", h, vars - 1));
        }
        for (int j = 0; j < zs.Parts; j++) v.Add(new ZkOpeningVector($"model part {j}", vk.ModelCommitments[j], zs.PartVars));
        Add("W1", c1, zs.Batch.W1!.NumVars, highs.W1);
        Add("W2", c2, zs.W2.NumVars, highs.W2);
        if (cx is { } x) Add("X", x, zs.XVars, highs.X);
        if (c3 is { } w3) Add("W3", w3, zs.NIn, highs.W3);
        return v;
    }

    /// <summary>
    /// Every claim of the proof, in a fixed order (docs/protocol.md "Inference proof" → "ZK mode", claims): LogUp ĥ_w, ĥ_t, m̂,
    /// â_col, the sum relation, v_g; per hidden layer Â and R̂_i at p_ℓ; per matmul layer ŵ, b̂, â (ℓ ≥ 1), ν̂_Z (hidden), ν̂_b;
    /// the matmul v_g. A masked value P̂(z) = P̃(z) + V·μ_P(y) is one combined claim on its vector and its mask item. With
    /// private inputs layer 0's â is the combined claim X̃′(r_b, ρ_0) + V·μ_X(ρ_0[0]) on X and W2, in the place of â (ℓ ≥ 1).
    /// </summary>
    internal static List<ZkOpeningClaim> BuildClaims(VerifyingKey vk, ZkShape zs, ClaimValues c)
    {
        var ks = vk.Shape;
        var bs = zs.Batch;
        var w2 = zs.W2;
        var w1 = bs.W1!;
        int b = bs.BatchVars, n = zs.N, m = zs.M, H = zs.H;
        int W1 = zs.W1Vector, W2 = zs.W2Vector;
        var claims = new List<ZkOpeningClaim>();
        var v = Vanish(c.LuPoint[^1]);
        ZkClaimTerm Mu(int item, Fr coefficient, Fr y) => new(W2, coefficient, OpeningWeight.Eq(w2.Point(item, [y])));
        ZkClaimTerm On(int vector, Layout layout, int item, Fr[] local) => new(vector, Fr.One, OpeningWeight.Eq(layout.Point(item, local)));
        ZkClaimTerm Libra(int item, Fr[] point) => new(W2, Fr.One, OpeningWeight.InBlock(w2.NumVars, w2.Offset(item) >> w2.LogSize(item), OpeningWeight.Libra(point)));
        var lu = c.LogUp;
        // LogUp: h_w without its filler entries (each c_f), h_t, m, a_col (model), the sum relation, v_g.
        claims.Add(new([On(W2, w2, 0, c.Rw), Mu(zs.MuHw, v, c.Rw[0])], lu.WitnessHelperEval - c.FillerHint * InferenceProver.FillerWeight(bs.F!, c.Rw)));
        claims.Add(new([On(W2, w2, 1, c.Rt), Mu(zs.MuHt, v, c.Rt[0])], lu.TableHelperEval));
        claims.Add(new([On(W1, w1, bs.MultItem, c.Rt), Mu(zs.MuMult, v, c.Rt[0])], lu.MultiplicitiesEval));
        claims.Add(new([.. ModelTerms(vk, zs, ks.ModelLayout.Point(ks.ActColItem, c.Rt), Fr.One), Mu(zs.MuAcol, v, c.Rt[0])], c.Cols[^1]));
        var half = Fr.FromInt64(2).Inverse();
        var sum = new List<ZkClaimTerm>
        {
            new(W2, FieldPowers.TwoTo(n), OpeningWeight.Eq(w2.Point(0, Filled(n, half)))),
            new(W2, -FieldPowers.TwoTo(m), OpeningWeight.Eq(w2.Point(1, Filled(m, half)))),
        };
        // the input range check: Σ h_in joins the sum relation (W3 = h_in alone, N_in variables)
        if (zs.RangeCheck) sum.Add(new(zs.W3Vector, FieldPowers.TwoTo(zs.NIn), OpeningWeight.Eq(Filled(zs.NIn, half))));
        claims.Add(new([.. sum], -c.FillerHint * Fr.FromInt64(bs.F!.Length - bs.F.Covered)));
        claims.Add(new([Libra(zs.LibraLu, c.LuPoint)], lu.MaskEval));
        if (zs.RangeCheck)
        {
            // ĥ_in(r_in) on W3 with μ_hin (selector r_in[0]); X̂(r_in) on X with μ_X (selector r_in[0], X's column MSB: column-major),
            // stated times β: β·X′(r_in) + β·V_lu·μ_X(r_in[0]) = f̂_in − t̃ag_in (no β⁻¹; β ≠ 0 is checked)
            var rin = c.Rin ?? throw new ArgumentException("the input range check's point r_in is missing", nameof(c));
            claims.Add(new([new ZkClaimTerm(zs.W3Vector, Fr.One, OpeningWeight.Eq(rin)), Mu(zs.MuHin, v, rin[0])], lu.InputEvals![0]));
            claims.Add(new([new ZkClaimTerm(zs.XVector, c.Beta, OpeningWeight.Eq(rin)), Mu(zs.MuX, c.Beta * v, rin[0])], c.XIn));
            // the tail claim: X′ vanishes on the padded columns, Σ_{e ≥ InputSize·Bp} eq(r_in, e)·X′[e] = 0
            if (vk.InputSize < 1 << vk.Layers[0].InVars) claims.Add(new([.. TailTerms(vk, zs, rin)], Fr.Zero));
        }
        for (int l = 0; l < H; l++)
        {
            var p = InferenceProver.Suffix(c.Rw, b + vk.Layers[l].OutVars);
            var sel = p[b];
            int ci = ks.ColumnOffset[l];
            claims.Add(new([On(W1, w1, bs.AItem[l], p), Mu(zs.MuA[l], v, sel)], c.Cols[ci + 1]));
            for (int i = 0; i < vk.Layers[l].Limbs; i++)
                claims.Add(new([On(W1, w1, bs.RItem[l][i], p), Mu(zs.MuR[l][i], v, sel)], c.Cols[ci + 2 + i]));
        }
        // The matmul: ŵ and b̂ on the model parts, â on W1 (ℓ ≥ 1), the ν̂ values, v_g.
        var vk2 = Vanish(c.Kappa[^1]);
        var ml = ks.ModelLayout;
        int k = 0;
        for (int j = 0; j < zs.MmLayers.Length; j++)
        {
            int l = zs.MmLayers[j];
            var lk = vk.Layers[l];
            var rho = InferenceProver.Suffix(c.Kappa, lk.InVars);
            var ro = c.Points[l][b..];
            var (vl, yl) = (Vanish(c.Points[l][^1]), c.Points[l][b]);
            claims.Add(new([.. ModelTerms(vk, zs, ml.Point(KeyShape.WeightItem(l), InferenceProver.Concat(rho, ro)), Fr.One), Mu(zs.MuW[l], vk2, rho[0])], c.Mm[2 * j + 1]));
            claims.Add(new([.. ModelTerms(vk, zs, ml.Point(KeyShape.BiasItem(l), ro), Fr.One),
                new ZkClaimTerm(W2, vl + vl, OpeningWeight.Eq(w2.Point(zs.NuB[l], [yl, half])))], c.Biases[j]));
            if (l >= 1)
                claims.Add(new([On(W1, w1, bs.AItem[l - 1], InferenceProver.Concat(c.Points[l].AsSpan(0, b), rho)), Mu(zs.MuA[l - 1], vk2, rho[0])], c.Mm[2 * j]));
            else if (zs.Private)
                claims.Add(new([new ZkClaimTerm(zs.XVector, Fr.One, OpeningWeight.Eq(InferenceProver.Concat(rho, c.Points[l].AsSpan(0, b)))), Mu(zs.MuX, vk2, rho[0])], c.Mm[2 * j]));
            if (l < H) claims.Add(new([new ZkClaimTerm(W2, Fr.One, OpeningWeight.Eq(w2.Point(zs.NuZ[l], [yl, c.Kappa[^1]])))], c.Nu[k++]));
            claims.Add(new([new ZkClaimTerm(W2, Fr.One, OpeningWeight.Eq(w2.Point(zs.NuB[l], [yl, c.Kappa[^1]])))], c.Nu[k++]));
        }
        claims.Add(new([Libra(zs.LibraMm, c.Kappa)], c.MmMaskEval));
        return claims;
    }

    /// <summary>
    /// The tail claim's terms (docs/protocol.md "ZK mode: the column-major private input", (3)): the padded columns
    /// [InputSize, 2^{i_0}) split into aligned dyadic blocks [c, c + 2^k); in the column-major X′ each is the aligned block
    /// [c·Bp, (c + 2^k)·Bp) of 2^{k+b} entries, a term (X, eq(z_top, j), InBlock(n_in, j, Eq(z_low))) with z = r_in, so that
    /// the terms sum to Σ_{e in the tail} eq(z, e)·X′[e] with one point over all n_in coordinates.
    /// </summary>
    internal static IEnumerable<ZkClaimTerm> TailTerms(VerifyingKey vk, ZkShape zs, Fr[] z)
    {
        int i0 = vk.Layers[0].InVars, nIn = z.Length, b = nIn - i0;
        long c = vk.InputSize, width = 1L << i0;
        while (c < width)
        {
            int k = System.Numerics.BitOperations.TrailingZeroCount(c);
            while ((c + (1L << k)) > width) k--;
            int blockVars = k + b;
            long j = (c << b) >> blockVars;
            var top = z[..(nIn - blockVars)];
            var coef = Eq.Evaluate(top, Eq.BooleanPoint(j, top.Length));
            yield return new ZkClaimTerm(zs.XVector, coef, OpeningWeight.InBlock(nIn, j, OpeningWeight.Eq(z[(nIn - blockVars)..])));
            c += 1L << k;
        }
    }

    /// <summary>P_model(z) as terms on the parts: Σ_j eq(z_top, j)·part_j(z_rest), one term per part with a non-zero weight.</summary>
    private static IEnumerable<ZkClaimTerm> ModelTerms(VerifyingKey vk, ZkShape zs, Fr[] z, Fr coefficient)
    {
        int k = vk.ModelVars - zs.PartVars;
        var weights = Eq.Table(z.AsSpan(0, k));
        var rest = z[k..];
        for (int j = 0; j < zs.Parts; j++)
            if (!weights[j].IsZero) yield return new ZkClaimTerm(j, coefficient * weights[j], OpeningWeight.Eq(rest));
    }

    private static Fr[] Filled(int count, Fr value)
    {
        var r = new Fr[count];
        Array.Fill(r, value);
        return r;
    }

    // ---------------------------------------------------------------- verifier

    /// <summary>Verifies a ZK proof (public or private inputs, as the key says); the caller has checked the key's mode. Never throws on adversarial bytes.</summary>
    internal static VerificationResult Verify(VerifyingKey vk, ReadOnlySpan<byte> publicInputs, ReadOnlySpan<byte> proofBytes, Action<byte[]>? beforeOpening)
        => Verify(vk, publicInputs, proofBytes, beforeOpening, null);

    /// <summary>As above; <paramref name="points"/> sees the LogUp point r_w and the matmul point κ (tests check the selector rule on them).</summary>
    internal static VerificationResult Verify(VerifyingKey vk, ReadOnlySpan<byte> publicInputs, ReadOnlySpan<byte> proofBytes, Action<byte[]>? beforeOpening, Action<Fr[], Fr[]>? points)
    {
        if (Unsupported(vk) is { } why) return VerificationResult.Fail(VerificationFailure.KeyMismatch, why);
        if (!PublicIO.TryDecode(vk, publicInputs, out var io, out why)) return VerificationResult.Fail(VerificationFailure.PublicInputs, why!);
        int bp = io!.PaddedBatch;
        int b = System.Numerics.BitOperations.Log2((uint)bp);
        var ks = vk.Shape;
        ZkShape zs;
        try { zs = new ZkShape(vk, b); }
        catch (ArgumentException ex) { return VerificationResult.Fail(VerificationFailure.PublicInputs, ex.Message); }
        if (!ZkProofParts.TryDecode(vk, zs, proofBytes, out var parts, out why)) return VerificationResult.Fail(VerificationFailure.Malformed, why!);
        int L = zs.L, H = zs.H, n = zs.N, m = zs.M, nlu = zs.Nlu;
        var bs = zs.Batch;

        var t = new Transcript(Protocol.ZkDomain);
        t.AppendBytes(Labels.Vk, vk.Digest);
        t.AppendBytes(Labels.Io, io.Words);
        t.AppendG1s(ZkLabels.Masks, [parts!.D1, parts.D2]);
        t.AppendG1(Labels.W1, parts.W1);
        if (parts.W1High is { } w1h) t.AppendG1(ZkLabels.High, w1h);
        var beta = t.ChallengeScalar(Labels.Beta);
        var alpha = t.ChallengeScalar(Labels.Alpha);
        t.AppendG1(Labels.W2, parts.W2);
        if (parts.W2High is { } w2h) t.AppendG1(ZkLabels.High, w2h);
        if (zs.RangeCheck) t.AppendG1(ZkLabels.W3, parts.W3!.Value);
        if (parts.W3High is { } w3h) t.AppendG1(ZkLabels.High, w3h);
        LogUpPolynomial[] masked = zs.RangeCheck
            ? [LogUpPolynomial.Witness, LogUpPolynomial.Table, LogUpPolynomial.Multiplicities, LogUpPolynomial.WitnessHelper, LogUpPolynomial.TableHelper, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness]
            : [LogUpPolynomial.Witness, LogUpPolynomial.Table, LogUpPolynomial.Multiplicities, LogUpPolynomial.WitnessHelper, LogUpPolynomial.TableHelper];
        var lu = LogUpVerifier.VerifyMasked(t, alpha, n, m, masked, [], parts.LogUp, zs.NIn, zs.RangeCheck ? r => InputSelectorAt(vk, r) : null);
        if (!lu.Success) return VerificationResult.Fail(VerificationFailure.Lookup, lu.Error!);
        var luPoint = lu.Point;
        var rw = luPoint[(nlu - n)..];
        var rt = luPoint[(nlu - m)..];
        var rin = zs.RangeCheck ? luPoint[(nlu - zs.NIn)..] : null;
        if (Vanish(luPoint[^1]).IsZero) return VerificationResult.Fail(VerificationFailure.Lookup, "the LogUp point's last coordinate is 0 or 1 (a masked value would be unmasked)");
        var xIn = Fr.Zero;
        if (rin is not null)
        {
            if (beta.IsZero) return VerificationResult.Fail(VerificationFailure.Lookup, "β = 0: X̂(r_in) does not follow from f̂_in(r_in)");
            xIn = ScaledInputAtRangePoint(vk, rin, parts.LogUp.InputEvals![1]);
        }
        var cols = parts.Cols;
        if (InferenceVerifier.WitnessAt(vk, bs, rw, cols, beta) != parts.LogUp.WitnessEval)
            return VerificationResult.Fail(VerificationFailure.Lookup, "f̂(r_w) does not match the masked columns Q̂, Â, R̂ at r_w");
        if (InferenceVerifier.TableAt(vk, rt, cols[^1], beta) != parts.LogUp.TableEval)
            return VerificationResult.Fail(VerificationFailure.Lookup, "t̂(r_t) does not match the lookup table of the key with the masked â_col");
        t.AppendScalars(Labels.Cols, cols);
        if (alpha == Fr.FromInt64(KeyShape.RangeTag)) return VerificationResult.Fail(VerificationFailure.Lookup, "α equals the filler tuple");
        var cf = parts.FillerHint;
        if (cf * (alpha - Fr.FromInt64(KeyShape.RangeTag)) != Fr.One) return VerificationResult.Fail(VerificationFailure.Lookup, "the filler hint is not 1/(α − 1)");

        var lp = new Fr[L][];
        lp[L - 1] = t.ChallengeScalars(Labels.OutR, b + vk.Layers[L - 1].OutVars);
        for (int l = 0; l < H; l++) lp[l] = InferenceProver.Suffix(rw, b + vk.Layers[l].OutVars);
        if (Vanish(lp[L - 1][^1]).IsZero) return VerificationResult.Fail(VerificationFailure.Matmul, "out_r's last coordinate is 0 or 1 (the output bias would be unmasked)");
        var zhat = new Fr[L];
        for (int l = 0; l < H; l++) zhat[l] = InferenceVerifier.Requantized(vk, l, cols);
        zhat[L - 1] = OutputAt(io, bp, lp[L - 1].AsSpan(0, b), lp[L - 1].AsSpan(b));
        int lm = zs.MmLayers.Length;
        foreach (var bias in parts.Biases) t.AppendScalar(Labels.Bias, bias);
        var lambda = t.ChallengeScalar(Labels.MmLambda);
        var (coef, claim) = MatmulClaim(vk, zs, lambda, zhat, parts.Biases);
        var sc = SumcheckVerifier.VerifyMasked(t, claim, zs.MmDegrees, [], parts.MmMaskSum, parts.Matmul, parts.MmMaskEval, ZkLabels.MatmulMask);
        if (!sc.Success) return VerificationResult.Fail(VerificationFailure.Matmul, $"matmul sumcheck: {sc.Error}");
        var kappa = sc.Point;
        points?.Invoke(rw, kappa);
        if (PointProblem(vk, zs, rw, kappa, rin) is { } bad) return VerificationResult.Fail(VerificationFailure.Matmul, bad + " (a masked value would be unmasked)");
        var final = Fr.Zero;
        var inv = FieldPowers.TwoTo(zs.I - 1).Inverse();
        int k = 0;
        for (int j = 0; j < lm; j++)
        {
            int l = zs.MmLayers[j];
            final += coef[j] * parts.Mm[2 * j] * parts.Mm[2 * j + 1];
            var tj = coef[j] * FieldPowers.TwoTo(zs.I - vk.Layers[l].InVars) * inv * Vanish(lp[l][^1]);
            var d = Fr.Zero;
            if (l < H) d += parts.Nu[k++];
            d -= parts.Nu[k++];
            final += tj * d;
        }
        if (!sc.CheckFinalValue(final, out _))
            return VerificationResult.Fail(VerificationFailure.Matmul, "Σ_ℓ λ^j·â_ℓ·ŵ_ℓ + Σ_ℓ t_ℓ·V_ℓ·(ν̂_Z − ν̂_b) + ρ′·v_g does not match the matmul sumcheck's final value");
        // (the mask claim g(κ) = v_g is the last claim of BuildClaims)
        t.AppendScalars(Labels.Mm, [.. parts.Mm, .. parts.Nu, parts.MmMaskEval]);
        // Public inputs: layer 0's input is unmasked, â_0 = X̃(r_b, ρ_0) with the padded rows copies of row 0. Private inputs:
        // â_0 is masked and becomes a combined claim on C_X (BuildClaims).
        if (!zs.Private)
        {
            int j0 = Array.IndexOf(zs.MmLayers, 0);
            var rho0 = InferenceProver.Suffix(kappa, vk.Layers[0].InVars);
            if (InputAt(io, bp, lp[0].AsSpan(0, b), rho0) != parts.Mm[2 * j0])
                return VerificationResult.Fail(VerificationFailure.Input, "layer 0: the claimed input evaluation does not match the public input X");
        }

        var ctx = new ClaimValues(rw, rt, luPoint, cf, parts.LogUp, cols, lp, parts.Biases, kappa, parts.Mm, parts.Nu, parts.MmMaskEval, rin, xIn, beta);
        var claims = ZkOpeningSplit.Claims(BuildClaims(vk, zs, ctx), zs.SplitFlags());
        var vectors = OpeningVectors(vk, zs, parts.W1, parts.W2, io.InputCommitment, parts.W3, new HighHalves(parts.W1High, parts.W2High, io.InputCommitmentHigh, parts.W3High));
        beforeOpening?.Invoke(t.State);
        if (!ZkBatchOpening.Verify(vk.Kzg, vk.BlindingBase!.Value, t, vectors, claims, [parts.D1, parts.D2], parts.Opening, bindStatement: false, out var r2))
            return VerificationResult.Fail(VerificationFailure.Opening, "ZK batched opening: " + r2);
        return VerificationResult.Ok;
    }

    /// <summary>X̃(r_b, ρ) over Bp rows whose rows B … Bp − 1 are copies of row 0 (zero-knowledge mode), InputSize real columns.</summary>
    private static Fr InputAt(PublicIO io, int bp, ReadOnlySpan<Fr> rb, ReadOnlySpan<Fr> rho) => RowsAt(io, bp, rb, rho, outputs: false);

    /// <summary>Ỹ(r_b, r_o) over Bp rows, rows B … Bp − 1 copies of row 0.</summary>
    private static Fr OutputAt(PublicIO io, int bp, ReadOnlySpan<Fr> rb, ReadOnlySpan<Fr> ro) => RowsAt(io, bp, rb, ro, outputs: true);

    /// <summary>The MLE of the stated inputs or outputs at (r_b, r_c): the padded rows' eq weights go to row 0, whose copies they are.</summary>
    private static Fr RowsAt(PublicIO io, int bp, ReadOnlySpan<Fr> rb, ReadOnlySpan<Fr> rc, bool outputs)
    {
        var eqb = Eq.Table(rb);
        var eqc = Eq.Table(rc);
        var acc = Fr.Zero;
        var rest = Fr.Zero;
        for (int r = io.BatchSize; r < bp; r++) rest += eqb[r];
        for (int r = 0; r < io.BatchSize; r++)
            acc += (r == 0 ? eqb[0] + rest : eqb[r]) * InferenceProver.Dot(outputs ? io.StatedRow(r) : io.InputRow(r), eqc);
        return acc;
    }
}
