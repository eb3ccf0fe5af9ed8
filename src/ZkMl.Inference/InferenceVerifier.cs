using ZkMl.Algebra;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using Labels = ZkMl.Inference.Protocol.Labels;

namespace ZkMl.Inference;

/// <summary>Which check rejected a proof.</summary>
public enum VerificationFailure
{
    /// <summary>The proof verified.</summary>
    None,
    /// <summary>The proof names another verifying key.</summary>
    KeyMismatch,
    /// <summary>The public inputs/outputs are not a valid statement for the key.</summary>
    PublicInputs,
    /// <summary>The proof bytes have the wrong length or an invalid element.</summary>
    Malformed,
    /// <summary>The LogUp lookup argument failed.</summary>
    Lookup,
    /// <summary>A matmul sumcheck failed.</summary>
    Matmul,
    /// <summary>The first layer's claim does not match the public input.</summary>
    Input,
    /// <summary>The batched opening (sumcheck or HyperKZG pairing check) failed.</summary>
    Opening,
    /// <summary>The proven final activation does not match the public output.</summary>
    Output,
    /// <summary>The Phase-2 sumcheck of the conv and pooling layers failed.</summary>
    Conv,
    /// <summary>A max pool's product zero-check (each output equals an entry of its window) failed.</summary>
    MaxPool,
}

/// <summary>The verdict of <see cref="InferenceVerifier.Verify(VerifyingKey, InferenceProof)"/>.</summary>
/// <param name="Failure">None when valid, else the failing check.</param>
/// <param name="Reason">What failed (null when valid).</param>
public sealed record VerificationResult(VerificationFailure Failure, string? Reason)
{
    /// <summary>True when the proof verified.</summary>
    public bool IsValid => Failure == VerificationFailure.None;

    internal static readonly VerificationResult Ok = new(VerificationFailure.None, null);

    internal static VerificationResult Fail(VerificationFailure f, string reason) => new(f, reason);
}

/// <summary>
/// The stateless inference verifier (docs/protocol.md "Inference proof"): from the verifying key,
/// the packed public inputs/outputs and the proof bytes alone. Never throws on adversarial bytes.
/// </summary>
/// <remarks>
/// Soundness: see docs/protocol.md "Soundness". Every prover message is absorbed before the challenges
/// that depend on it; every sumcheck's final claim is discharged here (matmul products, LogUp formulas
/// for f and t, the public input/output MLEs) or by the batched HyperKZG opening.
/// </remarks>
public static class InferenceVerifier
{
    /// <summary>Verifies <paramref name="proof"/> (its public inputs and proof bytes) against <paramref name="vk"/>.</summary>
    public static VerificationResult Verify(VerifyingKey vk, InferenceProof proof)
    {
        ArgumentNullException.ThrowIfNull(vk);
        ArgumentNullException.ThrowIfNull(proof);
        if (!proof.VkDigest.AsSpan().SequenceEqual(vk.Digest))
            return VerificationResult.Fail(VerificationFailure.KeyMismatch,
                $"the proof was made for another verifying key: the proof names vk digest {Convert.ToHexStringLower(proof.VkDigest)}, the key's is {vk.DigestHex}");
        if (proof.Flags != (vk.IsZk ? VerifyingKey.FlagsOf(vk.Zk) : 0u))
            return VerificationResult.Fail(VerificationFailure.KeyMismatch,
                $"the proof file's flags 0x{proof.Flags:x} do not match the key's mode ({(vk.IsZk ? vk.Zk.ToString() : "default, not zero-knowledge")})");
        return Verify(vk, proof.PublicInputs, proof.ProofBytes);
    }

    /// <summary>Verifies proof bytes for packed public inputs (the Solidity verifier's two arguments).</summary>
    public static VerificationResult Verify(VerifyingKey vk, ReadOnlySpan<byte> publicInputs, ReadOnlySpan<byte> proofBytes)
        => Verify(vk, publicInputs, proofBytes, null);

    /// <summary>As the public overload; <paramref name="beforeOpening"/> sees the transcript state just before the batched opening (tests replay the transcript up to there).</summary>
    internal static VerificationResult Verify(VerifyingKey vk, ReadOnlySpan<byte> publicInputs, ReadOnlySpan<byte> proofBytes, Action<byte[]>? beforeOpening)
    {
        ArgumentNullException.ThrowIfNull(vk);
        // (the default-mode checks must not accept anything for a key whose mode they do not implement)
        try
        {
            // (a key's mode selects the protocol; no proof field does)
            return vk.IsZk ? ZkInference.Verify(vk, publicInputs, proofBytes, beforeOpening) : VerifyCore(vk, publicInputs, proofBytes, beforeOpening);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            // Defensive: a verifier bug must reject, never accept or crash the caller.
            return VerificationResult.Fail(VerificationFailure.Malformed, "verifier error: " + ex.Message);
        }
    }

    private static VerificationResult VerifyCore(VerifyingKey vk, ReadOnlySpan<byte> publicInputs, ReadOnlySpan<byte> proofBytes, Action<byte[]>? beforeOpening)
    {
        if (!PublicIO.TryDecode(vk, publicInputs, out var io, out var why)) return VerificationResult.Fail(VerificationFailure.PublicInputs, why!);
        int bp = io!.PaddedBatch;
        int b = System.Numerics.BitOperations.Log2((uint)bp);
        var ks = vk.Shape;
        var bs = new BatchShape(vk, b);
        if (!ProofParts.TryDecode(vk, bs, proofBytes, out var parts, out why)) return VerificationResult.Fail(VerificationFailure.Malformed, why!);
        int L = ks.L, H = ks.H, T = ks.T;

        var t = new Transcript(InferenceProver.Domain);
        t.AppendBytes(Labels.Vk, vk.Digest);
        t.AppendBytes(Labels.Io, io.Words);
        var claims = new List<OpeningClaim>();
        Fr[] rw = [];
        var cols = parts!.Cols;
        var ml = ks.ModelLayout;
        if (T >= 1)
        {
            t.AppendG1(Labels.W1, parts.W1);
            var beta = t.ChallengeScalar(Labels.Beta);
            var alpha = t.ChallengeScalar(Labels.Alpha);
            t.AppendG1(Labels.W2, parts.W2);
            int n = bs.F!.NumVars, m = ks.TableLayout!.NumVars;
            var lu = LogUpVerifier.Verify(t, alpha, n, m, parts.LogUp);
            if (!lu.Success) return VerificationResult.Fail(VerificationFailure.Lookup, lu.Error!);
            rw = lu.Claims[2].Point;
            var rt = lu.Claims[4].Point;
            if (WitnessAt(vk, bs, rw, cols, beta) != lu.Claims[3].Value)
                return VerificationResult.Fail(VerificationFailure.Lookup, "f(r_w) does not match the committed columns Q, A, R at r_w");
            if (TableAt(vk, rt, cols[^1], beta) != lu.Claims[5].Value)
                return VerificationResult.Fail(VerificationFailure.Lookup, "t(r_t) does not match the lookup table of the key");
            t.AppendScalars(Labels.Cols, cols);

            // W2 stores h_w with its filler entries (each c_f = 1/(α − 1)) zeroed: subtract them from the claims.
            if (alpha == Fr.FromInt64(KeyShape.RangeTag)) return VerificationResult.Fail(VerificationFailure.Lookup, "α equals the filler tuple");
            // c_f comes as a hint (not absorbed: it is determined by α), checked by one multiplication.
            var cf = parts.FillerHint;
            if (cf * (alpha - Fr.FromInt64(KeyShape.RangeTag)) != Fr.One) return VerificationResult.Fail(VerificationFailure.Lookup, "the filler hint is not 1/(α − 1)");
            // A spatial key's W2 may hold h_t inside h'_w's filler tail: its share is added (r_t = r_w's last m coordinates).
            if (bs.HtInFiller && !rt.AsSpan().SequenceEqual(rw.AsSpan(n - m)))
                return VerificationResult.Fail(VerificationFailure.Lookup, "r_t is not the tail of r_w (h_t inside h'_w's filler tail needs it)");
            claims.Add(new(parts.W2, bs.W2!.Point(0, lu.Claims[0].Point), lu.Claims[0].Value - cf * InferenceProver.FillerWeight(bs.F, lu.Claims[0].Point)
                + InferenceProver.HtShare(bs, lu.Claims[0].Point, lu.Claims[1].Value)));
            claims.Add(new(parts.W2, bs.W2.Point(1, lu.Claims[1].Point), lu.Claims[1].Value));
            claims.Add(new(parts.W2, bs.W2.Point(0, rw), lu.Claims[2].Value - cf * InferenceProver.FillerWeight(bs.F, rw) + InferenceProver.HtShare(bs, rw, lu.Claims[4].Value)));
            claims.Add(new(parts.W2, bs.W2.Point(1, rt), lu.Claims[4].Value));
            claims.Add(new(parts.W1, bs.W1!.Point(bs.MultItem, rt), lu.Claims[6].Value));
            claims.Add(new(vk.ModelClaimKey, ml.Point(ks.ActColItem, rt), cols[^1]));
            int ci = 0;
            for (int l = 0; l < T; l++)
            {
                if (!ks.Tabled(l))
                {
                    var (pd, _) = InferenceProver.MaxPoolPoints(vk, l, b, rw);
                    claims.Add(new(parts.W1, bs.W1.Point(bs.DItem[l], pd), cols[ci++]));
                    continue;
                }
                var p = InferenceProver.Suffix(rw, b + vk.Layers[l].OutVars);
                ci++; // Q_ℓ(p_ℓ): not a commitment claim; the matmul claim z_ℓ derived from it binds it
                if (l < H) claims.Add(new(parts.W1, bs.W1.Point(bs.AItem[l], p), cols[ci]));
                else if (OutputAt(io, bp, p.AsSpan(0, b), p.AsSpan(b)) != cols[ci])
                    return VerificationResult.Fail(VerificationFailure.Output, "the output layer's activation at p_{L−1} does not match the public output Y");
                ci++;
                foreach (int ri in bs.RItem[l]) claims.Add(new(parts.W1, bs.W1.Point(ri, p), cols[ci++]));
            }
        }

        // The layers' claims (output layer at out_r, hidden layers at the LogUp point), then ONE matmul sumcheck.
        var points = new Fr[L][];
        var zs = new Fr[L];
        if (!ks.OutputTabled)
        {
            points[L - 1] = t.ChallengeScalars(Labels.OutR, b + vk.Layers[L - 1].OutVars);
            zs[L - 1] = OutputAt(io, bp, points[L - 1].AsSpan(0, b), points[L - 1].AsSpan(b));
        }
        for (int l = T - 1; l >= 0; l--)
        {
            points[l] = InferenceProver.Suffix(rw, b + vk.Layers[l].OutVars);
            if (ks.Tabled(l)) zs[l] = Requantized(vk, l, cols);
        }
        var mmLayers = Enumerable.Range(0, L).Reverse().Where(ks.InMatmul).ToArray();
        int iMax = ProofParts.MatmulVars(vk);
        for (int j = 0; j < mmLayers.Length; j++) t.AppendScalar(Labels.Bias, parts.Layers[j].Bias);
        var lambda = t.ChallengeScalar(Labels.MmLambda);
        var claim = Fr.Zero;
        var coef = new Fr[mmLayers.Length];
        var cPow = Fr.One;
        for (int j = 0; j < mmLayers.Length; j++)
        {
            int l = mmLayers[j];
            coef[j] = cPow;
            claim += cPow * FieldPowers.TwoTo(iMax - ProofParts.MatmulVars(vk.Layers[l])) * (zs[l] - InferenceProver.BiasTerm(vk.Layers[l], parts.Layers[j].Bias, points[l].AsSpan(b)));
            cPow *= lambda;
        }
        var sc = SumcheckVerifier.Verify(t, claim, iMax, 2, parts.Matmul);
        if (!sc.Success) return VerificationResult.Fail(VerificationFailure.Matmul, $"matmul sumcheck: {sc.Error}");
        var final = Fr.Zero;
        for (int j = 0; j < mmLayers.Length; j++) final += coef[j] * parts.Layers[j].A * parts.Layers[j].W;
        if (!sc.Discharge(final))
            return VerificationResult.Fail(VerificationFailure.Matmul, "Σ_ℓ λ^j·A_ℓ(r_b, ρ_ℓ)·W_ℓ(ρ_ℓ, r_o) does not match the matmul sumcheck's final value");
        var mm = new Fr[2 * mmLayers.Length];
        for (int j = 0; j < mmLayers.Length; j++) { mm[2 * j] = parts.Layers[j].A; mm[2 * j + 1] = parts.Layers[j].W; }
        t.AppendScalars(Labels.Mm, mm);
        var phase1 = new Fr[L][];
        for (int j = 0; j < mmLayers.Length; j++)
        {
            int l = mmLayers[j];
            var lk = vk.Layers[l];
            var lp = parts.Layers[j];
            var rho = InferenceProver.Suffix(sc.Point, ProofParts.MatmulVars(lk));
            var rb = points[l].AsSpan(0, b).ToArray();
            var ro = points[l].AsSpan(b).ToArray();
            if (lk.Kind == ZkMl.Compiler.Model.LayerKind.Conv)
            {
                var rc = ro[..lk.OutBits.C];
                phase1[l] = rho;
                claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.BiasItem(l), rc), lp.Bias));
                claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.WeightItem(l), InferenceProver.Concat(rc, rho)), lp.W));
                continue;
            }
            claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.BiasItem(l), ro), lp.Bias));
            claims.Add(new(vk.ModelClaimKey, ml.Point(KeyShape.WeightItem(l), InferenceProver.Concat(rho, ro)), lp.W));
            if (l == 0)
            {
                if (InputAt(io, vk.InputShape, rb, rho) != lp.A)
                    return VerificationResult.Fail(VerificationFailure.Input, "layer 0: the claimed input evaluation does not match the public input X");
            }
            else claims.Add(new(parts.W1, bs.W1!.Point(bs.AItem[l - 1], InferenceProver.Concat(rb, rho)), lp.A));
        }

        if (vk.HasSpatialLayers)
        {
            // Phase 2: every conv, average-pool and max-pool term in one sumcheck, the selectors computed here.
            var p2 = parts.Phase2!;
            if (p2.YValues.Length > 0) t.AppendScalars(Protocol.ConvLabels.MpY, p2.YValues);
            var terms = InferenceProver.Phase2Terms(vk, b, points, zs, parts.Layers, mmLayers, phase1, cols, rw, p2.YValues);
            int n2 = terms.Max(x => x.Vars);
            var lambda2 = t.ChallengeScalar(Protocol.ConvLabels.CvLambda);
            var (_, claim2) = InferenceProver.Phase2Statement(terms, n2, lambda2);
            var sc2 = SumcheckVerifier.Verify(t, claim2, n2, 2, p2.Sumcheck);
            if (!sc2.Success) return VerificationResult.Fail(VerificationFailure.Conv, $"Phase-2 sumcheck: {sc2.Error}");
            var final2 = Fr.Zero;
            var c2 = Fr.One;
            var sigmas = new Fr[terms.Count][];
            for (int j = 0; j < terms.Count; j++)
            {
                sigmas[j] = InferenceProver.Suffix(sc2.Point, terms[j].Vars);
                final2 += c2 * p2.Values[j] * terms[j].SelectorAt(sigmas[j]);
                c2 *= lambda2;
            }
            if (!sc2.Discharge(final2))
                return VerificationResult.Fail(VerificationFailure.Conv, "Σ_j λ^j·Ṽ_j(σ)·Sel_j(σ) does not match the Phase-2 sumcheck's final value");
            t.AppendScalars(Protocol.ConvLabels.Cv, p2.Values);
            for (int j = 0; j < terms.Count; j++)
            {
                int ol = terms[j].OpenedLayer;
                var at = InferenceProver.Concat(terms[j].Prefix, sigmas[j]);
                if (ol < 0)
                {
                    if (InputAt(io, vk.InputShape, at.AsSpan(0, b), at.AsSpan(b)) != p2.Values[j])
                        return VerificationResult.Fail(VerificationFailure.Input, "layer 0: the Phase-2 input evaluation does not match the public input X");
                }
                else claims.Add(new(parts.W1, bs.W1!.Point(bs.AItem[ol], at), p2.Values[j]));
            }
            // Each max-pool output equals an entry of its window: Σ eq(τ, ·)·I·Π_w D_w = 0.
            int k = 0;
            foreach (int l in ks.MaxPoolLayers)
            {
                var lk = vk.Layers[l];
                var g = lk.Geometry!;
                var (wh, ww) = lk.WindowBits;
                var mp = parts.MaxPools[k++];
                var tau = t.ChallengeScalars(Protocol.ConvLabels.MpTau, b + lk.OutVars);
                var zc = SumcheckVerifier.VerifyZeroCheck(t, Fr.Zero, tau, g.Window + 1, mp.ZeroCheck);
                if (!zc.Success) return VerificationResult.Fail(VerificationFailure.MaxPool, $"layer {l} max-pool zero-check: {zc.Error}");
                var (rc, ry, rx) = SpatialProof.Split(zc.Point.AsSpan(b), lk.OutBits);
                var prod = SpatialProof.OutputIndicatorAt(lk, rc, ry, rx);
                foreach (var dv in mp.D) prod *= dv;
                if (!zc.Discharge(prod))
                    return VerificationResult.Fail(VerificationFailure.MaxPool, $"layer {l}: Ĩ·Π_w D̃_w does not match the max-pool zero-check's final value");
                t.AppendScalars(Protocol.ConvLabels.Mp, mp.D);
                int s = 0;
                for (int dy = 0; dy < g.KH; dy++)
                    for (int dx = 0; dx < g.KW; dx++)
                    {
                        var pt = SpatialProof.SlotPoint(zc.Point, dy, dx, wh, ww);
                        claims.Add(new(parts.W1, bs.W1!.Point(bs.DItem[l], pt), mp.D[s++]));
                    }
            }
        }

        beforeOpening?.Invoke(t.State);
        if (!BatchOpening.Verify(vk.Kzg, t, claims, parts.Opening, bindClaims: false, [vk.ModelSplit], out var r2))
            return VerificationResult.Fail(VerificationFailure.Opening, "batched opening: " + r2);
        return VerificationResult.Ok;
    }

    /// <summary>Z̃_ℓ(p_ℓ) = (Q̃·2^k + Σ_i 2^{ic}·R̃_i − 2^{k−1})·M⁻¹ from the `cols` values (relation R).</summary>
    internal static Fr Requantized(VerifyingKey vk, int layer, Fr[] cols)
    {
        int ci = vk.Shape.ColumnOffset[layer];
        var lk = vk.Layers[layer];
        var q = cols[ci];
        var acc = q * FieldPowers.TwoTo(lk.Shift);
        for (int i = 0; i < lk.Limbs; i++) acc += cols[ci + 2 + i] * FieldPowers.TwoTo(i * vk.LimbBits);
        acc -= FieldPowers.TwoTo(lk.Shift - 1);
        return acc * Fr.FromInt64(lk.Multiplier).Inverse();
    }

    /// <summary>f(r_w) from the column values (docs/protocol.md, lookup witness f).</summary>
    internal static Fr WitnessAt(VerifyingKey vk, BatchShape bs, Fr[] rw, Fr[] cols, Fr beta)
    {
        var f = bs.F!;
        var beta2 = beta * beta;
        var acc = Fr.Zero;
        var selSum = Fr.Zero;
        int ci = 0;
        var rangeTag = Fr.FromInt64(KeyShape.RangeTag);
        for (int l = 0; l < vk.Shape.T; l++)
        {
            if (!vk.Shape.Tabled(l))
            {
                // a max pool's D segment: (1, D, 0)
                var sd = f.Selector(bs.FD[l], rw);
                acc += sd * (rangeTag + beta * cols[ci]);
                selSum += sd;
                ci += 1;
                continue;
            }
            var q = cols[ci]; var a = cols[ci + 1];
            var sel = f.Selector(bs.FAct[l], rw);
            acc += sel * (Fr.FromInt64(KeyShape.ActTag(l)) + beta * q + beta2 * a);
            selSum += sel;
            for (int i = 0; i < vk.Layers[l].Limbs; i++)
            {
                var s = f.Selector(bs.FLimb[l][i], rw);
                acc += s * (rangeTag + beta * cols[ci + 2 + i]);
                selSum += s;
            }
            ci += 2 + vk.Layers[l].Limbs;
        }
        return acc + (Fr.One - selSum) * rangeTag;
    }

    /// <summary>t(r_t) = Σ_seg sel·(tag + β·(q_lo + local index)) + β²·a_col(r_t).</summary>
    internal static Fr TableAt(VerifyingKey vk, Fr[] rt, Fr acol, Fr beta)
    {
        var ks = vk.Shape;
        var tl = ks.TableLayout!;
        var acc = Fr.Zero;
        // table item → layer (items are the tabled layers in order, then the range)
        var layerOf = Enumerable.Range(0, ks.T).Where(ks.Tabled).ToArray();
        for (int seg = 0; seg <= ks.RangeItem; seg++)
        {
            bool range = seg == ks.RangeItem;
            int s = tl.LogSize(seg);
            var idx = Fr.Zero;
            var local = Layout.Local(rt, s);
            for (int j = 0; j < s; j++) idx = idx + idx + local[j]; // Σ_j 2^{s−1−j}·local[j]
            var tag = Fr.FromInt64(range ? KeyShape.RangeTag : KeyShape.ActTag(layerOf[seg]));
            var qlo = range ? Fr.Zero : Fr.FromInt64(vk.Layers[layerOf[seg]].QMin);
            acc += tl.Selector(seg, rt) * (tag + beta * (qlo + idx));
        }
        if (ks.InputItem >= 0)
        {
            // the input segment: (t_X, −InputBound + j, 0), the entries past 2·InputBound repeating the last value; its MLE is
            // t_X + β·(−InputBound + idx − Σ_{j > 2·InputBound} (j − 2·InputBound)·eq(local, j)). The filler entry is 0.
            int s = tl.LogSize(ks.InputItem);
            var local = Layout.Local(rt, s);
            var idx = Fr.Zero;
            for (int j = 0; j < s; j++) idx = idx + idx + local[j];
            long top = 2 * vk.InputBound;
            if (top + 1 < 1L << s)
            {
                var eq = Eq.Table(local);
                for (long j = top + 1; j < 1L << s; j++) idx -= Fr.FromInt64(j - top) * eq[j];
            }
            acc += tl.Selector(ks.InputItem, rt) * (Fr.FromInt64(ks.InputTag) + beta * (Fr.FromInt64(-vk.InputBound) + idx));
        }
        return acc + beta * beta * acol;
    }

    /// <summary>
    /// X̃(r_b, ρ) over the B real rows and InputSize real columns (zero elsewhere), each input value at its padded
    /// position (<see cref="ZkMl.Compiler.Quantization.Circuit.PaddedIndex"/>: the identity for a 1-D input).
    /// </summary>
    private static Fr InputAt(PublicIO io, IReadOnlyList<int> shape, ReadOnlySpan<Fr> rb, ReadOnlySpan<Fr> rho)
    {
        var eqb = Eq.Table(rb);
        var eqc = Eq.Table(rho);
        var acc = Fr.Zero;
        if (shape.Count <= 1)
        {
            for (int r = 0; r < io.BatchSize; r++)
                acc += eqb[r] * InferenceProver.Dot(io.InputRow(r), eqc);
            return acc;
        }
        var idx = new int[io.InputRow(0).Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = ZkMl.Compiler.Quantization.Circuit.PaddedIndex(shape, i);
        for (int r = 0; r < io.BatchSize; r++)
        {
            var row = io.InputRow(r);
            var s = Fr.Zero;
            for (int i = 0; i < row.Length; i++)
                if (row[i] != 0) s += eqc[idx[i]] * Fr.FromInt64(row[i]);
            acc += eqb[r] * s;
        }
        return acc;
    }

    /// <summary>Ỹ(r_b, r_o) over all padded rows and the stated columns (OutputColumns; zero beyond).</summary>
    private static Fr OutputAt(PublicIO io, int bp, ReadOnlySpan<Fr> rb, ReadOnlySpan<Fr> ro)
    {
        var eqb = Eq.Table(rb);
        var eqo = Eq.Table(ro);
        var acc = Fr.Zero;
        for (int r = 0; r < bp; r++)
            acc += eqb[r] * InferenceProver.Dot(io.StatedRow(r), eqo);
        return acc;
    }
}
