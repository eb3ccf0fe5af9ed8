using ZkMl.Algebra;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// HyperKZG (Setty–Thaler style Gemini-like reduction, in the shape of Nova's
/// <c>provider/hyperkzg.rs</c>): a KZG-based evaluation argument for multilinear polynomials.
/// A vector v of length 2^ℓ is committed as the univariate polynomial P_0(X) = Σ v_i·X^i, i.e.
/// C = Σ v_i·τ^i·G. Its multilinear extension ṽ is evaluated at a point x in the project's bit
/// order (see docs/protocol.md "Multilinear conventions" and "HyperKZG").
/// </summary>
/// <remarks>
/// Folding: P_(i+1)(Y) = (1 − x_(b_i))·E_i(Y) + x_(b_i)·O_i(Y), where P_i(X) = E_i(X²) + X·O_i(X) and
/// x_(b_i) is the coordinate of index bit i (bit 0 = least significant index bit is folded
/// first). Then P_ℓ is the constant ṽ(x). For any r: 2r·P_(i+1)(r²) = r(1 − x)(P_i(r) + P_i(−r)) +
/// x(P_i(r) − P_i(−r)). The prover commits P_1 … P_(ℓ−1), receives r, sends P_i(r), P_i(−r),
/// P_i(r²) for all i, and proves all 3ℓ values as evaluations of ONE polynomial B = Σ q^i·P_i at
/// r, −r, r² with two witnesses (Boneh–Drake–Fisch–Gabizon 2020 §4): W = [B div Z] and, after ζ,
/// W' = [(B − Z(ζ)·h − c)/(X − ζ)]. The verifier does one MSM of ℓ + 3 points and one 2-pair
/// pairing check.
/// </remarks>
public static class HyperKzg
{
    /// <summary>Commits to a vector of field elements (as univariate coefficients). Needs srs.MaxDegree ≥ length − 1.</summary>
    /// <exception cref="ArgumentException">The SRS is too small.</exception>
    public static G1Affine Commit(Srs srs, ReadOnlySpan<Fr> evaluations) => Kzg.Commit(srs, evaluations);

    /// <summary>Commits to a vector of small signed integers (each taken mod r) with the small-scalar MSM.</summary>
    /// <exception cref="ArgumentException">The SRS is too small.</exception>
    public static G1Affine CommitSmall(Srs srs, ReadOnlySpan<long> evaluations) => Kzg.CommitSmall(srs, evaluations);

    /// <summary>
    /// Proves ṽ(point) = value for the vector <paramref name="evaluations"/> (length 2^ℓ,
    /// ℓ = point.Length) committed as <paramref name="commitment"/>. First absorbs the commitment,
    /// the point and the value, then runs the protocol on <paramref name="transcript"/>.
    /// The value is not recomputed: a wrong value yields a proof that fails verification.
    /// </summary>
    /// <exception cref="ArgumentException">Length is not 2^ℓ or the SRS is too small.</exception>
    public static HyperKzgProof Prove(Srs srs, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value)
    {
        int l = point.Length;
        if (l > 30 || evaluations.Length != 1 << l)
            throw new ArgumentException($"evaluation vector has {evaluations.Length} entries; a point with {l} coordinates needs {(l > 30 ? "2^" + l : (1 << l).ToString())}", nameof(evaluations));
        if (evaluations.Length > srs.G1Powers.Length)
            throw new ArgumentException($"{evaluations.Length} entries exceed the SRS ({srs})", nameof(evaluations));
        BindClaim(transcript, commitment, point, value);
        if (l == 0) return new HyperKzgProof([], [], [], [], []);

        // Each P_i is kept only up to its last non-zero coefficient (padded vectors have long zero
        // tails, and so do their folds): every later step works on the prefix.
        var polys = new Fr[l][];
        polys[0] = evaluations[..Math.Max(1, evaluations.LastIndexOfAnyExcept(Fr.Zero) + 1)].ToArray();
        for (int i = 0; i < l - 1; i++)
        {
            var prev = polys[i];
            var xi = MleOrder.CoordinateOfBit(point, i);
            var next = new Fr[(prev.Length + 1) / 2];
            int pairs = prev.Length / 2;
            Parallel.For(0, Math.Max(1, pairs / 4096), c =>
            {
                int chunks = Math.Max(1, pairs / 4096);
                int lo = (int)((long)pairs * c / chunks), hi = (int)((long)pairs * (c + 1) / chunks);
                for (int j = lo; j < hi; j++)
                {
                    Fr.Sub(prev[2 * j + 1], prev[2 * j], out var d);
                    Fr.Mul(d, xi, out d);
                    Fr.Add(prev[2 * j], d, out next[j]);
                }
            });
            if (next.Length > pairs) next[pairs] = prev[2 * pairs] * (Fr.One - xi); // odd length: the partner is 0
            polys[i + 1] = next;
        }
        var folds = new G1Affine[l - 1];
        for (int i = 1; i < l; i++) folds[i - 1] = Kzg.Commit(srs, polys[i]);

        transcript.AppendG1s(Labels.Folds, folds);
        var r = transcript.ChallengeScalar(Labels.R);
        if (r.IsZero || r.IsOne || r == -Fr.One) throw new InvalidOperationException("HyperKZG challenge r ∈ {0, ±1} (probability ~2^-253)");
        Fr.Neg(r, out var negR);
        Fr.Square(r, out var r2);
        Fr[] u = [r, negR, r2];

        var vPos = new Fr[l]; var vNeg = new Fr[l]; var vSq = new Fr[l];
        Parallel.For(0, l, i =>
        {
            EvaluatePlusMinus(polys[i], r, out vPos[i], out vNeg[i]);
            vSq[i] = Kzg.Evaluate(polys[i], r2);
        });
        AbsorbEvaluations(transcript, vPos, vNeg, vSq);
        var q = transcript.ChallengeScalar(Labels.Q);
        // One polynomial B = Σ q^i·P_i at three points with two witnesses (BDFG20 §4).
        var b = Kzg.Combine(polys, q);
        var (h, w) = Kzg.OpenMultiQuotient(srs, b, u);
        transcript.AppendG1(Labels.W, w);
        var zeta = transcript.ChallengeScalar(Labels.Zeta);
        var w2 = Kzg.OpenMultiLinearized(srs, b, h, u, zeta);
        transcript.AppendG1(Labels.W2, w2);
        return new HyperKzgProof(folds, vPos, vNeg, vSq, [w, w2]);
    }

    /// <summary>
    /// Verifies a HyperKZG proof that the vector committed as <paramref name="commitment"/> has
    /// ṽ(point) = value, replaying the prover's transcript. Returns false (with a reason) on any
    /// failure; never throws on adversarial proofs.
    /// </summary>
    /// <remarks>
    /// Soundness: the folding identity is checked at the random r for every level, linking
    /// P_(i+1)(r²) to P_i(±r), with P_ℓ = value; the batched KZG check binds all 3ℓ claimed
    /// evaluations to the commitments (q-SDH, AGM); a cheating fold survives with probability
    /// ≤ O(2^ℓ/|F|) over r, q, d.
    /// </remarks>
    public static bool Verify(in KzgVerifierKey vk, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> point, in Fr value, HyperKzgProof proof, out string? reason)
    {
        int l = point.Length;
        if (!commitment.IsOnCurve) { reason = "commitment is not on the curve"; return false; }
        if (proof.FoldCommitments.Length != Math.Max(0, l - 1) || proof.EvalsAtR.Length != l ||
            proof.EvalsAtMinusR.Length != l || proof.EvalsAtRSquared.Length != l || proof.Witnesses.Length != (l == 0 ? 0 : 2))
        { reason = $"proof shape does not match {l} variables"; return false; }
        foreach (var p in proof.FoldCommitments) if (!p.IsOnCurve) { reason = "fold commitment not on the curve"; return false; }
        foreach (var p in proof.Witnesses) if (!p.IsOnCurve) { reason = "witness not on the curve"; return false; }

        BindClaim(transcript, commitment, point, value);
        if (l == 0)
        {
            // A constant: the commitment must be value·G.
            var expect = G1Jacobian.Generator.ScalarMul(value).ToAffine();
            reason = expect == commitment ? null : "constant polynomial: commitment ≠ value·G";
            return reason == null;
        }

        transcript.AppendG1s(Labels.Folds, proof.FoldCommitments);
        var r = transcript.ChallengeScalar(Labels.R);
        if (r.IsZero || r.IsOne || r == -Fr.One) { reason = "challenge r ∈ {0, ±1}: the points r, −r, r² are not distinct"; return false; }
        Fr.Neg(r, out var negR);
        Fr.Square(r, out var r2);

        var two = Fr.FromInt64(2);
        for (int i = 0; i < l; i++)
        {
            var yNext = i + 1 < l ? proof.EvalsAtRSquared[i + 1] : value;
            var xi = MleOrder.CoordinateOfBit(point, i);
            // 2r·P_(i+1)(r²) = r(1 − x)(P_i(r) + P_i(−r)) + x(P_i(r) − P_i(−r))
            var lhs = two * r * yNext;
            var sum = proof.EvalsAtR[i] + proof.EvalsAtMinusR[i];
            var diff = proof.EvalsAtR[i] - proof.EvalsAtMinusR[i];
            var rhs = r * (Fr.One - xi) * sum + xi * diff;
            if (lhs != rhs) { reason = $"fold {i}: P_{i + 1}(r²) inconsistent with P_{i}(±r)"; return false; }
        }

        AbsorbEvaluations(transcript, proof.EvalsAtR, proof.EvalsAtMinusR, proof.EvalsAtRSquared);
        var q = transcript.ChallengeScalar(Labels.Q);
        transcript.AppendG1(Labels.W, proof.Witnesses[0]);
        var zeta = transcript.ChallengeScalar(Labels.Zeta);
        transcript.AppendG1(Labels.W2, proof.Witnesses[1]);

        // C_B = Σ_i q^i·C_i and B(u_s) = Σ_i q^i·P_i(u_s).
        var coms = new G1Affine[l];
        coms[0] = commitment;
        proof.FoldCommitments.CopyTo(coms, 1);
        var qs = new Fr[l];
        qs[0] = Fr.One;
        for (int i = 1; i < l; i++) qs[i] = qs[i - 1] * q;
        var bu = new Fr[3];
        for (int i = l - 1; i >= 0; i--)
        {
            bu[0] = bu[0] * q + proof.EvalsAtR[i];
            bu[1] = bu[1] * q + proof.EvalsAtMinusR[i];
            bu[2] = bu[2] * q + proof.EvalsAtRSquared[i];
        }
        if (!Kzg.VerifyMulti(vk, coms, qs, [r, negR, r2], bu, proof.Witnesses[0], proof.Witnesses[1], zeta))
        { reason = "KZG multi-point pairing check failed"; return false; }
        reason = null;
        return true;
    }

    /// <summary>Commitment, point and value go into the transcript before any challenge of the opening.</summary>
    private static void BindClaim(Transcript t, in G1Affine commitment, ReadOnlySpan<Fr> point, in Fr value)
    {
        t.AppendG1(Labels.Commitment, commitment);
        t.AppendScalars(Labels.Point, point);
        t.AppendScalar(Labels.Value, value);
    }

    private static void AbsorbEvaluations(Transcript t, Fr[] pos, Fr[] neg, Fr[] sq)
    {
        var all = new Fr[3 * pos.Length];
        pos.CopyTo(all, 0); neg.CopyTo(all, pos.Length); sq.CopyTo(all, 2 * pos.Length);
        t.AppendScalars(Labels.V, all);
    }

    /// <summary>P(r) and P(−r) together: P(±r) = E(r²) ± r·O(r²).</summary>
    private static void EvaluatePlusMinus(Fr[] p, in Fr r, out Fr pos, out Fr neg)
    {
        Fr.Square(r, out var r2);
        var e = Fr.Zero; var o = Fr.Zero;
        int n = p.Length;
        for (int i = (n - 1) & ~1; i >= 0; i -= 2)
        {
            Fr.Mul(e, r2, out e); Fr.Add(e, p[i], out e);
            if (i + 1 < n) { Fr.Mul(o, r2, out o); Fr.Add(o, p[i + 1], out o); }
        }
        Fr.Mul(o, r, out o);
        Fr.Add(e, o, out pos);
        Fr.Sub(e, o, out neg);
    }

    /// <summary>Transcript labels of the HyperKZG sub-protocol.</summary>
    internal static class Labels
    {
        public const string Commitment = "hyperkzg/C";
        public const string Point = "hyperkzg/x";
        public const string Value = "hyperkzg/y";
        public const string Folds = "hyperkzg/folds";
        public const string R = "hyperkzg/r";
        public const string V = "hyperkzg/v";
        public const string Q = "hyperkzg/q";
        public const string W = "hyperkzg/w";
        public const string Zeta = "hyperkzg/z";
        public const string W2 = "hyperkzg/w2";
    }
}
