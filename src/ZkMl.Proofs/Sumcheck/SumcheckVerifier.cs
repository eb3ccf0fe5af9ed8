using ZkMl.Algebra;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>
/// Stateless sumcheck verifier: replays the transcript, recovers each round polynomial's omitted coefficient
/// from the running claim, and returns the final claim (point, expected value) that the caller MUST discharge.
/// Never throws on adversarial proof data; a malformed proof gives <see cref="SumcheckResult.Success"/> = false
/// with a reason.
/// </summary>
/// <remarks>
/// Soundness: with compressed rounds every check is deferred to the final claim; a prover that cheats in any
/// round passes the final check with probability at most n·(d+1)/r over the challenges (Schwartz–Zippel).
/// Callers that ignore <see cref="SumcheckResult.ExpectedValue"/> verify nothing.
/// </remarks>
public static class SumcheckVerifier
{
    /// <summary>
    /// Verifies a plain sumcheck of Σ_x F(x) = <paramref name="claim"/> over <paramref name="numVars"/>
    /// variables, F of degree <paramref name="degree"/> per variable. On success, F(Point) must equal ExpectedValue.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid parameters chosen by the caller (not by the proof).</exception>
    public static SumcheckResult Verify(Transcript transcript, Fr claim, int numVars, int degree, SumcheckProof? proof)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        CheckParameters(numVars, degree);
        var shapeError = CheckShape(proof, numVars, degree);
        if (shapeError != null) return SumcheckResult.Fail(shapeError);
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var point = new Fr[numVars];
        Span<Fr> coeffs = stackalloc Fr[degree + 1];
        for (int i = 0; i < numVars; i++)
        {
            var msg = proof!.Rounds[i];
            // g(0) + g(1) = 2·c_0 + c_1 + c_2 + … + c_d = claim
            var c1 = claim - msg[0] - msg[0];
            for (int k = 1; k < degree; k++) c1 -= msg[k];
            coeffs[0] = msg[0];
            coeffs[1] = c1;
            for (int k = 2; k <= degree; k++) coeffs[k] = msg[k - 1];
            var r = transcript.AbsorbChallenge(SumcheckLabels.Round, msg);
            point[i] = r;
            claim = UniPoly.Evaluate(coeffs, r);
        }
        return SumcheckResult.Ok(point, claim);
    }

    /// <summary>
    /// Verifies a zero-check-form sumcheck Σ_x eq(τ, x)·G(x) = <paramref name="claim"/> proved with Gruen's
    /// trick (rounds carry q_i without its constant term). On success, G(Point) — WITHOUT the eq factor — must
    /// equal ExpectedValue. No field inversions: the verifier tracks claim / eq(τ_{&lt;i}, r_{&lt;i}).
    /// </summary>
    /// <param name="transcript">Transcript to run on.</param>
    /// <param name="claim">The claimed Σ eq(τ, x)·G(x).</param>
    /// <param name="tau">The eq point τ (its length is the number of variables).</param>
    /// <param name="degree">Degree of G per variable.</param>
    /// <param name="proof">The proof.</param>
    /// <exception cref="ArgumentException">Invalid degree.</exception>
    public static SumcheckResult VerifyZeroCheck(Transcript transcript, Fr claim, ReadOnlySpan<Fr> tau, int degree, SumcheckProof? proof)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        int n = tau.Length;
        CheckParameters(n, degree);
        var shapeError = CheckShape(proof, n, degree);
        if (shapeError != null) return SumcheckResult.Fail(shapeError);
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var point = new Fr[n];
        Span<Fr> coeffs = stackalloc Fr[degree + 1];
        for (int i = 0; i < n; i++)
        {
            var msg = proof!.Rounds[i];
            // (1 − τ)q(0) + τ·q(1) = q_0 + τ·(q_1 + … + q_d) = claim
            var rest = Fr.Zero;
            for (int k = 0; k < degree; k++) rest += msg[k];
            coeffs[0] = claim - tau[i] * rest;
            for (int k = 1; k <= degree; k++) coeffs[k] = msg[k - 1];
            var r = transcript.AbsorbChallenge(SumcheckLabels.Round, msg);
            point[i] = r;
            claim = UniPoly.Evaluate(coeffs, r);
        }
        return SumcheckResult.Ok(point, claim);
    }

    /// <summary>
    /// Verifies a zero-knowledge plain sumcheck (<see cref="SumcheckProver.ProveMasked(Transcript, ProductSum, IReadOnlyList{Polynomials.DenseMle}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyList{VanishingMask?}?, LibraLabels?)"/>)
    /// of Σ_x F(x) = <paramref name="claim"/>: absorbs the mask commitment (if any), the claim and
    /// <paramref name="maskSum"/>, draws ρ′, replays the rounds of F + ρ′g with running claim claim + ρ′σ and the
    /// per-round degrees, and returns ExpectedValue = e − ρ′·<paramref name="maskEvaluation"/>. On success the caller
    /// MUST discharge BOTH F(Point) = ExpectedValue (with the masked factor values; <see cref="MaskedSumcheckResult.CheckFinalValue"/>)
    /// and <see cref="MaskedSumcheckResult.MaskClaim"/>, g(Point) = maskEvaluation on the committed mask (a claim on the
    /// commitment the transcript absorbed before ρ′). Either check alone accepts forgeries. The caller also absorbs
    /// the final values and v_g before any later challenge (e.g. a batched opening's).
    /// </summary>
    /// <param name="transcript">Transcript to run on.</param>
    /// <param name="claim">The claimed Σ_x F(x).</param>
    /// <param name="degrees">The degree profile d_1 … d_n (fixed by the verifying key, never by the proof).</param>
    /// <param name="maskCommitment">The bytes the prover absorbed before ρ′. Empty means "nothing absorbed here" and is
    /// sound ONLY if the commitment holding the mask was absorbed earlier in this transcript: a mask committed after ρ′
    /// can carry Σg ≠ σ and forge any claim even though g(r) = v_g then holds on its commitment
    /// (<c>MaskedSumcheckTests.AMaskNotBoundBeforeRhoForgesAnyClaim</c>).</param>
    /// <param name="maskSum">The prover's announced σ = Σ_x g(x).</param>
    /// <param name="proof">The round messages.</param>
    /// <param name="maskEvaluation">The prover's v_g = g(r).</param>
    /// <param name="labels">The mask labels (default <see cref="LibraLabels.Default"/>).</param>
    /// <exception cref="ArgumentException">Invalid degree profile (caller parameter).</exception>
    public static MaskedSumcheckResult VerifyMasked(Transcript transcript, Fr claim, ReadOnlySpan<int> degrees, ReadOnlySpan<byte> maskCommitment, Fr maskSum,
        SumcheckProof? proof, Fr maskEvaluation, LibraLabels? labels = null)
        => VerifyMaskedCore(transcript, claim, null, degrees, maskCommitment, maskSum, proof, maskEvaluation, labels);

    /// <summary>
    /// Verifies a zero-knowledge zero-check-form sumcheck
    /// (<see cref="SumcheckProver.ProveZeroCheckMasked(Transcript, ProductSum, IReadOnlyList{Polynomials.DenseMle}, ReadOnlySpan{Fr}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyList{VanishingMask?}?, LibraLabels?)"/>)
    /// of Σ_x eq(τ, x)·G(x) = <paramref name="claim"/>. As <see cref="VerifyMasked"/> with Gruen's rounds
    /// ([q_1, …, q_{d_i}], q_0 = ẽ − τ_i·(q_1 + … + q_{d_i})); σ is the eq-weighted mask sum. ExpectedValue is
    /// G(Point) WITHOUT the eq factor; the caller also discharges g(Point) = <paramref name="maskEvaluation"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid degree profile, or τ and the profile differ in length.</exception>
    public static MaskedSumcheckResult VerifyZeroCheckMasked(Transcript transcript, Fr claim, ReadOnlySpan<Fr> tau, ReadOnlySpan<int> degrees, ReadOnlySpan<byte> maskCommitment,
        Fr maskSum, SumcheckProof? proof, Fr maskEvaluation, LibraLabels? labels = null)
    {
        if (tau.Length != degrees.Length) throw new ArgumentException($"zero-check: τ has {tau.Length} coordinates, the degree profile {degrees.Length} rounds", nameof(tau));
        return VerifyMaskedCore(transcript, claim, tau.ToArray(), degrees, maskCommitment, maskSum, proof, maskEvaluation, labels);
    }

    private static MaskedSumcheckResult VerifyMaskedCore(Transcript transcript, Fr claim, Fr[]? tau, ReadOnlySpan<int> degrees, ReadOnlySpan<byte> maskCommitment,
        Fr maskSum, SumcheckProof? proof, Fr maskEvaluation, LibraLabels? labels)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        labels ??= LibraLabels.Default;
        int n = degrees.Length;
        if (n < 1 || n > 40) throw new ArgumentException($"masked sumcheck: number of variables {n} out of range 1..40", nameof(degrees));
        foreach (var d in degrees) CheckParameters(n, d);
        var shapeError = CheckShape(proof, degrees);
        if (shapeError != null) return MaskedSumcheckResult.Fail(shapeError);
        if (!maskCommitment.IsEmpty) transcript.AppendBytes(labels.Commitment, maskCommitment);
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        transcript.AppendScalar(labels.Sum, maskSum);
        var rho = transcript.ChallengeScalar(labels.Rho);
        var e = claim + rho * maskSum;
        var point = new Fr[n];
        Span<Fr> coeffs = stackalloc Fr[UniPoly.MaxDegree + 1];
        for (int i = 0; i < n; i++)
        {
            int degree = degrees[i];
            var msg = proof!.Rounds[i];
            var c = coeffs[..(degree + 1)];
            if (tau == null)
            {
                var c1 = e - msg[0] - msg[0];
                for (int k = 1; k < degree; k++) c1 -= msg[k];
                c[0] = msg[0];
                c[1] = c1;
                for (int k = 2; k <= degree; k++) c[k] = msg[k - 1];
            }
            else
            {
                var rest = Fr.Zero;
                for (int k = 0; k < degree; k++) rest += msg[k];
                c[0] = e - tau[i] * rest;
                for (int k = 1; k <= degree; k++) c[k] = msg[k - 1];
            }
            transcript.AppendScalars(SumcheckLabels.Round, msg);
            var r = transcript.ChallengeScalar(SumcheckLabels.Challenge);
            point[i] = r;
            e = UniPoly.Evaluate(c, r);
        }
        return MaskedSumcheckResult.Ok(point, e - rho * maskEvaluation, maskEvaluation);
    }

    private static void CheckParameters(int numVars, int degree)
    {
        if (numVars < 0 || numVars > 40) throw new ArgumentException($"sumcheck: number of variables {numVars} out of range 0..40", nameof(numVars));
        if (degree < 1 || degree >= UniPoly.MaxDegree) throw new ArgumentException($"sumcheck: degree {degree} out of range 1..{UniPoly.MaxDegree - 1}", nameof(degree));
    }

    private static string? CheckShape(SumcheckProof? proof, ReadOnlySpan<int> degrees)
    {
        if (proof?.Rounds == null) return "sumcheck proof is missing";
        if (proof.Rounds.Length != degrees.Length) return $"sumcheck proof has {proof.Rounds.Length} rounds, expected {degrees.Length}";
        for (int i = 0; i < degrees.Length; i++)
        {
            var m = proof.Rounds[i];
            if (m == null) return $"sumcheck round {i} is missing";
            if (m.Length != degrees[i]) return $"sumcheck round {i} has {m.Length} coefficients, expected {degrees[i]}";
        }
        return null;
    }

    private static string? CheckShape(SumcheckProof? proof, int numVars, int degree)
    {
        if (proof?.Rounds == null) return "sumcheck proof is missing";
        if (proof.Rounds.Length != numVars) return $"sumcheck proof has {proof.Rounds.Length} rounds, expected {numVars}";
        for (int i = 0; i < numVars; i++)
        {
            var m = proof.Rounds[i];
            if (m == null) return $"sumcheck round {i} is missing";
            if (m.Length != degree) return $"sumcheck round {i} has {m.Length} coefficients, expected {degree}";
        }
        return null;
    }
}
