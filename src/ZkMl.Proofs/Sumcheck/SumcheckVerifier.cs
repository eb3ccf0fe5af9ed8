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
            transcript.AppendScalars(SumcheckLabels.Round, msg);
            var r = transcript.ChallengeScalar(SumcheckLabels.Challenge);
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
            transcript.AppendScalars(SumcheckLabels.Round, msg);
            var r = transcript.ChallengeScalar(SumcheckLabels.Challenge);
            point[i] = r;
            claim = UniPoly.Evaluate(coeffs, r);
        }
        return SumcheckResult.Ok(point, claim);
    }

    private static void CheckParameters(int numVars, int degree)
    {
        if (numVars < 0 || numVars > 40) throw new ArgumentException($"sumcheck: number of variables {numVars} out of range 0..40", nameof(numVars));
        if (degree < 1 || degree >= UniPoly.MaxDegree) throw new ArgumentException($"sumcheck: degree {degree} out of range 1..{UniPoly.MaxDegree - 1}", nameof(degree));
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
